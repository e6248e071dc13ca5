"""The locking part of the repository contract, on every backend (the in-memory fake included where it applies).

A row read with ``get_for_update`` (and the quota behind ``reservations.lock()``) makes any other unit of work that
wants it wait until the first one ends, and then see what it committed. Clashes the database settles by cancelling
a transaction come out as ``TryAgain``. Version numbers are unique per slot; saving a slot counts a change.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from eventflow.adapters.sql import engine as sql_engine
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.errors import Conflict, TryAgain
from eventflow.core.model import Comment, DeliverableTemplate, Reservation, Status
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory
from tests.integration.sql.test_repositories import T0, add_asset, add_event, add_slot, add_user

#: How long the first unit of work keeps its lock: the second must wait at least about this long.
HOLD = 0.3


def stored_rows(uow: UnitOfWork) -> dict[str, int]:
    """One row of each kind that has ``get_for_update``, by repository name."""
    user = add_user(uow)
    event = add_event(uow)
    slot = add_slot(uow, event.id or 0)
    rows = {
        "users": user.id,
        "bars": event.bar_ids[0],
        "templates": uow.templates.add(DeliverableTemplate("Poster A3", "A3 PDF")).id,
        "events": event.id,
        "deliverables": slot.id,
        "assets": add_asset(uow, event.id or 0, deliverable_id=slot.id, version=1).id,
        "comments": uow.comments.add(Comment(event.id or 0, user.id or 0, "Hello", T0)).id,
    }
    return {name: key or 0 for name, key in rows.items()}


def test_a_row_read_for_update_is_the_row_get_reads(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        rows = stored_rows(uow)
        uow.commit()
    with make_uow() as uow:
        for name, key in rows.items():
            repository = getattr(uow, name)
            assert repository.get_for_update(key) == repository.get(key) is not None, name
            assert repository.get_for_update(key + 1000) is None, name


def second_waits_for_first(
    make_uow: UnitOfWorkFactory, take: Callable[[UnitOfWork], object], change: Callable[[UnitOfWork], None]
) -> object:
    """The first unit of work takes the lock, holds it for ``HOLD`` seconds, changes something and commits; the
    second, started once the first has the lock, takes it too. What the second read, checked to come after the
    first's commit."""
    locked = threading.Event()
    committed_at: list[float] = []

    def first() -> None:
        with make_uow() as uow:
            take(uow)
            locked.set()
            time.sleep(HOLD)
            change(uow)
            committed_at.append(time.monotonic())
            uow.commit()

    def second() -> tuple[object, float]:
        assert locked.wait(10)
        with make_uow() as uow:
            seen = take(uow)
            return seen, time.monotonic()

    with ThreadPoolExecutor(2) as pool:
        holder, waiter = pool.submit(first), pool.submit(second)
        holder.result(timeout=30)
        seen, read_at = waiter.result(timeout=30)
    assert read_at >= committed_at[0]
    return seen


@pytest.mark.parametrize("name", ["deliverables", "events"])
def test_a_row_read_for_update_makes_another_unit_of_work_wait_then_see_the_change(
    make_uow: UnitOfWorkFactory, name: str
) -> None:
    with make_uow() as uow:
        key = stored_rows(uow)[name]
        uow.commit()

    def rename(uow: UnitOfWork) -> None:
        row = getattr(uow, name).get(key)
        row.name = "Renamed by the first"
        getattr(uow, name).update(row)

    seen = second_waits_for_first(make_uow, lambda uow: getattr(uow, name).get_for_update(key), rename)
    assert seen.name == "Renamed by the first"  # type: ignore[attr-defined]


def test_the_quota_lock_makes_another_unit_of_work_wait_then_see_the_hold(make_uow: UnitOfWorkFactory) -> None:
    def lock_and_total(uow: UnitOfWork) -> int:
        uow.reservations.lock()
        return uow.reservations.total()

    def hold(uow: UnitOfWork) -> None:
        uow.reservations.add(Reservation("upload", 700, T0))

    assert second_waits_for_first(make_uow, lock_and_total, hold) == 700


def test_saving_a_slot_counts_one_more_change_in_its_row_version(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        slot = add_slot(uow, add_event(uow).id or 0)
        assert slot.row_version == 1
        slot.status = Status.REVIEW
        uow.deliverables.update(slot)
        assert slot.row_version == 2
        uow.commit()
    with make_uow() as uow:
        stored = uow.deliverables.get(slot.id or 0)
        assert stored is not None and stored.row_version == 2
        uow.deliverables.update(stored)
        uow.commit()
    with make_uow() as uow:
        assert (uow.deliverables.get(slot.id or 0) or slot).row_version == 3


def test_a_version_number_is_given_once_per_slot(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        event_id = add_event(uow).id or 0
        poster, flyer = add_slot(uow, event_id, "Poster"), add_slot(uow, event_id, "Flyer")
        add_asset(uow, event_id, 0, deliverable_id=poster.id, version=1)
        add_asset(uow, event_id, 1, deliverable_id=flyer.id, version=1)
        add_asset(uow, event_id, 2), add_asset(uow, event_id, 3)  # photos: no slot, no version
        uow.commit()
    with pytest.raises(Conflict, match="already has a version with this number"), make_uow() as uow:
        add_asset(uow, event_id, 4, deliverable_id=poster.id, version=1)
        uow.commit()


# -- clashes the database settles by cancelling a transaction ------------------------------------------


def test_a_deadlock_cancels_one_transaction_as_try_again(sql_factory: SqlUnitOfWorkFactory) -> None:
    """Two units of work lock two slots in opposite orders; the database cancels one, the other goes through."""
    if sql_factory.engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer in at a time: no deadlock (a writer that waits too long is tested below)")
    with sql_factory() as uow:
        event_id = add_event(uow).id or 0
        one, two = add_slot(uow, event_id, "One").id or 0, add_slot(uow, event_id, "Two").id or 0
        uow.commit()
    both_hold_one = threading.Barrier(2, timeout=10)

    def lock(first: int, then: int) -> str:
        try:
            with sql_factory() as uow:
                uow.deliverables.get_for_update(first)
                both_hold_one.wait()
                uow.deliverables.get_for_update(then)
                uow.commit()
        except TryAgain:
            return "cancelled"
        return "committed"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(lambda order: lock(*order), [(one, two), (two, one)]))
    assert outcomes == ["cancelled", "committed"]


def test_a_lock_waited_for_too_long_is_try_again(
    sql_factory: SqlUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite: "database is locked" once the busy timeout ran out; MariaDB: lock wait timeout (1205). PostgreSQL
    waits for a lock as long as it takes."""
    backend = sql_factory.engine.dialect.name
    if backend == "postgresql":
        pytest.skip("PostgreSQL has no lock wait timeout unless one is configured")
    with sql_factory() as uow:
        slot_id = add_slot(uow, add_event(uow).id or 0).id or 0
        uow.commit()
    impatient = impatient_factory(sql_factory, monkeypatch)
    try:
        with sql_factory() as holder:
            holder.deliverables.get_for_update(slot_id)
            with pytest.raises(TryAgain), impatient() as waiter:
                waiter.deliverables.get_for_update(slot_id)
    finally:
        impatient.dispose()


def impatient_factory(factory: SqlUnitOfWorkFactory, monkeypatch: pytest.MonkeyPatch) -> SqlUnitOfWorkFactory:
    """A second factory on the same database whose connections wait at most a second for a lock."""
    monkeypatch.setattr(sql_engine, "SQLITE_BUSY_TIMEOUT", 0.2)
    impatient = SqlUnitOfWorkFactory.from_url(factory.engine.url.render_as_string(hide_password=False), migrate=False)
    if factory.engine.dialect.name != "sqlite":

        @event.listens_for(impatient.engine, "connect")
        def wait_a_second(dbapi_connection: object, _record: object) -> None:
            cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
            cursor.execute("SET SESSION innodb_lock_wait_timeout = 1")
            cursor.close()

    return impatient
