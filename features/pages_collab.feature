Feature: Talking about a night on its card, and the admin's audit log, as web pages
  The conversation lives on the event card: threads, comments about one deliverable, @mentions,
  edits and deletions that leave a trace. Admins answer "who deleted what" from the audit log page,
  and everyone chooses which e-mails they get.

  Background:
    Given the admin "ada@bars.fr", the member "max@bars.fr" and the event "Soirée Disco" with "Poster A3" and "Flyer"

  Scenario: A reply is shown under the comment it answers, mentions highlighted
    Given "max@bars.fr" comments "@ada le flyer est prêt ?"
    And "ada@bars.fr" replies "Oui, je regarde"
    When "ada@bars.fr" opens the card of "Soirée Disco"
    Then the thread reads "@ada le flyer est prêt ?" then, indented under it, "Oui, je regarde"
    And "@ada" is highlighted as a mention

  Scenario: A comment about one deliverable is shown with that deliverable
    Given "max@bars.fr" comments "Logo trop petit" about "Poster A3"
    When "ada@bars.fr" opens the card of "Soirée Disco"
    Then the row of "Poster A3" counts 1 comment and the row of "Flyer" none
    And the comment "Logo trop petit" is tagged "Poster A3"

  Scenario: A deleted comment leaves a trace, and the audit log says who deleted what
    Given "max@bars.fr" comments "Le DJ annule"
    And "ada@bars.fr" deletes that comment
    When "max@bars.fr" opens the card of "Soirée Disco"
    Then the thread shows "message supprimé" instead of "Le DJ annule"
    When "ada@bars.fr" searches the audit log for the person "ada@bars.fr" and the entity "comment"
    Then the log shows "Ada Admin" "a supprimé un commentaire" with the removed text "Le DJ annule"
    And its CSV export link carries the same filters

  Scenario: A member chooses the e-mails they get
    When "max@bars.fr" keeps only "mention" in their notifications
    Then their profile page shows only "mention" ticked
