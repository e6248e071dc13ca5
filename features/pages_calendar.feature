Feature: The calendar and the event card as web pages
  The team opens eventflow in a browser: the calendar shows every night with its health dot,
  late nights carry the J-7 warning, and each event card has its own address.
  Today is 2026-11-25 in Paris.

  Background:
    Given the admin "ada@bars.fr" and the bar "Le Perchoir" with the default templates "Poster A3" and "Flyer"

  Scenario: A visitor is asked to log in first
    When a visitor opens "/events/1"
    Then they are sent to the login form, which asks for "email" and "password"

  Scenario: At J-6 with the flyer not approved the event shows red
    Given the event "Soirée Disco" on "2026-12-01" with every deliverable approved except "Flyer"
    When "ada@bars.fr" opens the calendar of "2026-12-01"
    Then "Soirée Disco" is shown with health "red"
    When "ada@bars.fr" opens the card of "Soirée Disco"
    Then the card shows the WARNING and the countdown "J-6"

  Scenario: Only the late nights
    Given the event "Soirée Disco" on "2026-12-01" with every deliverable approved except "Flyer"
    And the event "Jazz Brunch" on "2026-12-20" with every deliverable approved except "Flyer"
    When "ada@bars.fr" opens the calendar of "2026-12-01" showing only late events
    Then "Soirée Disco" is shown with health "red"
    And "Jazz Brunch" is not shown

  Scenario: The interface speaks English when the user asks for it
    Given "ada@bars.fr" prefers English
    When "ada@bars.fr" opens the calendar of "2026-12-01"
    Then the page offers "New event" and "Only late"
