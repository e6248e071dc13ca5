Feature: People hear about what concerns them, by e-mail
  The conversation lives on the event card, and e-mail brings the right people to it: the people a night concerns
  (whoever planned it, works on it, sent files to it or commented on it, and whoever chose to follow it) hear of its
  new versions, reviews and comments; the maker of a deliverable hears when it is assigned to them and when it is
  approved or sent back; the mentioned hear when someone writes @their-name; whoever validates for the team may ask
  for every deliverable sent to review. Each e-mail is in its reader's language and links straight to the event
  card; nobody hears about their own doing, nobody else gets anything, and a burst of news leaves as one e-mail.

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

  Scenario: A new version is told to the deliverable's maker and the night's organiser, and to nobody it does not concern
    Given "Nina" (nina@bars.fr) joined the team, keeping the default e-mails
    And "Noé" (noe@bars.fr) joined the team, keeping the default e-mails
    And "Nina" planned the event "Karaoké" on 2026-12-12 at "Le Comptoir"
    And "Karaoké" needs the slot "Flyer" made by "Noé"
    When "Sam" sends a new version of "Flyer" of "Karaoké"
    Then "Noé" gets the e-mail "Nouvelle version : Flyer — Karaoké"
    And "Nina" gets the e-mail "Nouvelle version : Flyer — Karaoké"
    And "Camille" gets the e-mail "À valider : Flyer — Karaoké"
    And "Léa" gets the e-mail "À valider : Flyer — Karaoké"
    And nobody else gets an e-mail

  Scenario: Anyone can follow a night, and stop following it
    Given "Nina" (nina@bars.fr) joined the team, keeping the default e-mails
    When "Nina" follows "Soirée Disco"
    And "Camille" comments on "Soirée Disco": "On garde le doré ?"
    Then "Nina" gets the e-mail "Nouveau commentaire — Soirée Disco"
    And the notifications of "Nina" start with "Camille a commenté « Soirée Disco » (5 décembre 2026) : On garde le doré ?"
    And nobody else gets an e-mail
    When "Nina" stops following "Soirée Disco"
    And "Camille" comments on "Soirée Disco": "Et le rouge ?"
    Then "Nina" gets no e-mail

  Scenario: Ten versions sent within a minute reach each person as one e-mail
    When "Alex Martin" sends 10 versions of "Affiche" of "Soirée Disco" within a minute
    Then "Camille" gets the e-mail "Soirée Disco : 10 nouvelles"
    And "Léa" gets the e-mail "Soirée Disco : 10 nouvelles"
    And nobody else gets an e-mail
