Feature: Nights likely to be late are flagged before they turn red
  eventflow knows how long the team takes: for each type of deliverable, how long it went from the start of
  work to approval, how long files waited for a review. From that history it gives every upcoming night the
  chance to be red at J-6, and marks it "à risque" while there is still time to act, with the reasons in words.

  Background:
    Given today is 2026-10-01
    And the bar "Le Comptoir" with the screens:
      | kind     | label    | specs         |
      | cube_led | Cube LED | 1024x1024 mp4 |
    And the default template "Cube LED" with the specs "1024x1024 mp4" for each "cube_led" screen
    And the team took 5 days from start to approval for the "Cube LED" of 6 past nights at "Le Comptoir"
    And the event "Nuit Disco" is planned on 2026-12-12 at "Le Comptoir"

  Scenario: A night likely to be late is flagged before it turns red
    When today is 2026-12-02
    Then "Nuit Disco" is orange
    And "Nuit Disco" is at risk
    And the card of "Nuit Disco" explains "Cube LED: usually 5 days from start to approval, 3 days left before J-7"
    And the calendar shows "Nuit Disco" with the badge "à risque"
    When today is 2026-12-06
    Then "Nuit Disco" is red

  Scenario: A night with time to spare is not flagged
    When today is 2026-11-20
    Then "Nuit Disco" is orange
    And "Nuit Disco" is not at risk

  Scenario: Work started in time takes the night out of danger
    Given today is 2026-11-28
    And the "Cube LED" slot of "Nuit Disco" is in progress
    When today is 2026-12-02
    Then "Nuit Disco" is not at risk
