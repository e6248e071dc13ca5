Feature: Accounts, rights and sessions
  The team logs in once and stays logged in for weeks; admins manage people and settings, members plan the
  nights; a colleague who leaves is locked out at once. When something is wrong, the answer says what, in words a
  person understands.

  Background:
    Given the admin "ada@bars.fr", the bar "Le Perchoir" and a "Poster A3" for every night

  Scenario: An admin adds a colleague and plans a night
    When "ada@bars.fr" logs in
    And they add the member "max@bars.fr" named "Max Member"
    And they plan "Soirée Disco" on 2026-12-12 at "Le Perchoir"
    Then the night "Soirée Disco" has its "Poster A3" to do
    And the team list shows "max@bars.fr" as an active member

  Scenario: A member sees the calendar and opens a night
    Given the night "Soirée Disco" on 2026-12-12 at "Le Perchoir"
    And the member "max@bars.fr"
    When "max@bars.fr" logs in
    And they look at the calendar from 2026-12-01 to 2026-12-31
    Then they see "Soirée Disco" in orange, 17 days away
    When they open the night "Soirée Disco"
    Then the night "Soirée Disco" has its "Poster A3" to do

  Scenario Outline: A member may not do what only admins do
    Given the member "max@bars.fr"
    When "max@bars.fr" logs in
    And they try to <action>
    Then it is refused as not allowed

    Examples:
      | action                          |
      | add a colleague                 |
      | deactivate a colleague          |
      | add a bar                       |
      | set the theme of December 2026  |
      | add a deliverable template      |

  Scenario: A member plans nights but cannot make themselves an admin
    Given the member "max@bars.fr"
    When "max@bars.fr" logs in
    And they plan "Quiz" on 2026-12-03 at "Le Perchoir"
    Then the night "Quiz" is planned
    When they try to make themselves an admin
    Then it is refused as not valid

  Scenario: A session lasts 30 days after the last visit
    Given the member "max@bars.fr"
    When "max@bars.fr" logs in
    And 29 days pass
    Then they are still logged in
    When 31 days pass
    Then they are asked to log in again: "your session has expired"

  Scenario: A colleague who leaves is locked out at once, in the browser and in scripts
    Given the member "max@bars.fr" with a personal token
    When "max@bars.fr" logs in
    And the admin deactivates "max@bars.fr"
    Then they are asked to log in again: "your session has expired"
    And their token no longer works
    And "max@bars.fr" can no longer log in

  Scenario Outline: A mistake gets an answer a person understands
    Given the night "Soirée Disco" on 2026-12-12 at "Le Perchoir"
    When "ada@bars.fr" logs in
    And they <mistake>
    Then it is refused as <problem>, saying "<words>"

    Examples:
      | mistake                                | problem    | words                           |
      | send a night cut off in the middle     | malformed  | not valid JSON                  |
      | plan a night without a date            | not valid  | required field missing @ $.date |
      | plan a night on 31/12/2026             | not valid  | write it YYYY-MM-DD             |
      | rename a night that does not exist     | not found  | event 999 does not exist        |
      | add the bar "le perchoir" a second time | a conflict | already exists                  |
