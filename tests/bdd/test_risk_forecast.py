"""Steps for features/risk_forecast.feature: a history written day by day on the fixed clock, then the forecast."""

from __future__ import annotations

import datetime as dt

import falcon.testing
from pytest_bdd import given, parsers, scenarios, then

from eventflow.adapters.translations import translator
from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.model import Language
from eventflow.core.rules_risk import reasons
from eventflow.core.services.events import SlotChange
from tests.bdd.conftest import PASSWORD, bar_named, event_id, step, summary
from tests.support.web import Browser

scenarios("risk_forecast.feature")


@given(step('the team took {days:d} days from start to approval for the "{name}" of {count:d} past nights at "{bar}"'))
def past_nights(services: Services, clock: FixedClock, days: int, name: str, count: int, bar: str) -> None:
    """Each past night's deliverable was started eight days before its J-7 and approved ``days`` days later."""
    today = clock.current
    for i in range(count):
        night = clock.today() - dt.timedelta(days=20 + 7 * i)
        clock.current = clock.start_of(night - dt.timedelta(days=15)) + dt.timedelta(hours=9)
        card = services.events.create(None, f"Soirée passée {i}", night, [bar_named(services, bar).id or 0])
        (slot,) = [v.slot for v in card.slots if v.slot.name == name]
        services.events.update_slot(None, slot.id or 0, SlotChange(status="in_progress"))
        clock.advance(days=days)
        services.events.update_slot(None, slot.id or 0, SlotChange(status="approved"))
    clock.current = today


@then(step('"{event}" is at risk'))
def at_risk(services: Services, event: str) -> None:
    assert summary(services, event).at_risk


@then(step('"{event}" is not at risk'))
def not_at_risk(services: Services, event: str) -> None:
    found = summary(services, event)
    assert found.risk is not None and not found.at_risk


@then(step('the card of "{event}" explains "{text}"'))
def card_explains(services: Services, event: str, text: str) -> None:
    forecast = services.events.card(event_id(services, event)).summary.forecast
    assert text in reasons(forecast, translator(Language.EN))


@then(parsers.parse('the calendar shows "{event}" with the badge "{badge}"'))
def calendar_badge(services: Services, client: falcon.testing.TestClient, event: str, badge: str) -> None:
    services.users.add(None, "camille@bars.fr", "Camille", role="admin", password=PASSWORD)
    page = Browser(client, "camille@bars.fr").get("/calendar", params={"date": summary(services, event).event.date})
    chip = page.text.split(f'data-event-id="{event_id(services, event)}"', 1)[1].split("</a>", 1)[0]
    assert badge in chip
