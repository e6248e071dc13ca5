Feature: People are reminded before J-7
  Every deliverable must be approved seven days before its night (J-7). Two days before that deadline, and on the
  day itself, whoever must deliver it is reminded by e-mail, in their language: the assignee or, when nobody is
  assigned, the people the night concerns (whoever planned it, commented on it or uploaded to it). Each reminder is
  sent once however often the reminders run, and nobody who turned them off gets any.

  Background:
    Given the bar "Le Comptoir" without screens
    And the team:
      | name        | email               | language | reminders |
      | Camille     | camille@bars.fr     | fr       | on        |
      | Alex Martin | alex.martin@bars.fr | en       | on        |
      | Léa         | lea@bars.fr         | fr       | on        |
      | Sam         | sam@bars.fr         | fr       | off       |
    And "Camille" plans the event "Nuit Disco" on 2026-12-12 at "Le Comptoir"

  Scenario: A designer is reminded two days before J-7
    Given "Nuit Disco" needs the slot "Poster A3" made by "Léa"
    And today is 2026-12-03
    When the reminders run
    Then "Léa" gets the e-mail "J-7 dans 2 jours : Poster A3 — Nuit Disco"
    And the e-mail to "Léa" says "doit être validé au plus tard le 5 décembre 2026 (J-7)"
    And nobody else gets an e-mail

  Scenario: On the day of J-7 the reminder says so, in the reader's language
    Given "Nuit Disco" needs the slot "Poster A3" made by "Alex Martin"
    And today is 2026-12-05
    When the reminders run
    Then "Alex Martin" gets the e-mail "J-7 today: Poster A3 — Nuit Disco"
    And nobody else gets an e-mail

  Scenario: The reminders run twice on one day and remind once
    Given "Nuit Disco" needs the slot "Poster A3" made by "Léa"
    And today is 2026-12-03
    When the reminders run
    And the reminders run again 6 hours later
    Then "Léa" has had 1 e-mail

  Scenario: An approved deliverable needs no reminder
    Given "Nuit Disco" needs the slot "Poster A3" made by "Léa"
    And "Poster A3" of "Nuit Disco" is approved
    And today is 2026-12-03
    When the reminders run
    Then nobody gets an e-mail

  Scenario: Nobody assigned: whoever planned the night or commented on it is reminded
    Given "Nuit Disco" needs the slot "Flyer" made by nobody
    And "Alex Martin" commented on "Nuit Disco": "Qui fait le flyer ?"
    And today is 2026-12-03
    When the reminders run
    Then "Camille" gets the e-mail "J-7 dans 2 jours : Flyer — Nuit Disco"
    And "Alex Martin" gets the e-mail "J-7 in 2 days: Flyer — Nuit Disco"
    And nobody else gets an e-mail

  Scenario: Someone who turned the reminders off is not reminded
    Given "Nuit Disco" needs the slot "Poster A3" made by "Sam"
    And today is 2026-12-03
    When the reminders run
    Then nobody gets an e-mail
