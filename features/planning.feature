Feature: Planning a themed night
  The marketing team plans a night for one or more bars. The night takes the theme of its month and
  lists every deliverable it needs: the default ones (poster, flyer…) once for the night, plus one per
  screen of each bar, made to that screen's specs. Everything is due seven days before the night (J-7).

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" with the screens:
      | kind     | label    | specs         |
      | cube_led | Cube LED | 1024x1024 mp4 |
      | door_led | Door LED | 1920x320 mp4  |
    And the bar "La Cale" with the screens:
      | kind     | label    | specs       |
      | cube_led | Cube LED | 768x768 mp4 |
    And the default template "Poster A3" with the specs "A3 PDF 300 dpi"
    And the default template "Flyer" with the specs "A5 PDF 300 dpi"
    And the default template "Cube LED" with the specs "1024x1024 mp4" for each "cube_led" screen
    And the default template "Door LED" with the specs "1920x320 mp4" for each "door_led" screen

  Scenario: Journey A: a themed night in two bars gets its deliverables with each bar's screen specs
    Given the theme of 2026-12 is "Noël Pailleté"
    When the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir" and "La Cale"
    Then "Nuit Disco" shows the theme "Noël Pailleté"
    And "Nuit Disco" has the slots:
      | deliverable | bar         | specs          | status |
      | Poster A3   | all bars    | A3 PDF 300 dpi | todo   |
      | Flyer       | all bars    | A5 PDF 300 dpi | todo   |
      | Cube LED    | Le Comptoir | 1024x1024 mp4  | todo   |
      | Door LED    | Le Comptoir | 1920x320 mp4   | todo   |
      | Cube LED    | La Cale     | 768x768 mp4    | todo   |
    And every deliverable of "Nuit Disco" is due on 2026-12-05
    And the countdown of "Nuit Disco" reads "J-17"
    And "Nuit Disco" is orange

  Scenario: A month without a theme leaves the night without one
    When the event "Afterwork" is planned on 2027-01-15 at "La Cale"
    Then "Afterwork" has no theme

  Scenario: A bar without screens only gets the default deliverables
    Given the bar "L'Entrepôt" without screens
    When the event "Soirée Quiz" is planned on 2026-12-03 at "L'Entrepôt"
    Then "Soirée Quiz" has the slots:
      | deliverable | bar      | specs          | status |
      | Poster A3   | all bars | A3 PDF 300 dpi | todo   |
      | Flyer       | all bars | A5 PDF 300 dpi | todo   |

  Scenario: A night moved to another date takes its deadlines with it
    Given the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"
    When the team moves "Nuit Disco" to 2026-12-19
    Then every deliverable of "Nuit Disco" is due on 2026-12-12
    And the countdown of "Nuit Disco" reads "J-24"
    And the activity of "Nuit Disco" says it moved from 2026-12-12 to 2026-12-19

  Scenario: A duplicated night has the same deliverables, all to do, and none of the files
    Given the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"
    And a file was sent for the "Poster A3" slot of "Nuit Disco"
    And the "Flyer" slot of "Nuit Disco" is approved
    When the team duplicates "Nuit Disco" on 2027-01-16
    Then "Nuit Disco" is planned on 2026-12-12 and on 2027-01-16
    And the copy of "Nuit Disco" on 2027-01-16 has the same deliverables, all to do, without files

  Scenario: A cancelled night leaves the calendar but stays in history until restored
    Given the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"
    When the team cancels "Nuit Disco"
    Then the calendar of December 2026 does not show "Nuit Disco"
    And "Nuit Disco" is still kept, marked cancelled
    When the team restores "Nuit Disco"
    Then the calendar of December 2026 shows "Nuit Disco"

  Scenario: Only an admin deletes a night, and the audit log remembers it
    Given the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"
    When a member tries to delete "Nuit Disco"
    Then they are told that only an admin may do this
    And the calendar of December 2026 shows "Nuit Disco"
    When an admin deletes "Nuit Disco"
    Then the calendar of December 2026 does not show "Nuit Disco"
    And the audit log records that the admin deleted "Nuit Disco"

  Scenario: Nights are found by name whatever the accents, the case and the month
    Given the event "Café Théâtre" is planned on 2026-12-03 at "La Cale"
    And the event "CAFE des sports" is planned on 2027-03-20 at "La Cale"
    And the event "Nuit Électro" is planned on 2027-02-14 at "La Cale"
    When someone looks for "cafe"
    Then they find "Café Théâtre" and "CAFE des sports", in date order
