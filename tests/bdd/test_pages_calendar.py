"""Steps for features/pages_calendar.feature: the HTML pages through falcon's TestClient."""

from __future__ import annotations

import re
from typing import Any

import falcon.testing
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from eventflow.core.services.events import SlotChange
from tests.bdd.conftest import PASSWORD
from tests.support.web import Browser

scenarios("pages_calendar.feature")


@given(parsers.parse('the admin "{email}" and the bar "{bar}" with the default templates "{first}" and "{second}"'))
def team(services: Services, world: dict[str, Any], email: str, bar: str, first: str, second: str) -> None:
    world["admin"] = services.users.add(None, email, "Ada Admin", role="admin", password=PASSWORD)
    world["bar"] = services.bars.add(None, bar)
    for name in (first, second):
        services.templates.add(None, name, "PDF", is_default=True)


@given(parsers.parse('the event "{name}" on "{day}" with every deliverable approved except "{slot}"'))
def event_almost_approved(services: Services, world: dict[str, Any], name: str, day: str, slot: str) -> None:
    card = services.events.create(world["admin"], name, day, [world["bar"].id])
    for view in card.slots:
        if view.slot.name != slot:
            services.events.update_slot(world["admin"], view.slot.id or 0, SlotChange(status="approved"))
    world.setdefault("events", {})[name] = card.summary.event.id


@given(parsers.parse('"{email}" prefers English'))
def prefers_english(services: Services, world: dict[str, Any], email: str) -> None:
    services.users.update(None, world["admin"].id, UserChanges(language="en"))


@when(parsers.parse('a visitor opens "{path}"'), target_fixture="result")
def visitor_opens(client: falcon.testing.TestClient, path: str) -> falcon.testing.Result:
    return client.simulate_get(path)


@when(parsers.parse('"{email}" opens the calendar of "{day}"'), target_fixture="result")
def open_calendar(client: falcon.testing.TestClient, email: str, day: str) -> falcon.testing.Result:
    return Browser(client, email).get("/calendar", params={"date": day})


@when(parsers.parse('"{email}" opens the calendar of "{day}" showing only late events'), target_fixture="result")
def open_late_calendar(client: falcon.testing.TestClient, email: str, day: str) -> falcon.testing.Result:
    return Browser(client, email).get("/calendar", params={"date": day, "f": "1", "late": "1"})


@when(parsers.parse('"{email}" opens the card of "{name}"'), target_fixture="result")
def open_card(client: falcon.testing.TestClient, world: dict[str, Any], email: str, name: str) -> falcon.testing.Result:
    return Browser(client, email).get(f"/events/{world['events'][name]}")


@then(parsers.parse('they are sent to the login form, which asks for "{first}" and "{second}"'))
def sent_to_login(client: falcon.testing.TestClient, result: falcon.testing.Result, first: str, second: str) -> None:
    assert result.status_code == 303
    form = client.simulate_get(result.headers["Location"]).text
    assert f'name="{first}"' in form and f'name="{second}"' in form


@then(parsers.parse('"{name}" is shown with health "{health}"'))
def shown_with_health(result: falcon.testing.Result, world: dict[str, Any], name: str, health: str) -> None:
    event_id = world["events"][name]
    assert re.search(rf'data-event-id="{event_id}" data-health="{health}"', result.text)


@then(parsers.parse('"{name}" is not shown'))
def not_shown(result: falcon.testing.Result, world: dict[str, Any], name: str) -> None:
    assert f'data-event-id="{world["events"][name]}"' not in result.text


@then(parsers.parse('the card shows the WARNING and the countdown "{countdown}"'))
def card_warning(result: falcon.testing.Result, countdown: str) -> None:
    warning = "WARNING" if '<html lang="en">' in result.text else "ATTENTION"  # in the reader's language
    assert 'class="late-banner"' in result.text and f"{warning} —" in result.text
    assert re.search(rf'class="pill pill-red countdown"[^>]*>{countdown}<', result.text)


@then(parsers.parse('the page offers "{first}" and "{second}"'))
def page_offers(result: falcon.testing.Result, first: str, second: str) -> None:
    assert first in result.text and second in result.text and '<html lang="en">' in result.text
