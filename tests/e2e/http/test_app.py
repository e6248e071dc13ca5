"""The app's skeleton: login, identity, error shapes, request ids and security headers."""

from __future__ import annotations

import falcon.testing

from eventflow.core.model import User
from tests.support.web import PASSWORD, Api


def test_login_sets_an_httponly_lax_session_cookie(client: falcon.testing.TestClient, admin: User) -> None:
    resp = client.simulate_post("/api/session", json={"email": "ADA@bars.fr", "password": PASSWORD})
    assert resp.status_code == 200
    assert resp.json["email"] == "ada@bars.fr"
    session = resp.cookies["eventflow_session"]
    assert session.http_only and session.same_site == "Lax" and not session.secure
    assert session.max_age == 30 * 24 * 3600
    assert resp.cookies["eventflow_csrf"].value == resp.json["csrf_token"]


def test_me_answers_who_is_calling(as_member: Api, member: User) -> None:
    resp = as_member.get("/api/me")
    assert resp.status_code == 200
    assert resp.json["name"] == "Max Member" and resp.json["role"] == "member"


def test_unauthenticated_api_request_is_a_json_401(client: falcon.testing.TestClient) -> None:
    resp = client.simulate_get("/api/me")
    assert resp.status_code == 401
    assert set(resp.json) == {"title", "description"}
    assert resp.headers["X-Request-Id"]


def test_every_response_has_security_headers(client: falcon.testing.TestClient) -> None:
    resp = client.simulate_get("/nowhere")
    assert resp.status_code == 404
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["Referrer-Policy"] == "same-origin"
