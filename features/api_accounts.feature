Feature: Accounts, rights and sessions through the JSON API
  The team logs in once and stays logged in for weeks; admins manage people and settings,
  members plan the nights; a removed colleague is locked out at once.

  Background:
    Given an admin "ada@bars.fr" and a bar "Le Perchoir" with a "Poster A3" template

  Scenario: An admin can create a user and an event
    When "ada@bars.fr" logs in
    And they create the member "max@bars.fr" named "Max Member"
    Then the answer is 201
    When they create the event "Soirée Disco" on "2026-12-12" at "Le Perchoir"
    Then the answer is 201
    And the event card shows the deliverable "Poster A3" as "todo"
    And the users list shows "max@bars.fr" as an active member

  Scenario: A member can see the calendar and open an event
    Given the event "Soirée Disco" on "2026-12-12" at "Le Perchoir"
    And a member "max@bars.fr"
    When "max@bars.fr" logs in
    And they list the events from "2026-12-01" to "2026-12-31"
    Then they see "Soirée Disco" with health "orange" and countdown 17
    When they open the event "Soirée Disco"
    Then the event card shows the deliverable "Poster A3" as "todo"

  Scenario Outline: A member gets 403 on admin writes
    Given a member "max@bars.fr"
    When "max@bars.fr" logs in
    And they send <method> <path> with <body>
    Then the answer is 403

    Examples:
      | method | path               | body                                   |
      | POST   | /api/users         | {"email": "x@bars.fr", "name": "X"}    |
      | PATCH  | /api/users/1       | {"active": false}                      |
      | POST   | /api/bars          | {"name": "Bar Nord"}                   |
      | PUT    | /api/themes/2026-12 | {"name": "Noël"}                      |
      | POST   | /api/templates     | {"name": "Flyer", "specs": "A5 PDF"}   |

  Scenario: A member may plan nights but not promote themselves
    Given a member "max@bars.fr"
    When "max@bars.fr" logs in
    And they create the event "Quiz" on "2026-12-03" at "Le Perchoir"
    Then the answer is 201
    When they send PATCH /api/me with {"role": "admin"}
    Then the answer is 422

  Scenario: A session lasts 30 days after the last visit
    Given a member "max@bars.fr"
    When "max@bars.fr" logs in
    And 29 days pass
    Then they can see their profile
    When 31 days pass
    Then the answer to their next request is 401 saying "your session has expired"

  Scenario: A deactivated user is refused at once, session and token alike
    Given a member "max@bars.fr" with a personal token
    When "max@bars.fr" logs in
    And the admin deactivates "max@bars.fr"
    Then the answer to their next request is 401 saying "your session has expired"
    And their token is refused with 401
    And "max@bars.fr" can no longer log in

  Scenario Outline: Bad requests get a JSON error a person understands
    Given the event "Soirée Disco" on "2026-12-12" at "Le Perchoir"
    When "ada@bars.fr" logs in
    And they send the raw body <raw> as <method> <path>
    Then the answer is <status> with a description mentioning "<words>"

    Examples:
      | method | path            | raw                                                        | status | words                       |
      | POST   | /api/events     | {"name": "Quiz", "date":                                   | 400    | not valid JSON              |
      | POST   | /api/events     | {"name": "Quiz", "bar_ids": [1]}                           | 422    | required field missing @ $.date |
      | POST   | /api/events     | {"name": "Quiz", "date": "31/12/2026", "bar_ids": [1]}     | 422    | write it YYYY-MM-DD         |
      | PATCH  | /api/events/999 | {"name": "Quiz"}                                           | 404    | event 999 does not exist    |
      | POST   | /api/bars       | {"name": "le perchoir"}                                    | 409    | already exists              |
