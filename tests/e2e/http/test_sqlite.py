"""The API on the embedded default, SQLite through ``bootstrap(settings)``: the same contract as on the fakes."""

from __future__ import annotations

import re

import attrs
import falcon.testing
import pytest
from sqlalchemy import event

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import User
from eventflow.core.services.events import EventCard, SlotChange
from eventflow.entrypoints.web.app import create_app
from tests.support.web import PASSWORD


@pytest.fixture
def sqlite_services(settings: Settings, clock: FixedClock) -> Services:
    assert settings.database_url.startswith("sqlite:///")
    return bootstrap(settings, clock=clock, hasher=Argon2Hasher(fast=True))


def test_a_night_is_planned_end_to_end_on_sqlite(sqlite_services: Services, clock: FixedClock) -> None:
    sqlite_services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin", password=PASSWORD)
    client = falcon.testing.TestClient(create_app(sqlite_services))
    login = client.simulate_post("/api/session", json={"email": "ada@bars.fr", "password": PASSWORD})
    assert login.status_code == 200
    cookie = {"Cookie": f"eventflow_session={login.cookies['eventflow_session'].value}"}
    headers = {**cookie, "X-CSRF-Token": login.json["csrf_token"]}

    def call(method: str, path: str, body: object = None, status: int = 200) -> object:
        resp = client.simulate_request(method, path, json=body, headers=headers)
        assert resp.status_code == status, resp.text
        return resp.json

    screens = {"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}]}
    bar = call("POST", "/api/bars", {"name": "Le Perchoir", "hardware": screens}, 201)
    call(
        "POST",
        "/api/templates",
        {"name": "Cube LED", "specs": "mp4", "is_default": True, "hardware_kind": "cube_led"},
        201,
    )
    call("PUT", "/api/themes/2026-12", {"name": "Noël"})
    card = call("POST", "/api/events", {"name": "Réveillon", "date": "2026-12-24", "bar_ids": [bar["id"]]}, 201)
    assert (card["theme"], card["health"], card["countdown"]) == ("Noël", "orange", 29)
    slot = card["deliverables"][0]
    assert (slot["name"], slot["specs"], slot["bar_id"]) == ("Cube LED", "1024x1024 mp4", bar["id"])
    call("PATCH", f"/api/deliverables/{slot['id']}", {"status": "review"})
    assert call("GET", "/api/review-queue")[0]["deliverable"]["id"] == slot["id"]
    comment = call("POST", f"/api/events/{card['id']}/comments", {"text": "Validé ?"}, 201)
    reread = call("GET", f"/api/events/{card['id']}")
    assert reread["comments"][0]["id"] == comment["id"]
    assert [a["action"] for a in reread["activity"]][:2] == ["comment.added", "slot.updated"]
    assert call("GET", "/api/events/2147483647", status=404)["description"] == "l'événement 2147483647 n'existe pas"
    assert call("POST", "/api/bars", {"name": "le perchoir"}, 409)["title"] == "Conflit"  # Ada reads French
    clock.advance(days=31)
    assert client.simulate_get("/api/me", headers=cookie).status_code == 401


@attrs.define
class Site:
    """The app on SQLite with an admin logged in, a bar, a Flyer on every night, and the SQL statements it runs."""

    services: Services
    client: falcon.testing.TestClient
    cookie: dict[str, str]
    admin: User
    bar_id: int
    seen: list[str] = attrs.field(factory=list)

    def login(self) -> falcon.testing.Result:
        return self.client.simulate_post("/api/session", json={"email": self.admin.email, "password": PASSWORD})

    def plan(self, name: str, date: str) -> EventCard:
        return self.services.events.create(self.admin, name, date, [self.bar_id])

    def view(self, path: str, headers: dict[str, str] | None = None) -> falcon.testing.Result:
        self.seen.clear()
        return self.client.simulate_get(path, headers=self.cookie if headers is None else headers)


@pytest.fixture
def site(sqlite_services: Services) -> Site:
    admin = sqlite_services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin", password=PASSWORD)
    bar = sqlite_services.bars.add(None, "Le Perchoir", "Paris")
    sqlite_services.templates.add(None, "Flyer", "A5", is_default=True)
    client = falcon.testing.TestClient(create_app(sqlite_services))
    site = Site(sqlite_services, client, {}, admin, bar.id or 0)
    site.cookie = {"Cookie": f"eventflow_session={site.login().cookies['eventflow_session'].value}"}
    engine = sqlite_services.database.engine  # type: ignore[attr-defined]
    event.listen(engine, "before_cursor_execute", lambda *args: site.seen.append(args[2].split()[0]))
    event.listen(engine, "rollback", lambda *args: site.seen.append("END"))
    return site


def test_a_page_reads_its_caller_and_data_in_one_transaction_and_ends_it(site: Site) -> None:
    """Calendar and card: BEGIN, the session with its user, the page's data: three statements, whatever the
    number of events; the transaction ends with the request, also when the page fails or redirects."""
    cards = [site.plan(f"Soirée {day}", f"2026-12-{day:02}") for day in (3, 9)]
    site.services.comments.add(site.admin, cards[0].summary.event.id, "Premier jet ?")
    for path in ("/calendar?view=month&date=2026-12-01", f"/events/{cards[0].summary.event.id}", "/"):
        page = site.view(path)
        assert page.status_code == 200 and "Soirée 3" in page.text
        assert site.seen == ["BEGIN", "SELECT", "SELECT", "END"], path
    for path, status, headers in (
        ("/events/999999", 404, None),
        ("/calendar?date=bad", 422, None),
        ("/calendar", 303, {}),
        ("/calendar", 303, {"Cookie": "eventflow_session=forged"}),
    ):
        assert site.view(path, headers).status_code == status
        assert site.seen.count("BEGIN") == site.seen.count("END") <= 1, path


def test_a_page_seen_again_is_not_read_again_until_anything_changes(site: Site, clock: FixedClock) -> None:
    """The card comes from the page cache while nothing changed; a change anyone commits, or a new day, shows on
    the very next view."""
    card = site.plan("Réveillon", "2026-12-31")
    path = f"/events/{card.summary.event.id}"

    def view() -> str:
        """The page, but for its style nonce: each response has its own (the kept page too), in its CSP header."""
        page = site.view(path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        nonce = re.search(r'nonce="([^"]+)"', page.text)
        assert nonce and f"'nonce-{nonce[1]}'" in page.headers["content-security-policy"]
        return page.text.replace(nonce[1], "NONCE")

    first = view()
    assert site.seen == ["BEGIN", "SELECT", "SELECT", "END"] and "J-36" in first
    assert view() == first and site.seen == ["BEGIN", "SELECT", "END"]  # the caller is checked; the card is kept
    site.services.events.update_slot(site.admin, card.slots[0].slot.id, SlotChange(status="review"))
    changed = view()
    assert len(site.seen) == 4 and changed != first and 'data-status="review"' in changed
    clock.advance(days=1)
    assert "J-35" in view()
    other = site.login()
    other_cookie = {"Cookie": f"eventflow_session={other.cookies['eventflow_session'].value}"}
    assert other.json["csrf_token"] in site.view(path, other_cookie).text  # each session its own forms


def test_a_poll_of_the_change_feed_is_one_select(site: Site) -> None:
    """What an open page costs the server every few seconds: the session, its user and the revision in one SELECT
    (which every request makes anyway), and a 304 without a body while nothing changed."""
    first = site.view("/api/changes")
    assert first.status_code == 200
    again = site.view("/api/changes", {**site.cookie, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    assert site.seen.count("SELECT") == 1 and not {"INSERT", "UPDATE", "DELETE"} & set(site.seen), site.seen
    site.plan("Réveillon", "2026-12-31")
    assert site.view("/api/changes", {**site.cookie, "If-None-Match": first.headers["ETag"]}).status_code == 200
