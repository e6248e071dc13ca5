"""The living spec: features/users_tokens.feature (accounts and personal tokens, through the user service)."""

from __future__ import annotations

from typing import Any

import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core.errors import Conflict, NotAuthenticated
from eventflow.core.services.audit import AuditQuery

scenarios("users_tokens.feature")


@pytest.fixture
def tokens() -> dict[str, Any]:
    """What the scenario got back: the token, or the refusal."""
    return {}


@given(parsers.parse('the admin "{email}" named "{name}"'))
def admin(services: Services, email: str, name: str) -> None:
    services.users.add(None, email, name, role="admin")


@given(parsers.parse('the member "{email}" named "{name}"'))
def member(services: Services, email: str, name: str) -> None:
    services.users.add(None, email, name)


@given(parsers.parse('"{email}" has been deactivated'))
@when(parsers.parse('"{email}" has been deactivated'))
def deactivated(services: Services, email: str) -> None:
    services.users.deactivate(None, email)


@given(parsers.parse('"{email}" has a personal token'))
@when(parsers.parse('a personal token is requested for "{email}"'))
def request_token(services: Services, tokens: dict[str, Any], email: str) -> None:
    try:
        tokens["token"] = services.users.create_token(None, email)
    except Conflict as refusal:
        tokens["refusal"] = refusal


@then(parsers.parse('the token identifies "{email}"'))
def token_identifies(services: Services, tokens: dict[str, Any], email: str) -> None:
    assert services.users.user_for_token(tokens["token"]).email == email


@then(parsers.parse('it is refused with "{message}"'))
def refused(tokens: dict[str, Any], message: str) -> None:
    assert "token" not in tokens
    assert str(tokens["refusal"]) == message


@then("their token is no longer accepted")
def token_no_longer_accepted(services: Services, tokens: dict[str, Any]) -> None:
    with pytest.raises(NotAuthenticated):
        services.users.user_for_token(tokens["token"])


@then(parsers.parse('the team list still shows "{email}" as inactive'))
def still_listed(services: Services, email: str) -> None:
    assert [u.active for u in services.users.list() if u.email == email] == [False]


@when(parsers.parse('"{email}" revokes that token'))
def revoke(services: Services, tokens: dict[str, Any], email: str) -> None:
    token = services.users.find_token(tokens["token"])
    services.users.revoke_token(services.users.by_email(email), token.user_id, token.id or 0)


@then(parsers.parse('the audit log shows "{actor}" revoked a token of "{owner}"'))
def revocation_audited(services: Services, actor: str, owner: str) -> None:
    entry = services.audit.search(None, AuditQuery(action="token.revoked"))[0]
    assert (entry.entry.actor_id, entry.entry.before) == (
        services.users.by_email(actor).id,
        {"user": owner, "label": "cli"},
    )
