Feature: People hear about what concerns them, by e-mail
  The conversation lives on the event card, and e-mail brings the right people to it: whoever validates when a
  slot goes to review, the assignee when it is approved or sent back, the mentioned when someone writes @their-name,
  and everyone who asked for it gets a daily digest. Each e-mail is in its reader's language and links straight
  to the event card; nobody hears about their own doing, and nobody else gets anything.

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" without screens
    And the team:
      | name        | email               | role   | language | notifications                                     |
      | Camille     | camille@bars.fr     | admin  | fr       | review_requested, review_outcome, mention, digest |
      | Alex Martin | alex.martin@bars.fr | member | en       | review_outcome, mention, digest                   |
      | Léa         | lea@bars.fr         | member | fr       | review_requested                                  |
      | Sam         | sam@bars.fr         | member | fr       |                                                   |
    And the event "Soirée Disco" is planned on 2026-12-05 at "Le Comptoir"
    And "Soirée Disco" needs the slot "Affiche" made by "Alex Martin"

  Scenario: Journey C from the notification: review requested, e-mail received, card opened, approved
    When "Alex Martin" sends "Affiche" of "Soirée Disco" to review
    Then "Camille" gets the e-mail "À valider : Affiche — Soirée Disco"
    And "Léa" gets the e-mail "À valider : Affiche — Soirée Disco"
    And nobody else gets an e-mail
    When "Camille" follows the link in her e-mail
    Then she sees the card of "Soirée Disco" with "Affiche" in review
    When she approves "Affiche" on the card
    Then "Alex Martin" gets the e-mail "Approved: Affiche — Soirée Disco"
    And nobody else gets an e-mail

  Scenario: A mention e-mails the mentioned, and only them
    When "Camille" comments on "Soirée Disco": "@alex.martin le logo est trop petit, on en parle ?"
    Then "Alex Martin" gets the e-mail "Camille mentioned you — Soirée Disco"
    And the e-mail to "Alex Martin" says "le logo est trop petit, on en parle ?"
    And nobody else gets an e-mail

  Scenario: The digest tells each reader what is late and what is due this week, grouped by event
    Given the event "Karaoké" is planned on 2026-11-30 at "Le Comptoir"
    And "Karaoké" needs the slot "Flyer" made by "Alex Martin"
    And "Karaoké" needs the slot "Story" made by "Léa"
    When the daily digest runs
    Then "Alex Martin" gets the e-mail "Digest for November 25, 2026: 1 late, 1 due this week"
    And the e-mail to "Alex Martin" says:
      """
      Late — Karaoké (November 30, 2026)
      - Flyer [To do]
      """
    And the e-mail to "Alex Martin" says:
      """
      Due this week (by December 1, 2026) — Soirée Disco (December 5, 2026)
      - Affiche [To do]
      """
    And "Camille" gets the e-mail "Récap du 25 novembre 2026 : 2 en retard, 1 à rendre cette semaine"
    And nobody else gets an e-mail

  Scenario: The digest runs twice on one day and is sent once
    When the daily digest runs
    And the daily digest runs again 8 hours later
    Then "Alex Martin" has had 1 e-mail
    And "Camille" has had 1 e-mail

  Scenario: Nothing to say, nothing sent
    Given "Affiche" of "Soirée Disco" is approved
    When the daily digest runs
    Then nobody gets an e-mail
