Feature: The bars of a night and its deliverable slots
  Bars join or leave a night while it is being prepared. A bar that leaves keeps its slots, disabled
  (nothing is lost if it comes back); the team can also add a deliverable the templates did not foresee,
  or switch one off for this night only ("no Door LED for this night").

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" with the screens:
      | kind     | label    | specs         |
      | cube_led | Cube LED | 1024x1024 mp4 |
      | door_led | Door LED | 1920x320 mp4  |
    And the bar "La Cale" with the screens:
      | kind     | label    | specs       |
      | cube_led | Cube LED | 768x768 mp4 |
    And the default template "Flyer" with the specs "A5 PDF 300 dpi"
    And the default template "Cube LED" with the specs "1024x1024 mp4" for each "cube_led" screen
    And the default template "Door LED" with the specs "1920x320 mp4" for each "door_led" screen
    And the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir" and "La Cale"

  Scenario: A removed bar disables its slots, it does not delete them
    When "La Cale" is removed from "Nuit Disco"
    Then the slots of "La Cale" at "Nuit Disco" are disabled
    And the slots of "Le Comptoir" at "Nuit Disco" are enabled
    And "Nuit Disco" still has 4 slots

  Scenario: A bar that comes back gets its slots back
    Given "La Cale" is removed from "Nuit Disco"
    When "La Cale" is added to "Nuit Disco"
    Then the slots of "La Cale" at "Nuit Disco" are enabled
    And "Nuit Disco" still has 4 slots

  Scenario: A bar added later gets a slot for each of its screens
    Given the bar "Le Phare" with the screens:
      | kind     | label       | specs       |
      | door_led | Door LED    | 1600x256 mp4 |
    When "Le Phare" is added to "Nuit Disco"
    Then "Nuit Disco" has the slots:
      | deliverable | bar         | specs          | status |
      | Flyer       | all bars    | A5 PDF 300 dpi | todo   |
      | Cube LED    | Le Comptoir | 1024x1024 mp4  | todo   |
      | Door LED    | Le Comptoir | 1920x320 mp4   | todo   |
      | Cube LED    | La Cale     | 768x768 mp4    | todo   |
      | Door LED    | Le Phare    | 1600x256 mp4   | todo   |

  Scenario: A deliverable the templates did not foresee
    When the team adds the deliverable "Menu cocktails" with the specs "A4 PDF" to "Nuit Disco"
    Then "Nuit Disco" still has 5 slots
    And the "Menu cocktails" slot of "Nuit Disco" is now to do

  Scenario: No Door LED for this night
    When the team disables the "Door LED" slot of "Nuit Disco"
    Then the "Door LED" slot of "Nuit Disco" is disabled
    And the "Flyer" slot of "Nuit Disco" is enabled
