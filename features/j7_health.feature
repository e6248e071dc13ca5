Feature: The J-7 rule and the health of a night
  Every deliverable must be approved seven days before the night (J-7). From J-6 on, a deliverable that
  is not approved is late. The calendar dot of a night says where it stands: green when every deliverable
  is approved, red as soon as one is late, orange while work is under way on time, and grey ("none") for a
  night with nothing to produce. Switched-off deliverables do not count.

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" with the screens:
      | kind     | label    | specs         |
      | cube_led | Cube LED | 1024x1024 mp4 |
    And the default template "Poster A3" with the specs "A3 PDF 300 dpi"
    And the default template "Flyer" with the specs "A5 PDF 300 dpi"
    And the default template "Cube LED" with the specs "1024x1024 mp4" for each "cube_led" screen
    And the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"

  Scenario: At J-7 nothing is late yet
    When today is 2026-12-05
    Then the countdown of "Nuit Disco" reads "J-7"
    And no slot of "Nuit Disco" is late
    And "Nuit Disco" is orange

  Scenario: At J-6 every deliverable not approved is late
    When today is 2026-12-06
    Then the countdown of "Nuit Disco" reads "J-6"
    And the "Flyer" slot of "Nuit Disco" is late
    And the "Poster A3" slot of "Nuit Disco" is late

  Scenario: At J-6 with the flyer not approved the event is red
    Given every slot of "Nuit Disco" is approved
    And the "Flyer" slot of "Nuit Disco" is in review
    When today is 2026-12-06
    Then the "Flyer" slot of "Nuit Disco" is late
    And the "Poster A3" slot of "Nuit Disco" is not late
    And "Nuit Disco" is red

  Scenario: Work under way before J-7 is orange
    Given the "Poster A3" slot of "Nuit Disco" is approved
    And the "Flyer" slot of "Nuit Disco" is in progress
    When today is 2026-12-01
    Then "Nuit Disco" is orange

  Scenario: Everything approved is green, even after J-7
    Given every slot of "Nuit Disco" is approved
    When today is 2026-12-10
    Then no slot of "Nuit Disco" is late
    And "Nuit Disco" is green

  Scenario: A disabled slot is ignored
    Given every slot of "Nuit Disco" is approved
    And the "Flyer" slot of "Nuit Disco" is to do
    And the team disables the "Flyer" slot of "Nuit Disco"
    When today is 2026-12-06
    Then the "Flyer" slot of "Nuit Disco" is not late
    And "Nuit Disco" is green

  Scenario: A night with no slot to produce is neutral
    Given the team disables every slot of "Nuit Disco"
    When today is 2026-12-10
    Then "Nuit Disco" is none

  Scenario: A new version of an approved slot goes back to review
    Given every slot of "Nuit Disco" is approved
    And "Nuit Disco" is green
    When a new version of the "Flyer" slot of "Nuit Disco" arrives
    Then the "Flyer" slot of "Nuit Disco" is now in review
    And "Nuit Disco" is orange
