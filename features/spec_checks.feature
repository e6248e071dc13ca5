Feature: Every file is checked against its slot's specs
  An LED screen shows only what fits it: a 1920x1080 video on a 1024x1024 cube comes out cropped or squeezed on the
  night. Each upload is measured and compared with its slot's specs, and the team sees at once when it differs and
  how, in its own language. Nothing is blocked (the workflow stays supple), but approving a file that differs is a
  decision the activity keeps.

  Background:
    Given today is 2026-11-25
    And the bar "Le Comptoir" with the screens:
      | kind     | label    | specs         |
      | cube_led | Cube LED | 1024x1024 mp4 |
    And the default template "Cube LED" with the specs "1024x1024 mp4" for each "cube_led" screen
    And the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"
    And the designer "max@bars.fr" and the manager "lea@bars.fr", who reads French

  Scenario: A wrong-size LED video is flagged
    When "max@bars.fr" uploads a 1920x1080 video "cube.mp4" to the "Cube LED" slot
    Then the upload is accepted as version 1 and the "Cube LED" slot is in review
    And "lea@bars.fr" sees that version 1 of "Cube LED" differs: "1920x1080 au lieu de 1024x1024"

  Scenario: Approving a video that differs is noted in the activity
    Given "max@bars.fr" uploaded a 1920x1080 video "cube.mp4" to the "Cube LED" slot
    When "lea@bars.fr" approves the "Cube LED" slot
    Then the "Cube LED" slot is approved
    And the activity notes that "lea@bars.fr" approved a version of "Cube LED" that differs from its specs

  Scenario: A video of the screen's size matches
    When "max@bars.fr" uploads a 1024x1024 video "cube-v2.mp4" to the "Cube LED" slot
    Then "lea@bars.fr" sees that version 1 of "Cube LED" matches its specs
