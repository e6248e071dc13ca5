"""Steps shared by the living spec (features/*.feature), written against the services on the memory fakes.

The clock is the ``clock`` fixture (a FixedClock): ``Given today is 2026-12-05`` moves it. Events, bars and slots
are found by the names the scenarios give them, so steps carry no state between them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import falcon.testing
import pytest
from parse import with_pattern
from pytest_bdd import given, parsers, then, when

from eventflow.bootstrap import Services
from eventflow.core import rules
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges
from eventflow.core.model import Bar, Deliverable, Health, Screen, Status
from eventflow.core.services.events import EventSummary, SlotChange, parse_date
from eventflow.entrypoints.web.app import create_app
from tests.support import samples

#: The password every person created by the scenarios logs in with.
PASSWORD = "correct horse battery"


@pytest.fixture
def client(services: Services) -> falcon.testing.TestClient:
    """The web app on the scenario's services."""
    return falcon.testing.TestClient(create_app(services))


@pytest.fixture
def world() -> dict[str, Any]:
    """What a scenario's steps remember (a module may redefine it with more in it)."""
    return {}


#: How the scenarios say a status.
STATUS_WORDS = {
    "to do": Status.TODO,
    "in progress": Status.IN_PROGRESS,
    "in review": Status.REVIEW,
    "changes requested": Status.CHANGES_REQUESTED,
    "approved": Status.APPROVED,
}
EVENT_WIDE = "all bars"


@with_pattern("|".join(STATUS_WORDS))
def status_word(text: str) -> Status:
    return STATUS_WORDS[text]


@with_pattern("|".join(h.value for h in Health))
def health_word(text: str) -> Health:
    return Health(text)


@with_pattern(r"\d{4}-\d{2}-\d{2}")
def iso_date(text: str) -> dt.date:
    return parse_date(text)


TYPES = {"Status": status_word, "Health": health_word, "Date": iso_date}


def step(text: str) -> parsers.parse:
    return parsers.parse(text, extra_types=TYPES)


# -- finding things by name ------------------------------------------------------------------------------------
def bar_named(services: Services, name: str) -> Bar:
    return next(b for b in services.bars.list() if b.name == name)


def bar_names(services: Services, quoted: str) -> list[int]:
    """``"Le Comptoir" and "La Cale"`` (or a comma-separated list) to bar ids."""
    return [bar_named(services, name).id or 0 for name in re.findall(r'"([^"]+)"', quoted)]


def summary(services: Services, event: str) -> EventSummary:
    return next(s for s in services.events.calendar(with_cancelled=True) if s.event.name == event)


def event_id(services: Services, event: str) -> int:
    return summary(services, event).event.id or 0


def slots(services: Services, event: str, name: str | None = None) -> list[Deliverable]:
    """The event's slots (named ``name`` when given: a screen template gives one per bar)."""
    card = services.events.card(event_id(services, event))
    found = [v.slot for v in card.slots if name is None or v.slot.name == name]
    assert found, f"{event!r} has no slot named {name!r}"
    return found


def late_names(services: Services, event: str) -> set[str]:
    return {v.slot.name for v in services.events.card(event_id(services, event)).slots if v.late}


# -- given: the world --------------------------------------------------------------------------------------------
@given(step("today is {day:Date}"))
@when(step("today is {day:Date}"))
def today_is(clock: FixedClock, day: dt.date) -> None:
    clock.current = FixedClock.on(day, clock.timezone).current


@given(step('the bar "{name}" with the screens:'))
def bar_with_screens(services: Services, name: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    services.bars.add(None, name, screens=[Screen(**dict(zip(header, row, strict=True))) for row in rows])


@given(step('the bar "{name}" without screens'))
def bar_without_screens(services: Services, name: str) -> None:
    services.bars.add(None, name)


@given(step('the default template "{name}" with the specs "{specs}"'))
def default_template(services: Services, name: str, specs: str) -> None:
    services.templates.add(None, name, specs, is_default=True)


@given(step('the default template "{name}" with the specs "{specs}" for each "{kind}" screen'))
def screen_template(services: Services, name: str, specs: str, kind: str) -> None:
    services.templates.add(None, name, specs, is_default=True, hardware_kind=kind)


@given(step('the theme of {month} is "{name}"'))
def theme_of_month(services: Services, month: str, name: str) -> None:
    services.themes.set(None, month, name)


# -- planning ----------------------------------------------------------------------------------------------------
@given(step('the event "{name}" is planned on {day:Date} at {bars}'))
@when(step('the event "{name}" is planned on {day:Date} at {bars}'))
def plan_event(services: Services, name: str, day: dt.date, bars: str) -> None:
    services.events.create(None, name, day, bar_names(services, bars))


@given(step('"{bar}" is removed from "{event}"'))
@when(step('"{bar}" is removed from "{event}"'))
def remove_bar(services: Services, bar: str, event: str) -> None:
    current = summary(services, event).event.bar_ids
    gone = bar_named(services, bar).id
    services.events.update(None, event_id(services, event), EventChanges(bar_ids=[b for b in current if b != gone]))


@when(step('"{bar}" is added to "{event}"'))
def add_bar(services: Services, bar: str, event: str) -> None:
    current = summary(services, event).event.bar_ids
    services.events.update(
        None, event_id(services, event), EventChanges(bar_ids=[*current, bar_named(services, bar).id])
    )


@when(step('the team adds the deliverable "{name}" with the specs "{specs}" to "{event}"'))
def add_custom_slot(services: Services, name: str, specs: str, event: str) -> None:
    services.events.add_slot(None, event_id(services, event), name, specs)


# -- working on the slots ----------------------------------------------------------------------------------------
@given(step('the "{name}" slot of "{event}" is {status:Status}'))
def slot_status(services: Services, name: str, event: str, status: Status) -> None:
    for slot in slots(services, event, name):
        services.events.update_slot(None, slot.id or 0, SlotChange(status=status.value))


@given(step('every slot of "{event}" is {status:Status}'))
def every_slot_status(services: Services, event: str, status: Status) -> None:
    for slot in slots(services, event):
        services.events.update_slot(None, slot.id or 0, SlotChange(status=status.value))


@given(step('the team disables the "{name}" slot of "{event}"'))
@when(step('the team disables the "{name}" slot of "{event}"'))
def disable_slot(services: Services, name: str, event: str) -> None:
    for slot in slots(services, event, name):
        services.events.update_slot(None, slot.id or 0, SlotChange(enabled=False))


@given(step('the team disables every slot of "{event}"'))
def disable_every_slot(services: Services, event: str) -> None:
    for slot in slots(services, event):
        services.events.update_slot(None, slot.id or 0, SlotChange(enabled=False))


@when(step('a new version of the "{name}" slot of "{event}" arrives'))
def new_version(services: Services, name: str, event: str) -> None:
    (slot,) = slots(services, event, name)
    services.assets.upload_version(None, slot.id or 0, f"{name}.pdf", io.BytesIO(samples.pdf()))


# -- what the team sees ------------------------------------------------------------------------------------------
@then(step('"{event}" has the slots:'))
def has_slots(services: Services, event: str, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    bars = {b.id: b.name for b in services.bars.list()}
    shown = [
        {
            "deliverable": s.name,
            "bar": bars[s.bar_id] if s.bar_id else EVENT_WIDE,
            "specs": s.specs,
            "status": s.status.value,
        }
        for s in slots(services, event)
    ]
    expected = [dict(zip(header, row, strict=True)) for row in rows]
    assert sorted(shown, key=str) == sorted(expected, key=str)


@then(step('"{event}" still has {count:d} slots'))
def slot_count(services: Services, event: str, count: int) -> None:
    assert len(slots(services, event)) == count


@then(step('the slots of "{bar}" at "{event}" are disabled'))
def bar_slots_disabled(services: Services, bar: str, event: str) -> None:
    mine = [s for s in slots(services, event) if s.bar_id == bar_named(services, bar).id]
    assert mine and not any(s.enabled for s in mine)


@then(step('the slots of "{bar}" at "{event}" are enabled'))
def bar_slots_enabled(services: Services, bar: str, event: str) -> None:
    mine = [s for s in slots(services, event) if s.bar_id == bar_named(services, bar).id]
    assert mine and all(s.enabled for s in mine)


@then(step('the "{name}" slot of "{event}" is disabled'))
def slot_disabled(services: Services, name: str, event: str) -> None:
    assert not any(s.enabled for s in slots(services, event, name))


@then(step('the "{name}" slot of "{event}" is enabled'))
def slot_enabled(services: Services, name: str, event: str) -> None:
    assert all(s.enabled for s in slots(services, event, name))


@then(step('the "{name}" slot of "{event}" is now {status:Status}'))
def slot_now(services: Services, name: str, event: str, status: Status) -> None:
    assert {s.status for s in slots(services, event, name)} == {status}


@then(step('the "{name}" slot of "{event}" is late'))
def slot_late(services: Services, name: str, event: str) -> None:
    assert name in late_names(services, event)


@then(step('the "{name}" slot of "{event}" is not late'))
def slot_not_late(services: Services, name: str, event: str) -> None:
    assert name not in late_names(services, event)


@then(step('no slot of "{event}" is late'))
def nothing_late(services: Services, event: str) -> None:
    assert late_names(services, event) == set()


@given(step('"{event}" is {health:Health}'))
@then(step('"{event}" is {health:Health}'))
def event_health(services: Services, event: str, health: Health) -> None:
    assert summary(services, event).health is health


@then(step('the countdown of "{event}" reads "{label}"'))
def countdown(services: Services, clock: FixedClock, event: str, label: str) -> None:
    assert rules.countdown_label(summary(services, event).event.date, clock.today()) == label


@then(step('every deliverable of "{event}" is due on {day:Date}'))
def due_on(services: Services, event: str, day: dt.date) -> None:
    assert {v.due for v in services.events.card(event_id(services, event)).slots} == {day}


@then(step('"{event}" shows the theme "{theme}"'))
def shows_theme(services: Services, event: str, theme: str) -> None:
    assert summary(services, event).theme == theme


@then(step('"{event}" has no theme'))
def no_theme(services: Services, event: str) -> None:
    assert summary(services, event).theme is None
