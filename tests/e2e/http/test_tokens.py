"""Personal API tokens seen and revoked: ``/api/me/tokens``, ``/api/users/{id}/tokens``, the profile page."""

from __future__ import annotations

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.model import User
from eventflow.core.services.audit import AuditQuery
from tests.support.web import Api, cookie_api


@pytest.fixture
def script_token(services: Services, member: User) -> str:
    return services.users.create_token(None, member.email, label="backup script")


def bearer(client: falcon.testing.TestClient, secret: str) -> Api:
    return Api(client, {"Authorization": f"Bearer {secret}"})


def test_a_member_lists_their_tokens_without_the_secrets(
    client: falcon.testing.TestClient, services: Services, clock: FixedClock, member: User, script_token: str
) -> None:
    api = cookie_api(client, member)
    clock.advance(minutes=5)
    bearer(client, script_token).get("/api/me")
    listed = api.get("/api/me/tokens").json
    assert listed == [
        {
            "id": 1,
            "label": "backup script",
            "prefix": script_token[:11],
            "created_at": "2026-11-25T11:00:00+00:00",
            "last_used_at": "2026-11-25T11:05:00+00:00",
        }
    ]
    assert script_token not in str(listed)


def test_revoking_a_token_refuses_it_at_once_and_is_recorded(
    client: falcon.testing.TestClient, services: Services, member: User, script_token: str
) -> None:
    script = bearer(client, script_token)
    assert script.get("/api/me").status_code == 200
    api = cookie_api(client, member)
    resp = api.delete("/api/me/tokens/1")
    assert resp.status_code == 204
    refused = script.get("/api/me")
    assert refused.status_code == 401
    assert "revoked" in refused.json["description"]
    assert api.get("/api/me/tokens").json == []
    entry = services.audit.search(None, AuditQuery(action="token.revoked"))[0].entry
    assert (entry.actor_id, entry.entity_type, entry.entity_id) == (member.id, "token", 1)
    assert entry.before == {"user": member.email, "label": "backup script"}
    assert api.delete("/api/me/tokens/1").status_code == 404  # gone already


def test_a_script_may_revoke_the_token_it_runs_with(client: falcon.testing.TestClient, script_token: str) -> None:
    script = bearer(client, script_token)
    assert script.delete("/api/me/tokens/1").status_code == 204
    assert script.get("/api/me").status_code == 401


def test_nobody_sees_or_revokes_someone_elses_token_but_an_admin(
    client: falcon.testing.TestClient, services: Services, admin: User, member: User, script_token: str
) -> None:
    admins_token = services.users.create_token(None, admin.email)
    member_api = cookie_api(client, member)
    assert member_api.delete("/api/me/tokens/2").status_code == 404  # not one of theirs
    assert member_api.get(f"/api/users/{admin.id}/tokens").status_code == 403
    assert member_api.delete(f"/api/users/{admin.id}/tokens/2").status_code == 403
    assert bearer(client, admins_token).get("/api/me").status_code == 200

    admin_api = cookie_api(client, admin)
    assert [t["label"] for t in admin_api.get(f"/api/users/{member.id}/tokens").json] == ["backup script"]
    assert admin_api.delete(f"/api/users/{member.id}/tokens/2").status_code == 404  # token 2 is not the member's
    assert admin_api.delete(f"/api/users/{member.id}/tokens/1").status_code == 204
    assert bearer(client, script_token).get("/api/me").status_code == 401
    assert admin_api.get(f"/api/users/{member.id}/tokens").json == []


def test_a_member_may_use_the_user_routes_for_themself(
    client: falcon.testing.TestClient, member: User, script_token: str
) -> None:
    api = cookie_api(client, member)
    assert len(api.get(f"/api/users/{member.id}/tokens").json) == 1
    assert api.delete(f"/api/users/{member.id}/tokens/1").status_code == 204


def test_the_tokens_of_an_unknown_user_are_404(as_admin: Api) -> None:
    assert as_admin.get("/api/users/999/tokens").status_code == 404


def test_the_profile_lists_the_tokens_with_a_revoke_button(
    client: falcon.testing.TestClient, clock: FixedClock, member: User, script_token: str
) -> None:
    api = cookie_api(client, member)
    html = api.get("/profile").text
    assert "backup script" in html and script_token[:11] in html
    assert "Jetons d&#39;API" in html  # the page is in French, like the rest
    assert "25 nov. 12:00" in html  # created, in the team's time zone
    assert "jamais" in html  # never used yet
    assert 'data-action="revoke-token" data-token-id="1"' in html
    assert '<script type="module" src="/static/js/profile.js"></script>' in html
    assert client.simulate_get("/static/js/profile.js").status_code == 200


def test_the_profile_says_when_there_is_no_token(client: falcon.testing.TestClient, member: User) -> None:
    html = cookie_api(client, member).get("/profile").text
    assert "Aucun jeton" in html
    assert 'data-action="revoke-token"' not in html
