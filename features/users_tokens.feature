Feature: Team accounts and personal API tokens
  Scripts talk to eventflow with a personal token. Someone who leaves the team is deactivated, never
  deleted: their history keeps their name, but they get no new token and the ones they had stop working.

  Background:
    Given the admin "ada@bars.fr" named "Ada Lovelace"
    And the member "max@bars.fr" named "Max Dupont"

  Scenario: An active member gets a token that identifies them
    When a personal token is requested for "max@bars.fr"
    Then the token identifies "max@bars.fr"

  Scenario: A deactivated user gets no token
    Given "max@bars.fr" has been deactivated
    When a personal token is requested for "max@bars.fr"
    Then it is refused with "max@bars.fr is deactivated and cannot get a token"

  Scenario: Deactivating a user stops the tokens they already had
    Given "max@bars.fr" has a personal token
    When "max@bars.fr" has been deactivated
    Then their token is no longer accepted
    And the team list still shows "max@bars.fr" as inactive

  Scenario: A revoked token stops working at once
    Given "max@bars.fr" has a personal token
    When "ada@bars.fr" revokes that token
    Then their token is no longer accepted
    And the audit log shows "ada@bars.fr" revoked a token of "max@bars.fr"
