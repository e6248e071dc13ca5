"""Concurrent writers on every SQL backend: no lost update, no duplicate version number, no quota overshoot, no error.

Each thread runs the use case in its own unit of work, as two web requests would. ``Overlapping`` makes their
transactions truly overlap: a unit of work that has read its first row (a slot, an event…) or taken the quota's
lock waits there until the others have too, so without a row lock every one of them reads the same row before any
writes it back. With the lock, the others wait in their read instead, the meeting is given up after a short while,
and they go on one after the other.
"""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, TypeVar

import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges
from eventflow.core.model import Status, User
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory
from eventflow.core.services.events import SlotChange

T = TypeVar("T")
#: How long a unit of work waits for the others at the meeting before going on alone (a lock holds them back).
PATIENCE = 0.1
TRIALS = 20
UPLOADS = 8
ZIP = b"PK\x03\x04" + bytes(2000)


class Meeting:
    """Held once: ``arrive()`` waits until ``parties`` have arrived, or ``PATIENCE`` has passed (a row lock holds
    the others back); from then on it returns at once."""

    def __init__(self, parties: int) -> None:
        self._missing = parties
        self._all_here = threading.Condition()

    def arrive(self) -> None:
        with self._all_here:
            self._missing -= 1
            self._all_here.wait_for(lambda: self._missing <= 0, timeout=PATIENCE)
            self._missing = 0
            self._all_here.notify_all()


class Overlapping:
    """A unit-of-work factory whose writing units of work, once they have read their first row by id (``get`` or
    ``get_for_update`` of any repository) or called ``reservations.lock()``, go to the round's meeting."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self._meeting = Meeting(0)

    def next_round(self, parties: int) -> None:
        self._meeting = Meeting(parties)

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        unit = self._factory(read_only)
        return unit if read_only else _Pausing(unit, self._meeting)  # type: ignore[return-value]


class _Pausing:
    def __init__(self, unit: UnitOfWork, meeting: Meeting) -> None:
        self._unit = unit
        self._meeting: Meeting | None = meeting

    def __enter__(self) -> _Pausing:
        self._unit.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._unit.__exit__(*exc_info)

    def commit(self) -> None:
        self._unit.commit()

    def after_first_read(self) -> None:
        if self._meeting is not None:
            meeting, self._meeting = self._meeting, None
            meeting.arrive()

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._unit, name)
        return _ReadsById(found, self) if hasattr(found, "get") else found


class _ReadsById:
    def __init__(self, repository: Any, unit: _Pausing) -> None:
        self._repository = repository
        self._unit = unit

    def get(self, key: int) -> Any:
        found = self._repository.get(key)
        self._unit.after_first_read()
        return found

    def get_for_update(self, key: int) -> Any:
        found = self._repository.get_for_update(key)
        self._unit.after_first_read()
        return found

    def lock(self) -> None:
        self._repository.lock()
        self._unit.after_first_read()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._repository, name)


def at_once(*calls: Callable[[], T]) -> list[T]:
    """Run the calls in threads of their own; their results, or the first error raised."""
    with ThreadPoolExecutor(len(calls)) as pool:
        return [outcome.result(timeout=60) for outcome in [pool.submit(call) for call in calls]]


@pytest.fixture
def overlapping(sql_factory: SqlUnitOfWorkFactory) -> Overlapping:
    return Overlapping(sql_factory)


@pytest.fixture
def services(overlapping: Overlapping, settings: Settings, clock: FixedClock) -> Services:
    return bootstrap(settings, uow=overlapping, clock=clock, hasher=Argon2Hasher(fast=True))


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin")


@pytest.fixture
def event_id(services: Services, admin: User) -> int:
    bar = services.bars.add(None, "Le Zinc")
    return services.events.create(admin, "Nuit Disco", "2026-12-12", [bar.id or 0]).summary.event.id or 0


def test_two_simultaneous_changes_of_one_slot_both_stay(
    services: Services, overlapping: Overlapping, admin: User, event_id: int
) -> None:
    designer = services.users.add(None, "max@bars.fr", "Max")
    lost = []
    for trial in range(TRIALS):
        slot_id = services.events.add_slot(admin, event_id, f"Poster {trial}").id or 0
        overlapping.next_round(2)
        change = partial(services.events.update_slot, admin, slot_id)
        at_once(partial(change, SlotChange(status="approved")), partial(change, SlotChange(assignee_id=designer.id)))
        slot = next(view.slot for view in services.events.card(event_id).slots if view.slot.id == slot_id)
        if (slot.status, slot.assignee_id) != (Status.APPROVED, designer.id):
            lost.append((trial, slot.status.value, slot.assignee_id))
    assert lost == []


def test_eight_simultaneous_uploads_to_one_slot_are_versions_one_to_eight(
    services: Services, overlapping: Overlapping, admin: User, event_id: int
) -> None:
    slot_id = services.events.add_slot(admin, event_id, "Cube LED").id or 0
    overlapping.next_round(UPLOADS)

    def upload(number: int) -> int | None:
        stream = io.BytesIO(ZIP + bytes([number]))
        return services.assets.upload_version(admin, slot_id, f"cube-{number}.zip", stream, len(ZIP) + 1).version

    answered = at_once(*[partial(upload, number) for number in range(UPLOADS)])

    view = next(view for view in services.events.card(event_id).slots if view.slot.id == slot_id)
    assert sorted(v.version or 0 for v in view.versions) == list(range(1, UPLOADS + 1))
    assert sorted(answered) == list(range(1, UPLOADS + 1))  # type: ignore[type-var]
    assert view.slot.status is Status.REVIEW


def test_a_night_losing_a_bar_while_a_file_comes_for_that_bar_s_slot_keeps_both(
    services: Services, overlapping: Overlapping, admin: User
) -> None:
    """The event's lock then the slot's, against the slot's lock then the event (the new version's row refers to
    it): MariaDB settles that deadlock by cancelling one of them, which is run again."""
    zinc, cale = services.bars.add(None, "Le Zinc"), services.bars.add(None, "La Cale")
    card = services.events.create(admin, "Nuit Disco", "2026-12-12", [zinc.id or 0, cale.id or 0])
    event_id = card.summary.event.id or 0
    door_id = services.events.add_slot(admin, event_id, "Door LED", bar_id=cale.id).id or 0
    overlapping.next_round(2)

    at_once(
        partial(services.events.update, admin, event_id, EventChanges(bar_ids=[zinc.id])),
        partial(services.assets.upload_version, admin, door_id, "door.zip", io.BytesIO(ZIP), len(ZIP)),
    )

    door = services.events.slot(door_id)
    assert (door.slot.enabled, door.slot.status, [v.version for v in door.versions]) == (False, Status.REVIEW, [1])


def test_simultaneous_quota_holds_never_add_up_past_the_quota(services: Services, overlapping: Overlapping) -> None:
    quota = services.assets.quota
    share = int(0.3 * quota.quota_bytes)
    overlapping.next_round(UPLOADS)

    def hold() -> int | None:
        try:
            return quota.reserve(share)
        except errors.QuotaExceeded:
            return None

    granted = [hold_id for hold_id in at_once(*[hold] * UPLOADS) if hold_id is not None]

    assert len(granted) == 3
    with services.uow() as uow:
        assert uow.reservations.total() == 3 * share <= quota.quota_bytes


def test_a_move_an_edit_and_a_cancel_of_one_night_at_once_all_stay(
    services: Services, overlapping: Overlapping, admin: User, event_id: int
) -> None:
    """A night moved, renamed and cancelled by three people at once: the event's row lock makes them take turns."""
    lost = []
    for trial in range(TRIALS // 2):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=trial)
        overlapping.next_round(3)
        change = partial(services.events.update, admin, event_id)
        at_once(
            partial(change, EventChanges(date=day.isoformat())),
            partial(change, EventChanges(name=f"Nuit Disco {trial}")),
            partial(change, EventChanges(cancelled=trial % 2 == 0)),
        )
        event = services.events.card(event_id).summary.event
        if (event.date, event.name, event.cancelled) != (day, f"Nuit Disco {trial}", trial % 2 == 0):
            lost.append((trial, event.date, event.name, event.cancelled))
    assert lost == []
