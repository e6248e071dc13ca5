Feature: My nights in my calendar app
  Everyone has a secret calendar address that Google Calendar, Outlook or Apple Calendar can follow: the nights of
  their bars, each night's J-7 deadline as its own all-day entry, and the deliverables they must deliver. A night
  moved in eventflow moves in the calendar app; a new address retires the old one.

  Background:
    Given the bar "Le Comptoir" without screens
    And the bar "La Cale" without screens
    And the team:
      | name    | email           | language | reminders | bars    |
      | Camille | camille@bars.fr | fr       | on        |         |
      | Léa     | lea@bars.fr     | fr       | on        | La Cale |
    And "Camille" plans the event "Nuit Disco" on 2026-12-12 at "Le Comptoir" and "La Cale"
    And "Camille" plans the event "Karaoké" on 2026-12-19 at "Le Comptoir"
    And "Nuit Disco" needs the slot "Poster A3" made by "Léa"

  Scenario: A calendar app subscribed to my address shows my nights, their J-7 and my deliverables
    When "Léa" subscribes her calendar app to her address
    Then her calendar app shows these all-day entries:
      | date       | entry                             |
      | 2026-12-05 | J-7 : Nuit Disco                  |
      | 2026-12-05 | À rendre : Poster A3 — Nuit Disco |
      | 2026-12-12 | Nuit Disco                        |

  Scenario: A night moved in eventflow moves in the calendar app
    Given "Léa" subscribed her calendar app to her address
    When "Nuit Disco" moves to 2026-12-13
    Then her calendar app shows "Nuit Disco" on 2026-12-13 as a newer version of the same entry

  Scenario: A new address retires the old one
    Given "Léa" subscribed her calendar app to her address
    When "Léa" makes a new calendar address
    Then her calendar app can no longer read the old address
