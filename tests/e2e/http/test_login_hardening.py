"""Login hardening: JSON-only login, writes from other sites refused, no account enumeration by timing, safe
``next`` targets, and one's own password changed only with the current one."""

from __future__ import annotations

import falcon
import falcon.testing
import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import User
from eventflow.entrypoints.web.app import create_app
from eventflow.entrypoints.web.pages.common import safe_next
from tests.support import english
from tests.support.web import PASSWORD, Api, cookie_api, login

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


# -- the session endpoint takes JSON only -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", f"email=max%40bars.fr&password={PASSWORD.replace(' ', '+')}"),
        ("text/plain", f'{{"email": "max@bars.fr", "password": "{PASSWORD}"}}'),
        ("multipart/form-data; boundary=x", '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nmax\r\n--x--'),
    ],
)
def test_a_login_that_is_not_json_is_415_and_opens_no_session(
    client: falcon.testing.TestClient, member: User, content_type: str, body: str
) -> None:
    resp = client.simulate_post("/api/session", body=body, headers={"Content-Type": content_type})
    assert resp.status_code == 415
    assert "application/json" in resp.json["description"]
    assert "eventflow_session" not in resp.cookies


def test_a_json_login_with_a_charset_is_fine(client: falcon.testing.TestClient, member: User) -> None:
    resp = client.simulate_post(
        "/api/session",
        body=f'{{"email": "{member.email}", "password": "{PASSWORD}"}}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert resp.status_code == 200


# -- writes from another site ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},  # a sandboxed frame or a redirect hides where it comes from
        {"Origin": "http://falconframework.org.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://falconframework.org", "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_login_from_another_site_is_403(
    client: falcon.testing.TestClient, member: User, headers: dict[str, str]
) -> None:
    resp = login(client, member.email, headers=headers)
    assert resp.status_code == 403
    assert "another site" in resp.json["description"]
    assert "eventflow_session" not in resp.cookies


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl and scripts send neither
        {"Origin": "http://falconframework.org", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "HTTP://FalconFramework.org"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "none"},  # typed into the address bar, a bookmark
    ],
)
def test_a_login_from_the_app_itself_is_fine(
    client: falcon.testing.TestClient, member: User, headers: dict[str, str]
) -> None:
    assert login(client, member.email, headers=headers).status_code == 200


def test_the_configured_base_url_is_the_apps_own_origin_too(
    services: Services, settings: Settings, member: User
) -> None:
    services.settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(settings.data_dir), "EVENTFLOW_BASE_URL": "https://eventflow.bars.fr"}
    )
    client = falcon.testing.TestClient(create_app(services))
    headers = {"Host": "127.0.0.1:8000", "Origin": "https://eventflow.bars.fr"}
    assert login(client, member.email, headers=headers).status_code == 200
    assert login(client, member.email, headers={**headers, "Origin": "http://eventflow.bars.fr"}).status_code == 403


def test_over_https_the_origin_must_be_https(https_client: falcon.testing.TestClient, member: User) -> None:
    mixed = login(https_client, member.email, protocol="https", headers={"Origin": "http://falconframework.org"})
    assert mixed.status_code == 403
    same = login(https_client, member.email, protocol="https", headers={"Origin": "https://falconframework.org"})
    assert same.status_code == 200


@pytest.fixture
def https_client(services: Services) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(services))


def test_a_cookie_write_from_another_site_is_403_even_with_the_csrf_token(
    client: falcon.testing.TestClient, member: User
) -> None:
    api = cookie_api(client, member)
    for foreign in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        resp = api.patch("/api/me", json={"language": "fr"}, headers=foreign)
        assert resp.status_code == 403, foreign
        assert "another site" in resp.json["description"]
        assert api.delete("/api/session", headers=foreign).status_code == 403
    assert api.get("/api/me").json["language"] == "en"  # nothing changed, still logged in
    same = api.patch("/api/me", json={"language": "fr"}, headers={"Origin": "http://falconframework.org"})
    assert same.status_code == 200
    # reads are not writes: a link from another site still opens the app
    assert api.get("/api/me", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_bearer_token_writes_do_not_care_where_they_come_from(as_member: Api) -> None:
    resp = as_member.patch(
        "/api/me", json={"language": "en"}, headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    )
    assert resp.status_code == 200


# -- unknown e-mails cost what real ones cost --------------------------------------------------------------------


class CountingHasher(Argon2Hasher):
    def __init__(self) -> None:
        super().__init__(fast=True)
        self.verified: list[str] = []

    def verify(self, stored_hash: str, password: str) -> bool:
        self.verified.append(stored_hash)
        return super().verify(stored_hash, password)


@pytest.fixture
def hasher() -> CountingHasher:
    return CountingHasher()


@pytest.fixture
def counted(settings: Settings, clock: FixedClock, hasher: CountingHasher) -> Services:
    from eventflow.adapters.memory import memory_uow_factory

    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=hasher)


def test_every_refused_login_verifies_a_password_hash(counted: Services, hasher: CountingHasher) -> None:
    """The slow hash runs whatever the e-mail: an unknown one answers no faster than a real one."""
    counted.users.add(None, "max@bars.fr", "Max", password=PASSWORD)
    counted.users.add(None, "nopass@bars.fr", "No Password")  # an account no one can log in to yet
    gone = counted.users.add(None, "gone@bars.fr", "Gone", password=PASSWORD)
    counted.users.deactivate(None, gone.email)
    client = falcon.testing.TestClient(create_app(counted))
    attempts = [
        ("max@bars.fr", "wrong password"),
        ("nobody@bars.fr", "wrong password"),
        ("nopass@bars.fr", "wrong password"),
        ("gone@bars.fr", "wrong password"),
        ("gone@bars.fr", PASSWORD),
    ]
    for email, password in attempts:
        hasher.verified.clear()
        assert login(client, email, password).status_code == 401, email
        assert len(hasher.verified) == 1, email
        assert hasher.verified[0].startswith("$argon2id$"), email  # a real hash, not an empty string


def test_the_stand_in_hash_is_made_once(counted: Services, hasher: CountingHasher) -> None:
    client = falcon.testing.TestClient(create_app(counted))
    for i in range(3):
        login(client, f"nobody{i}@bars.fr", "wrong password")
    assert len(set(hasher.verified)) == 1


# -- where to go after logging in ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/review", "/review"),
        ("/events/12?tab=files#comments", "/events/12?tab=files#comments"),
        ("/calendar?from=2026-12-01&bar=1", "/calendar?from=2026-12-01&bar=1"),
        ("/%C3%A9v%C3%A9nements", "/%C3%A9v%C3%A9nements"),
        (None, "/"),
        ("", "/"),
        ("/\t/example.com/phish", "/"),  # the reported /login?next=/%09/example.com/phish, as Falcon decodes it
        ("/%09/example.com/phish", "/"),  # the same, encoded twice
        ("//example.com", "/"),
        ("/%2F/example.com", "/"),
        ("/%2f%2fexample.com", "/"),
        ("/\\example.com", "/"),
        ("/%5Cexample.com", "/"),
        ("\\\\example.com", "/"),
        ("https://example.com/", "/"),
        ("javascript:alert(1)", "/"),
        ("example.com", "/"),
        ("/ /example.com", "/"),
        ("/\n/example.com", "/"),
        ("/\r\nLocation: https://example.com", "/"),
        ("/%0d%0aSet-Cookie:x=1", "/"),
        ("/\x00/example.com", "/"),
        ("/\u00a0/example.com", "/"),  # a non-breaking space
        ("/\u202e/moc.elpmaxe", "/"),  # a right-to-left override
        ("/events//12", "/"),
        ("/%", "/%"),  # not decodable as an escape: harmless text
    ],
)
def test_next_accepts_only_a_path_of_this_site(target: str | None, expected: str) -> None:
    assert safe_next(target) == expected


def test_the_reported_phishing_link_lands_home(client: falcon.testing.TestClient, member: User) -> None:
    api = cookie_api(client, member)
    resp = client.simulate_get(
        "/login", query_string="next=/%09/example.com/phish", headers={"Cookie": api.headers["Cookie"]}
    )
    assert resp.status_code == 303
    assert resp.headers["Location"] == "/"
    page = client.simulate_get("/login", query_string="next=/%09/example.com/phish")
    assert 'data-next="/"' in page.text
    assert 'data-next="/review"' in client.simulate_get("/login", query_string="next=%2Freview").text


# -- changing one's own password --------------------------------------------------------------------------------


def test_changing_ones_own_password_needs_the_current_one(client: falcon.testing.TestClient, member: User) -> None:
    api = cookie_api(client, member)
    missing = api.post("/api/me/password", json={"password": "a brand new secret"})
    assert missing.status_code == 422
    assert missing.json["field"] == "current_password"
    assert "current password" in missing.json["description"]
    wrong = api.post("/api/me/password", json={"current_password": "not it", "password": "a brand new secret"})
    assert wrong.status_code == 403
    assert "current password is wrong" in wrong.json["description"]
    assert login(client, member.email).status_code == 200  # unchanged


def test_the_page_route_needs_the_current_password_for_ones_own(
    client: falcon.testing.TestClient, member: User
) -> None:
    """The reported hole: a member posting to the admin page's reset route with their own id."""
    api = cookie_api(client, member)
    resp = api.post(f"/api/users/{member.id}/password", json={"password": "a brand new secret"})
    assert resp.status_code == 422
    assert "current password" in resp.json["description"]
    wrong = api.post(
        f"/api/users/{member.id}/password", json={"password": "a brand new secret", "current_password": "nope"}
    )
    assert wrong.status_code == 403
    assert login(client, member.email, "a brand new secret").status_code == 401


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
    client: falcon.testing.TestClient, member: User
) -> None:
    laptop, phone = cookie_api(client, member), cookie_api(client, member)
    resp = laptop.post("/api/me/password", json={"current_password": PASSWORD, "password": "a brand new secret"})
    assert resp.status_code == 204
    assert phone.get("/api/me").status_code == 401  # the other device is logged out
    renewed = resp.cookies["eventflow_session"].value  # this one goes on, under a new session id
    assert renewed and renewed not in laptop.headers["Cookie"]
    assert laptop.get("/api/me").status_code == 401  # the old id is gone with the others
    still = client.simulate_get("/api/me", headers={"Cookie": f"eventflow_session={renewed}"})
    assert still.status_code == 200
    assert login(client, member.email, "a brand new secret").status_code == 200
    assert login(client, member.email).status_code == 401


def test_a_bearer_caller_changes_their_password_with_the_current_one(
    client: falcon.testing.TestClient, as_member: Api, member: User
) -> None:
    resp = as_member.post("/api/me/password", json={"current_password": PASSWORD, "password": "a brand new secret"})
    assert resp.status_code == 204
    assert as_member.get("/api/me").status_code == 200  # tokens are not sessions: they go on
    assert login(client, member.email, "a brand new secret").status_code == 200


def test_a_new_password_too_short_is_422(as_member: Api) -> None:
    resp = as_member.post("/api/me/password", json={"current_password": PASSWORD, "password": "short"})
    assert resp.status_code == 422 and resp.json["field"] == "password"


def test_an_admin_resets_someone_elses_password_without_theirs(
    client: falcon.testing.TestClient, admin: User, member: User
) -> None:
    admin_api, members_session = cookie_api(client, admin), cookie_api(client, member)
    resp = admin_api.post(f"/api/users/{member.id}/password", json={"password": "a brand new secret"})
    assert resp.status_code == 204
    assert members_session.get("/api/me").status_code == 401  # every session of theirs ends
    assert admin_api.get("/api/me").status_code == 200  # the admin's own stays
    assert login(client, member.email, "a brand new secret").status_code == 200


def test_an_admin_changing_their_own_needs_the_current_one_too(client: falcon.testing.TestClient, admin: User) -> None:
    api = cookie_api(client, admin)
    assert api.post(f"/api/users/{admin.id}/password", json={"password": "a brand new secret"}).status_code == 422
    done = api.post(
        f"/api/users/{admin.id}/password", json={"password": "a brand new secret", "current_password": PASSWORD}
    )
    assert done.status_code == 204
    assert "eventflow_session" in done.cookies  # logged in still, under a new session id


def test_a_member_cannot_reset_someone_elses_password(
    client: falcon.testing.TestClient, admin: User, member: User
) -> None:
    api = cookie_api(client, member)
    resp = api.post(
        f"/api/users/{admin.id}/password", json={"password": "a brand new secret", "current_password": PASSWORD}
    )
    assert resp.status_code == 403
    assert login(client, admin.email).status_code == 200


def test_the_profile_page_has_a_change_password_form(client: falcon.testing.TestClient, member: User) -> None:
    api = cookie_api(client, member)
    html = api.get("/profile").text
    assert 'data-api="POST /api/me/password"' in html
    assert 'name="current_password"' in html and 'autocomplete="current-password"' in html
    assert 'name="password"' in html and 'autocomplete="new-password"' in html
