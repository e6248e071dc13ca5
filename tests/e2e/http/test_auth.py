"""Logging in and staying logged in: sessions, tokens, CSRF, throttling, expiry, deactivation, roles."""

from __future__ import annotations

import falcon
import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import User
from eventflow.entrypoints.web.app import create_app
from tests.support import english
from tests.support.web import PASSWORD, Api, cookie_api, login

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


def test_bad_password_and_unknown_email_get_the_same_401(client: falcon.testing.TestClient, member: User) -> None:
    wrong = login(client, member.email, "not the password")
    unknown = login(client, "nobody@bars.fr")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert "eventflow_session" not in wrong.cookies


def test_each_login_gets_a_new_session_id(client: falcon.testing.TestClient, member: User) -> None:
    first = login(client, member.email).cookies["eventflow_session"].value
    second = login(client, member.email, headers={"Cookie": f"eventflow_session={first}"})
    # logging in again over a live session needs its CSRF token like any cookie write
    assert second.status_code == 403
    api = cookie_api(client, member)
    renewed = api.post("/api/session", json={"email": member.email, "password": PASSWORD})
    assert renewed.status_code == 200
    new_key = renewed.cookies["eventflow_session"].value
    assert new_key != api.headers["Cookie"].split("=", 1)[1]
    old = client.simulate_get("/api/me", headers={"Cookie": api.headers["Cookie"]})
    assert old.status_code == 401  # the previous session was closed


def test_cookie_session_reads_and_writes_with_the_csrf_header(
    client: falcon.testing.TestClient, member: User, bar: object
) -> None:
    api = cookie_api(client, member)
    assert api.get("/api/me").json["email"] == member.email
    created = api.post("/api/events", json={"name": "Quiz", "date": "2026-12-03", "bar_ids": [1]})
    assert created.status_code == 201


def test_cookie_write_without_csrf_token_is_403(client: falcon.testing.TestClient, member: User, bar: object) -> None:
    api = cookie_api(client, member)
    forged = Api(client, {"Cookie": api.headers["Cookie"]})
    resp = forged.post("/api/events", json={"name": "Quiz", "date": "2026-12-03", "bar_ids": [1]})
    assert resp.status_code == 403
    assert "CSRF" in resp.json["description"]
    wrong = Api(client, {"Cookie": api.headers["Cookie"], "X-CSRF-Token": "0" * 64})
    assert wrong.patch("/api/me", json={"language": "en"}).status_code == 403
    accented = Api(client, {"Cookie": api.headers["Cookie"], "X-CSRF-Token": "jeton-modifié"})
    assert accented.patch("/api/me", json={"language": "en"}).status_code == 403
    assert forged.get("/api/events").status_code == 200  # reads need no token


def test_a_urlencoded_form_may_carry_the_csrf_token(client: falcon.testing.TestClient, member: User) -> None:
    api = cookie_api(client, member)
    token = api.headers["X-CSRF-Token"]
    resp = client.simulate_delete(
        "/api/session",
        body=f"csrf_token={token}",
        headers={"Cookie": api.headers["Cookie"], "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 204


def test_bearer_token_writes_need_no_csrf_token(as_member: Api, bar: object) -> None:
    resp = as_member.post("/api/events", json={"name": "Quiz", "date": "2026-12-03", "bar_ids": [1]})
    assert resp.status_code == 201


def test_an_invalid_token_or_scheme_is_401(client: falcon.testing.TestClient) -> None:
    bad = client.simulate_get("/api/events", headers={"Authorization": "Bearer ef_nope"})
    assert bad.status_code == 401 and "token" in bad.json["description"]
    basic = client.simulate_get("/api/events", headers={"Authorization": "Basic YTpi"})
    assert basic.status_code == 401 and "Bearer" in basic.json["description"]


def test_logout_ends_the_session_and_clears_the_cookies(client: falcon.testing.TestClient, member: User) -> None:
    api = cookie_api(client, member)
    resp = api.delete("/api/session")
    assert resp.status_code == 204
    assert resp.cookies["eventflow_session"].value == ""
    assert api.get("/api/me").status_code == 401


def test_the_session_slides_and_expires_after_30_idle_days(
    client: falcon.testing.TestClient, clock: FixedClock, member: User
) -> None:
    api = cookie_api(client, member)
    clock.advance(days=29)
    still = api.get("/api/me")
    assert still.status_code == 200
    assert still.cookies["eventflow_session"].max_age == 30 * 24 * 3600  # the cookie slides too
    clock.advance(days=29)
    assert api.get("/api/me").status_code == 200  # 58 days after login, but used 29 days ago
    clock.advance(days=31)
    expired = api.get("/api/me")
    assert expired.status_code == 401
    assert "expired" in expired.json["description"]
    assert expired.cookies["eventflow_session"].value == ""


def test_a_deactivated_user_is_refused_at_once(
    client: falcon.testing.TestClient, services: Services, as_admin: Api, member: User
) -> None:
    by_cookie = cookie_api(client, member)
    by_token = Api(client, {"Authorization": f"Bearer {services.users.create_token(None, member.email)}"})
    assert as_admin.patch(f"/api/users/{member.id}", json={"active": False}).status_code == 200
    assert by_cookie.get("/api/me").status_code == 401
    assert by_token.get("/api/me").status_code == 401
    again = login(client, member.email)
    assert again.status_code == 401 and "deactivated" in again.json["description"]


def test_repeated_failures_for_an_email_are_throttled(
    client: falcon.testing.TestClient, clock: FixedClock, member: User
) -> None:
    for _ in range(5):
        assert login(client, member.email, "wrong password").status_code == 401
    blocked = login(client, member.email)  # even the right password waits
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) == 15 * 60
    assert "try again in 15 min" in blocked.json["description"]
    clock.advance(minutes=15)
    assert login(client, member.email).status_code == 200


def test_one_address_trying_many_emails_is_throttled(client: falcon.testing.TestClient) -> None:
    statuses = [login(client, f"guess{i}@bars.fr", "wrong password").status_code for i in range(21)]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_a_member_gets_403_on_admin_writes(as_member: Api, member: User) -> None:
    attempts = [
        as_member.post("/api/users", json={"email": "new@bars.fr", "name": "New"}),
        as_member.patch(f"/api/users/{member.id}", json={"role": "admin"}),
        as_member.post("/api/bars", json={"name": "Bar B"}),
        as_member.put("/api/themes/2026-12", json={"name": "Noël"}),
        as_member.post("/api/templates", json={"name": "Flyer", "specs": "A5"}),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert attempts[0].json["description"] == "only an admin may do this"


def test_a_member_may_change_their_own_preferences(as_member: Api, bar: object) -> None:
    resp = as_member.patch("/api/me", json={"language": "en", "my_bar_ids": [1], "notifications": ["mention"]})
    assert resp.status_code == 200
    assert (resp.json["language"], resp.json["my_bar_ids"], resp.json["notifications"]) == ("en", [1], ["mention"])
    assert as_member.patch("/api/me", json={"role": "admin"}).status_code == 422


@pytest.fixture
def https_client(services: Services) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(services))


def test_over_https_cookies_are_secure_and_host_prefixed(https_client: falcon.testing.TestClient, member: User) -> None:
    resp = login(https_client, member.email, protocol="https")
    session = resp.cookies["__Host-eventflow_session"]
    assert session.secure and session.http_only and session.path == "/"
    assert resp.cookies["__Host-eventflow_csrf"].secure
    me = https_client.simulate_get(
        "/api/me", protocol="https", headers={"Cookie": f"__Host-eventflow_session={session.value}"}
    )
    assert me.status_code == 200


def test_x_forwarded_proto_counts_only_when_configured(services: Services, settings: Settings, member: User) -> None:
    untrusted = falcon.testing.TestClient(create_app(services))
    resp = login(untrusted, member.email, headers={"X-Forwarded-Proto": "https"})
    assert "eventflow_session" in resp.cookies and "__Host-eventflow_session" not in resp.cookies
    services.settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(settings.data_dir), "EVENTFLOW_TRUST_FORWARDED_PROTO": "1"}
    )
    trusted = falcon.testing.TestClient(create_app(services))
    resp = login(trusted, member.email, headers={"X-Forwarded-Proto": "https"})
    assert resp.cookies["__Host-eventflow_session"].secure
