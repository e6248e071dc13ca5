"""The living spec: features/planning.feature (steps in conftest.py, and here those of moving, duplicating,
cancelling, deleting and finding nights)."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from pytest_bdd import given, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.commands import EventChanges
from eventflow.core.model import Status, User
from eventflow.core.services.audit import AuditQuery
from tests.bdd.conftest import PASSWORD, event_id, slots, step
from tests.support import samples

scenarios("planning.feature")


@pytest.fixture
def world() -> dict[str, Any]:
    return {}


def person(services: Services, role: str) -> User:
    email = f"{role}@bars.fr"
    found = next((u for u in services.users.list() if u.email == email), None)
    return found or services.users.add(None, email, role.title(), role=role, password=PASSWORD)


def december(services: Services) -> list[str]:
    return [s.event.name for s in services.events.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))]


@when(step('the team moves "{event}" to {day:Date}'))
def move(services: Services, event: str, day: dt.date) -> None:
    services.events.update(None, event_id(services, event), EventChanges(date=day.isoformat()))


@then(step('the activity of "{event}" says it moved from {old:Date} to {new:Date}'))
def moved(services: Services, event: str, old: dt.date, new: dt.date) -> None:
    entry = services.events.card(event_id(services, event)).activity[0]
    assert (entry.action, entry.before, entry.after) == (
        "event.updated",
        {"date": old.isoformat()},
        {"date": new.isoformat()},
    )


@given(step('a file was sent for the "{name}" slot of "{event}"'))
def file_sent(services: Services, name: str, event: str) -> None:
    slot = slots(services, event, name)[0]
    services.assets.upload_version(None, slot.id or 0, "poster.png", io.BytesIO(samples.png()))


@when(step('the team duplicates "{event}" on {day:Date}'))
def duplicate(services: Services, event: str, day: dt.date) -> None:
    services.events.duplicate(None, event_id(services, event), day.isoformat())


@then(step('"{event}" is planned on {first:Date} and on {second:Date}'))
def planned_twice(services: Services, event: str, first: dt.date, second: dt.date) -> None:
    assert [s.event.date for s in services.events.calendar(name=event)] == [first, second]


@then(step('the copy of "{event}" on {day:Date} has the same deliverables, all to do, without files'))
def fresh_copy(services: Services, event: str, day: dt.date) -> None:
    original, copy = services.events.calendar(name=event)
    assert copy.event.date == day
    before, after = services.events.card(original.event.id or 0), services.events.card(copy.event.id or 0)
    shape = [(v.slot.name, v.slot.bar_id, v.slot.specs) for v in before.slots]
    assert [(v.slot.name, v.slot.bar_id, v.slot.specs) for v in after.slots] == shape
    assert {v.slot.status for v in after.slots} == {Status.TODO}
    assert all(v.versions == [] for v in after.slots) and after.photos == []
    assert any(v.versions for v in before.slots)  # the original keeps its file


@when(step('the team cancels "{event}"'))
def cancel(services: Services, event: str) -> None:
    services.events.update(None, event_id(services, event), EventChanges(cancelled=True))


@when(step('the team restores "{event}"'))
def restore(services: Services, event: str) -> None:
    services.events.update(None, event_id(services, event), EventChanges(cancelled=False))


@then(step('the calendar of December 2026 does not show "{event}"'))
def not_shown(services: Services, event: str) -> None:
    assert event not in december(services)


@then(step('the calendar of December 2026 shows "{event}"'))
def shown(services: Services, event: str) -> None:
    assert event in december(services)


@then(step('"{event}" is still kept, marked cancelled'))
def kept_cancelled(services: Services, event: str) -> None:
    card = services.events.card(event_id(services, event))
    assert card.summary.event.cancelled and len(card.slots) == 4


@when(step('a member tries to delete "{event}"'))
def member_deletes(services: Services, world: dict[str, Any], event: str) -> None:
    try:
        services.events.delete(person(services, "member"), event_id(services, event), files=services.storage)
    except errors.Forbidden as refused:
        world["refused"] = str(refused)


@then("they are told that only an admin may do this")
def told_admins_only(world: dict[str, Any]) -> None:
    assert re.search(r"only an admin", world.get("refused", ""))


@when(step('an admin deletes "{event}"'))
def admin_deletes(services: Services, world: dict[str, Any], event: str) -> None:
    world["deleted"] = event_id(services, event)
    services.events.delete(person(services, "admin"), world["deleted"], files=services.storage)


@then(step('the audit log records that the admin deleted "{event}"'))
def audited(services: Services, world: dict[str, Any], event: str) -> None:
    admin = person(services, "admin")
    found = services.audit.search(admin, AuditQuery(action="event.deleted"))
    assert [(e.entry.entity_id, (e.entry.before or {}).get("name"), e.actor and e.actor.id) for e in found] == [
        (world["deleted"], event, admin.id)
    ]


@when(step('someone looks for "{text}"'))
def look_for(services: Services, world: dict[str, Any], text: str) -> None:
    world["found"] = [s.event.name for s in services.events.calendar(name=text)]


@then(step('they find "{first}" and "{second}", in date order'))
def found_both(world: dict[str, Any], first: str, second: str) -> None:
    assert world["found"] == [first, second]
