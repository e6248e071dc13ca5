Feature: Decisions on a deliverable come with their reasons
  A manager looks at the current version of a slot and decides. "Changes requested" says what should change: the
  reason stays in the conversation, pinned to the version it is about, so the designer knows what to fix and where.
  Approving records who approved which version. A wrong upload is set aside by making another version current; it
  stays, and the activity says who did it. The PRD lets every member validate; an admin may require a second pair
  of eyes, and then whoever uploaded the current version cannot approve it: someone else must look.

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" without screens
    And the default template "Poster A3" with the specs "A3 PDF 300 dpi"
    And the team:
      | name    | email           | role   |
      | Camille | camille@bars.fr | admin  |
      | Max     | max@bars.fr     | member |
      | Léa     | lea@bars.fr     | member |
    And the event "Soirée Disco" is planned on 2026-12-12 at "Le Comptoir"
    And "Max" has sent 2 versions of the "Poster A3" of "Soirée Disco"

  Scenario: Changes requested needs a reason
    When "Léa" requests changes to the "Poster A3" of "Soirée Disco" without saying why
    Then she is asked for the reason: "say what should change: changes_requested needs a reason"
    And the "Poster A3" slot of "Soirée Disco" is now in review
    And nobody has commented on "Soirée Disco"

  Scenario: The reason is pinned to the version it is about, and its mentions are heard
    When "Léa" requests changes to the "Poster A3" of "Soirée Disco": "@Max le logo est trop petit"
    Then the "Poster A3" slot of "Soirée Disco" is now changes requested
    And the conversation of "Soirée Disco" reads:
      | author | text                        | about     | version |
      | Léa    | @Max le logo est trop petit | Poster A3 | v2      |
    And the comment mentions "Max"

  Scenario: A wrong upload is set aside, kept, and the activity says who did it
    When "Léa" makes v1 of the "Poster A3" of "Soirée Disco" current
    Then the current version of the "Poster A3" of "Soirée Disco" is v1, of versions v1 and v2
    And the activity of "Soirée Disco" says "Léa" made v1 current instead of v2

  Scenario: Approving records who approved which version
    When "Léa" approves the "Poster A3" of "Soirée Disco"
    Then the "Poster A3" of "Soirée Disco" is approved by "Léa" at v2

  Scenario: Every member may approve, the uploader included, while no second pair of eyes is required
    When "Max" approves the "Poster A3" of "Soirée Disco"
    Then the "Poster A3" of "Soirée Disco" is approved by "Max" at v2

  Scenario: Self-approval refused once the admin requires a second pair of eyes
    Given "Camille" requires a second pair of eyes
    When "Max" approves the "Poster A3" of "Soirée Disco"
    Then he is refused: "you uploaded v2: the team requires a second pair of eyes, so someone else must approve it"
    And the "Poster A3" slot of "Soirée Disco" is now in review
    When "Léa" approves the "Poster A3" of "Soirée Disco"
    Then the "Poster A3" of "Soirée Disco" is approved by "Léa" at v2

  Scenario: Only an admin decides that a second pair of eyes is required
    When "Léa" tries to require a second pair of eyes
    Then she is refused: "only an admin may do this"
    And no second pair of eyes is required
