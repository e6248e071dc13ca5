Feature: The team's other tools hear what happens
  An admin registers a webhook: an address, a secret and the events it listens to. Each such change is POSTed to it
  as JSON, signed with the secret so that the receiver can check it comes from eventflow, untouched; a receiver that
  is down gets it once it is back. Slack and Microsoft Teams get a message their incoming webhooks accept, so the
  chat the team lives in hears about approvals.

  Background:
    Given the bar "Le Comptoir" without screens
    And the team:
      | name        | email               | language | reminders |
      | Camille     | camille@bars.fr     | fr       | on        |
      | Alex Martin | alex.martin@bars.fr | en       | on        |
    And "Camille" plans the event "Nuit Disco" on 2026-12-12 at "Le Comptoir"
    And "Nuit Disco" needs the slot "Poster A3" made by "Alex Martin"

  Scenario: A webhook receiver gets a verifiable signed payload when a deliverable is approved
    Given a webhook receiver listens for "deliverable.approved"
    When "Camille" approves "Poster A3" of "Nuit Disco"
    Then the receiver gets a "deliverable.approved" payload about "Poster A3" of "Nuit Disco"
    And the receiver finds the signature valid with the shared secret

  Scenario: A receiver that was down gets the payload once it is back
    Given a webhook receiver listens for "comment.added"
    And the receiver is down
    When "Alex Martin" comments on "Nuit Disco": "Le logo est prêt"
    Then the receiver has nothing yet
    When the receiver is back a minute later
    Then the receiver gets a "comment.added" payload about "Nuit Disco"

  Scenario: The team's Slack channel hears about approvals
    Given a Slack webhook listens for "deliverable.approved"
    When "Camille" approves "Poster A3" of "Nuit Disco"
    Then the Slack channel reads "Camille a validé « Poster A3 » de « Nuit Disco » (12 décembre 2026)."
