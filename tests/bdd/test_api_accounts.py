"""Steps for features/api_accounts.feature: everything goes through HTTP (falcon's TestClient)."""

from __future__ import annotations

import json
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


# -- given ---------------------------------------------------------------------
@given(parsers.parse('an admin "{email}" and a bar "{bar}" with a "{template}" template'))
def admin_and_bar(services: Services, email: str, bar: str, template: str) -> None:
    services.users.add(None, email, "Ada Admin", role="admin", password=PASSWORD, language="en")
    services.bars.add(None, bar)
    services.templates.add(None, template, "A3 PDF 300 dpi", is_default=True)


@given(parsers.parse('the event "{name}" on "{day}" at "{bar}"'))
def an_event(services: Services, name: str, day: str, bar: str) -> None:
    bar_id = next(b.id for b in services.bars.list() if b.name == bar)
    services.events.create(None, name, day, [bar_id or 0])


@given(parsers.parse('a member "{email}"'))
def a_member(services: Services, email: str) -> None:
    services.users.add(None, email, "Max Member", password=PASSWORD, language="en")


@given(parsers.parse('a member "{email}" with a personal token'))
def a_member_with_token(services: Services, world: dict[str, Any], email: str) -> None:
    a_member(services, email)
    world["token"] = services.users.create_token(None, email)


# -- when ----------------------------------------------------------------------
@when(parsers.parse('"{email}" logs in'))
def logs_in(visitor: Visitor, email: str) -> None:
    assert visitor.login(email).status_code == 200


@when(parsers.parse('they create the member "{email}" named "{name}"'))
def create_member(visitor: Visitor, email: str, name: str) -> None:
    visitor.send("POST", "/api/users", {"email": email, "name": name, "password": PASSWORD})


@when(parsers.parse('they create the event "{name}" on "{day}" at "{bar}"'))
def create_event(visitor: Visitor, name: str, day: str, bar: str) -> None:
    bar_id = next(b["id"] for b in visitor.send("GET", "/api/bars").json if b["name"] == bar)
    visitor.send("POST", "/api/events", {"name": name, "date": day, "bar_ids": [bar_id]})


@when(parsers.parse('they list the events from "{start}" to "{end}"'))
def list_events(visitor: Visitor, start: str, end: str) -> None:
    visitor.send("GET", "/api/events", params={"from": start, "to": end})


@when(parsers.parse('they open the event "{name}"'))
def open_event(visitor: Visitor, name: str) -> None:
    event_id = next(e["id"] for e in visitor.send("GET", "/api/events").json if e["name"] == name)
    visitor.send("GET", f"/api/events/{event_id}")


@when(parsers.parse("they send {method} {path} with {body}"))
def send_raw(visitor: Visitor, method: str, path: str, body: str) -> None:
    visitor.send(method, path, json.loads(body))


@when(parsers.parse("they send the raw body {raw} as {method} {path}"))
def send_raw_body(visitor: Visitor, raw: str, method: str, path: str) -> None:
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
@then(parsers.parse("the answer is {status:d}"))
def answer_is(visitor: Visitor, status: int) -> None:
    assert visitor.last is not None
    assert visitor.last.status_code == status, visitor.last.text


@then(parsers.parse('the answer is {status:d} with a description mentioning "{words}"'))
def answer_with_description(visitor: Visitor, status: int, words: str) -> None:
    assert visitor.last is not None
    assert visitor.last.status_code == status, visitor.last.text
    assert words in visitor.last.json["description"]
    assert "Traceback" not in visitor.last.text


@then(parsers.parse('the event card shows the deliverable "{name}" as "{status}"'))
def card_shows(visitor: Visitor, name: str, status: str) -> None:
    assert visitor.last is not None
    slots = {s["name"]: s["status"] for s in visitor.last.json["deliverables"]}
    assert slots[name] == status


@then(parsers.parse('the users list shows "{email}" as an active member'))
def users_list_shows(visitor: Visitor, email: str) -> None:
    users = {u["email"]: u for u in visitor.send("GET", "/api/users").json}
    assert (users[email]["role"], users[email]["active"]) == ("member", True)


@then(parsers.parse('they see "{name}" with health "{health}" and countdown {countdown:d}'))
def they_see(visitor: Visitor, name: str, health: str, countdown: int) -> None:
    assert visitor.last is not None
    events = {e["name"]: e for e in visitor.last.json}
    assert (events[name]["health"], events[name]["countdown"]) == (health, countdown)


@then("they can see their profile")
def can_see_profile(visitor: Visitor) -> None:
    assert visitor.send("GET", "/api/me").status_code == 200


@then(parsers.parse('the answer to their next request is {status:d} saying "{text}"'))
def next_request_refused(visitor: Visitor, status: int, text: str) -> None:
    resp = visitor.send("GET", "/api/me")
    assert resp.status_code == status
    assert text in resp.json["description"]


@then(parsers.parse("their token is refused with {status:d}"))
def token_refused(visitor: Visitor, world: dict[str, Any], status: int) -> None:
    resp = visitor.client.simulate_get("/api/me", headers={"Authorization": f"Bearer {world['token']}"})
    assert resp.status_code == status


@then(parsers.parse('"{email}" can no longer log in'))
def cannot_log_in(visitor: Visitor, email: str) -> None:
    resp = visitor.login(email)
    assert resp.status_code == 401
    assert "deactivated" in resp.json["description"]
