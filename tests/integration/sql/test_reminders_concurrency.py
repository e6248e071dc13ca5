"""Two reminder runs at once (cron and the web server's worker, or two workers) on every SQL backend: each reminder
is queued once, and neither run fails (the second meets a duplicate key, or MariaDB's deadlock, and runs again)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import psycopg
import pymysql
import pytest
from sqlalchemy.exc import OperationalError

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.repositories import is_clash
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.services.reminders import ReminderReport

TODAY = dt.date(2026, 11, 25)
SLOTS = 30


def test_two_runs_at_once_queue_each_reminder_once(sql_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> None:
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path)})
    services = bootstrap(settings, uow=sql_factory, clock=FixedClock.on(TODAY), hasher=Argon2Hasher(fast=True))
    lea = services.users.add(None, "lea@bars.fr", "Léa")
    bar = services.bars.add(None, "Le Comptoir")
    event_id = services.events.create(None, "Nuit Disco", TODAY + dt.timedelta(days=9), [bar.id or 0]).summary.event.id
    for n in range(SLOTS):
        services.events.add_slot(None, event_id or 0, f"Écran {n}", assignee_id=lea.id)

    start = threading.Barrier(2)
    reports: list[ReminderReport] = []
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            reports.append(services.reminders.run())
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    assert sum(r.queued for r in reports) == SLOTS
    with services.uow(read_only=True) as uow:
        queued = [m for m in uow.outbox.list() if m.kind == "reminders"]
    assert len(queued) == SLOTS and {m.recipient for m in queued} == {"lea@bars.fr"}


@pytest.mark.parametrize(
    ("driver_error", "is_collision"),
    [
        (psycopg.errors.DeadlockDetected("deadlock detected"), True),
        (psycopg.errors.SerializationFailure("could not serialize access"), True),
        (
            pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock; try restarting transaction"),
            True,
        ),
        (pymysql.err.OperationalError(2013, "Lost connection to MySQL server during query"), False),
        (psycopg.errors.AdminShutdown("terminating connection"), False),
    ],
)
def test_a_deadlock_is_a_clash_to_run_again_not_a_crash(driver_error: Exception, is_collision: bool) -> None:
    """The database rolled the transaction back: the use case sees TryAgain (``core.replay`` runs it again)."""
    assert is_clash(OperationalError("INSERT", {}, driver_error)) is is_collision
