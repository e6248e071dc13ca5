"""Concurrent writers on every SQL backend: no lost update, no duplicate version number, no error.

Each thread runs the use case in its own unit of work, as two web requests would. ``Overlapping`` makes their
transactions truly overlap: a unit of work that reads a slot waits there until the others have read it too, so
without a row lock every one of them reads the same row before any writes it back. With the lock, the others
wait in their read instead, the meeting is given up after a short while, and they go on one after the other.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any, TypeVar

import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql import SqlUnitOfWorkFactory
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import Deliverable, Status, User
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
#: How long a unit of work waits for the others at the meeting before going on alone (a lock holds them back).
PATIENCE = 0.15
TRIALS = 20
UPLOADS = 8
ZIP = b"PK\x03\x04" + bytes(2000)


class Overlapping:
    """A unit-of-work factory whose writing units of work, after reading their first slot, wait until the ``parties``
    of a round have all read it (or ``PATIENCE`` has passed)."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self._meeting = threading.Barrier(1)

    def next_round(self, parties: int) -> None:
        self._meeting = threading.Barrier(parties, timeout=PATIENCE)

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        unit = self._factory(read_only)
        return unit if read_only else _Pausing(unit, self._meeting)  # type: ignore[return-value]


class _Pausing:
    def __init__(self, unit: UnitOfWork, meeting: threading.Barrier) -> None:
        self._unit = unit
        self._meeting = meeting

    def __enter__(self) -> _Pausing:
        self._unit.__enter__()
        self.deliverables = _MeetAfterFirstRead(self._unit.deliverables, self._meeting)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._unit.__exit__(*exc_info)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._unit, name)


class _MeetAfterFirstRead:
    def __init__(self, slots: Any, meeting: threading.Barrier) -> None:
        self._slots = slots
        self._meeting = meeting
        self._met = False

    def get(self, slot_id: int) -> Deliverable | None:
        return self._meet(self._slots.get(slot_id))

    def get_for_update(self, slot_id: int) -> Deliverable | None:
        return self._meet(self._slots.get_for_update(slot_id))

    def _meet(self, found: T) -> T:
        if not self._met:
            self._met = True
            with suppress(threading.BrokenBarrierError):
                self._meeting.wait()
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._slots, name)


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
        at_once(
            lambda: services.events.update_slot(admin, slot_id, status="approved"),
            lambda: services.events.update_slot(admin, slot_id, assignee_id=designer.id),
        )
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

    answered = at_once(*[lambda n=n: upload(n) for n in range(UPLOADS)])  # type: ignore[misc]

    view = next(view for view in services.events.card(event_id).slots if view.slot.id == slot_id)
    assert sorted(v.version or 0 for v in view.versions) == list(range(1, UPLOADS + 1))
    assert sorted(answered) == list(range(1, UPLOADS + 1))  # type: ignore[type-var]
    assert view.slot.status is Status.REVIEW
