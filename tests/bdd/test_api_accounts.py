"""Steps for features/api_accounts.feature: everything goes through HTTP (falcon's TestClient), as the pages and
scripts do; the scenario's words become requests here, and the answers' statuses are named by what they mean."""

from __future__ import annotations

import re
from typing import Any

import falcon
import falcon.testing
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.entrypoints.web.app import create_app
from tests.bdd.conftest import PASSWORD

scenarios("api_accounts.feature")


class Visitor:
    """One person's HTTP conversation: the session cookie and CSRF token a browser script would keep."""

    def __init__(self, client: falcon.testing.TestClient) -> None:
        self.client = client
        self.headers: dict[str, str] = {}
        self.last: falcon.testing.Result | None = None

    def login(self, email: str) -> falcon.testing.Result:
        resp = self.client.simulate_post("/api/session", json={"email": email, "password": PASSWORD})
        if resp.status_code == 200:
            session = resp.cookies["eventflow_session"].value
            self.headers = {"Cookie": f"eventflow_session={session}", "X-CSRF-Token": resp.json["csrf_token"]}
        return resp

    def send(self, method: str, path: str, body: Any = None, **kwargs: Any) -> falcon.testing.Result:
        self.last = self.client.simulate_request(method, path, json=body, headers=self.headers, **kwargs)
        return self.last


@pytest.fixture
def visitor(services: Services) -> Visitor:
    return Visitor(falcon.testing.TestClient(create_app(services)))


#: What a member may not do, as the request an admin's page would send.
ADMIN_ONLY: dict[str, tuple[str, str, Any]] = {
    "add a colleague": ("POST", "/api/users", {"email": "x@bars.fr", "name": "X"}),
    "deactivate a colleague": ("PATCH", "/api/users/1", {"active": False}),
    "add a bar": ("POST", "/api/bars", {"name": "Bar Nord"}),
    "set the theme of December 2026": ("PUT", "/api/themes/2026-12", {"name": "Noël"}),
    "add a deliverable template": ("POST", "/api/templates", {"name": "Flyer", "specs": "A5 PDF"}),
    "make themselves an admin": ("PATCH", "/api/me", {"role": "admin"}),
}
#: Mistakes a script or a page could make, as the raw body it sends.
MISTAKES: dict[str, tuple[str, str, str]] = {
    "send a night cut off in the middle": ("POST", "/api/events", '{"name": "Quiz", "date":'),
    "plan a night without a date": ("POST", "/api/events", '{"name": "Quiz", "bar_ids": [1]}'),
    "plan a night on 31/12/2026": ("POST", "/api/events", '{"name": "Quiz", "date": "31/12/2026", "bar_ids": [1]}'),
    "rename a night that does not exist": ("PATCH", "/api/events/999", '{"name": "Quiz"}'),
    'add the bar "le perchoir" a second time': ("POST", "/api/bars", '{"name": "le perchoir"}'),
}
#: What an HTTP status means to the person who gets it.
REFUSALS = {"malformed": 400, "not allowed": 403, "not found": 404, "a conflict": 409, "not valid": 422}


def one_of(words: dict[str, Any]) -> str:
    return "|".join(re.escape(w) for w in words)


# -- given ---------------------------------------------------------------------
@given(parsers.parse('the admin "{email}", the bar "{bar}" and a "{template}" for every night'))
def admin_and_bar(services: Services, email: str, bar: str, template: str) -> None:
    services.users.add(None, email, "Ada Admin", role="admin", password=PASSWORD, language="en")
    services.bars.add(None, bar)
    services.templates.add(None, template, "A3 PDF 300 dpi", is_default=True)


@given(parsers.parse('the night "{name}" on {day} at "{bar}"'))
def a_night(services: Services, name: str, day: str, bar: str) -> None:
    bar_id = next(b.id for b in services.bars.list() if b.name == bar)
    services.events.create(None, name, day, [bar_id or 0])


@given(parsers.parse('the member "{email}"'))
def a_member(services: Services, email: str) -> None:
    services.users.add(None, email, "Max Member", password=PASSWORD, language="en")


@given(parsers.parse('the member "{email}" with a personal token'))
def a_member_with_token(services: Services, world: dict[str, Any], email: str) -> None:
    a_member(services, email)
    world["token"] = services.users.create_token(None, email)


# -- when ----------------------------------------------------------------------
@when(parsers.parse('"{email}" logs in'))
def logs_in(visitor: Visitor, email: str) -> None:
    assert visitor.login(email).status_code == 200


@when(parsers.parse('they add the member "{email}" named "{name}"'))
def add_member(visitor: Visitor, email: str, name: str) -> None:
    assert visitor.send("POST", "/api/users", {"email": email, "name": name, "password": PASSWORD}).status_code == 201


@when(parsers.parse('they plan "{name}" on {day} at "{bar}"'))
def plan_night(visitor: Visitor, name: str, day: str, bar: str) -> None:
    bar_id = next(b["id"] for b in visitor.send("GET", "/api/bars").json if b["name"] == bar)
    visitor.send("POST", "/api/events", {"name": name, "date": day, "bar_ids": [bar_id]})


@when(parsers.parse("they look at the calendar from {start} to {end}"))
def look_at_calendar(visitor: Visitor, start: str, end: str) -> None:
    visitor.send("GET", "/api/events", params={"from": start, "to": end})


@when(parsers.parse('they open the night "{name}"'))
def open_night(visitor: Visitor, name: str) -> None:
    event_id = next(e["id"] for e in visitor.send("GET", "/api/events").json if e["name"] == name)
    visitor.send("GET", f"/api/events/{event_id}")


@when(parsers.re(f"they try to (?P<action>{one_of(ADMIN_ONLY)})"))
def try_to(visitor: Visitor, action: str) -> None:
    visitor.send(*ADMIN_ONLY[action])


@when(parsers.re(f"they (?P<mistake>{one_of(MISTAKES)})"))
def make_a_mistake(visitor: Visitor, mistake: str) -> None:
    method, path, raw = MISTAKES[mistake]
    headers = {**visitor.headers, "Content-Type": "application/json"}
    visitor.last = visitor.client.simulate_request(method, path, body=raw, headers=headers)


@when(parsers.parse("{days:d} days pass"))
def days_pass(clock: FixedClock, days: int) -> None:
    clock.advance(days=days)


@when(parsers.parse('the admin deactivates "{email}"'))
def admin_deactivates(services: Services, email: str) -> None:
    admin = Visitor(falcon.testing.TestClient(create_app(services)))
    admin.login("ada@bars.fr")
    user_id = next(u["id"] for u in admin.send("GET", "/api/users").json if u["email"] == email)
    assert admin.send("PATCH", f"/api/users/{user_id}", {"active": False}).status_code == 200


# -- then ----------------------------------------------------------------------
@then(parsers.parse('the night "{name}" is planned'))
def night_planned(visitor: Visitor, name: str) -> None:
    assert visitor.last is not None
    assert visitor.last.status_code == 201, visitor.last.text
    assert visitor.last.json["name"] == name


@then(parsers.parse('the night "{name}" has its "{deliverable}" to do'))
def night_has_to_do(visitor: Visitor, name: str, deliverable: str) -> None:
    assert visitor.last is not None
    assert visitor.last.status_code in (200, 201), visitor.last.text
    card = visitor.last.json
    assert card["name"] == name
    assert {s["name"]: s["status"] for s in card["deliverables"]}[deliverable] == "todo"


@then(parsers.parse('the team list shows "{email}" as an active member'))
def team_list_shows(visitor: Visitor, email: str) -> None:
    users = {u["email"]: u for u in visitor.send("GET", "/api/users").json}
    assert (users[email]["role"], users[email]["active"]) == ("member", True)


@then(parsers.parse('they see "{name}" in {health}, {countdown:d} days away'))
def they_see(visitor: Visitor, name: str, health: str, countdown: int) -> None:
    assert visitor.last is not None
    events = {e["name"]: e for e in visitor.last.json}
    assert (events[name]["health"], events[name]["countdown"]) == (health, countdown)


@then(parsers.re(f"it is refused as (?P<problem>{one_of(REFUSALS)})"))
def refused(visitor: Visitor, problem: str) -> None:
    assert visitor.last is not None
    assert visitor.last.status_code == REFUSALS[problem], visitor.last.text


@then(parsers.re(f'it is refused as (?P<problem>{one_of(REFUSALS)}), saying "(?P<words>.+)"'))
def refused_saying(visitor: Visitor, problem: str, words: str) -> None:
    refused(visitor, problem)
    assert visitor.last is not None
    assert words in visitor.last.json["description"]
    assert "Traceback" not in visitor.last.text


@then("they are still logged in")
def still_logged_in(visitor: Visitor) -> None:
    assert visitor.send("GET", "/api/me").status_code == 200


@then(parsers.parse('they are asked to log in again: "{text}"'))
def asked_to_log_in(visitor: Visitor, text: str) -> None:
    resp = visitor.send("GET", "/api/me")
    assert resp.status_code == 401
    assert text in resp.json["description"]


@then("their token no longer works")
def token_refused(visitor: Visitor, world: dict[str, Any]) -> None:
    resp = visitor.client.simulate_get("/api/me", headers={"Authorization": f"Bearer {world['token']}"})
    assert resp.status_code == 401


@then(parsers.parse('"{email}" can no longer log in'))
def cannot_log_in(visitor: Visitor, email: str) -> None:
    resp = visitor.login(email)
    assert resp.status_code == 401
    assert "deactivated" in resp.json["description"]
