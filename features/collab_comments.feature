Feature: The conversation lives on the event card
  Comments on an event or on one of its slots, with threaded replies and @mentions of the team. People edit or
  delete what they wrote; a deletion leaves a visible trace in the thread, and the audit log keeps who deleted what.

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" without screens
    And the team:
      | name        | email               | role   | language | notifications |
      | Camille     | camille@bars.fr     | admin  | fr       | mention       |
      | Alex Martin | alex.martin@bars.fr | member | en       | mention       |
      | Léa         | lea@bars.fr         | member | fr       | mention       |
    And the event "Soirée Disco" is planned on 2026-12-05 at "Le Comptoir"
    And "Soirée Disco" needs the slot "Affiche" made by "Alex Martin"

  Scenario: A mention by first name, full handle or e-mail, in any case, reaches the right people
    When "Camille" comments on "Soirée Disco": "@ALEX et @lea.: avis sur le brief ?"
    Then the comment mentions "Alex Martin" and "Léa"
    And "Alex Martin" gets the e-mail "Camille mentioned you — Soirée Disco"
    And "Léa" gets the e-mail "Camille vous a mentionné·e — Soirée Disco"
    And nobody else gets an e-mail

  Scenario: A reply about a slot joins the thread
    Given "Camille" commented on "Soirée Disco": "Le logo est trop petit"
    When "Alex Martin" replies about "Affiche": "Corrigé dans la v2"
    Then the thread of "Soirée Disco" reads:
      | author      | text                   | reply to               | slot    |
      | Camille     | Le logo est trop petit |                        |         |
      | Alex Martin | Corrigé dans la v2     | Le logo est trop petit | Affiche |

  Scenario: Rich text is kept, scripts are not
    When "Camille" comments on "Soirée Disco": "<b>Urgent</b><script>alert(1)</script>"
    Then the thread of "Soirée Disco" reads:
      | author  | text          | reply to | slot |
      | Camille | <b>Urgent</b> |          |      |

  Scenario: A deleted comment leaves a trace, and the audit log says who deleted what
    Given "Alex Martin" commented on "Soirée Disco": "Version brouillon, ne pas diffuser"
    When "Alex Martin" deletes that comment
    Then the thread of "Soirée Disco" reads:
      | author      | text                               | reply to | slot |
      | Alex Martin | <p><em>message supprimé</em></p> |          |      |
    And the audit log shows "Alex Martin" deleted the comment "Version brouillon, ne pas diffuser"

  Scenario: Only the author edits a comment
    Given "Camille" commented on "Soirée Disco": "Brief validé"
    When "Alex Martin" tries to edit that comment
    Then he is told "only its author may edit this comment"
