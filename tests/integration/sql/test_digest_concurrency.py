"""Two ``eventflow digest`` runs at once (two cron hosts, each its own process) on every SQL backend: each person
gets one digest for the day, and neither run fails (the second waits for the first, then finds its digests
queued)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock

TODAY = dt.date(2026, 11, 25)
PEOPLE = 12
SLOTS = 20


def run_digest(url: str, data_dir: str, start: Barrier, results: Any) -> None:
    """One cron host: its own process, engine and services; the digest starts when the other one's does."""
    try:
        settings = Settings.from_env({"EVENTFLOW_DATA_DIR": data_dir})
        factory = SqlUnitOfWorkFactory.from_url(url)
        services = bootstrap(settings, uow=factory, clock=FixedClock.on(TODAY), hasher=Argon2Hasher(fast=True))
        start.wait(60)
        report = services.digest.run()
        results.put((len(report.queued), len(report.already_done), None))
        factory.dispose()
    except BaseException as error:  # reported by the test
        results.put((0, 0, f"{type(error).__name__}: {error}"))


def test_two_digest_processes_at_once_queue_each_digest_once(sql_factory: SqlUnitOfWorkFactory, tmp_path: Path) -> None:
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path)})
    services = bootstrap(settings, uow=sql_factory, clock=FixedClock.on(TODAY), hasher=Argon2Hasher(fast=True))
    people = [services.users.add(None, f"p{n}@bars.fr", f"Personne {n}", role="admin") for n in range(PEOPLE)]
    bar = services.bars.add(None, "Le Comptoir")
    night = services.events.create(None, "Nuit Disco", TODAY + dt.timedelta(days=9), [bar.id or 0]).summary.event
    for n in range(SLOTS):
        services.events.add_slot(None, night.id or 0, f"Écran {n}", assignee_id=people[n % PEOPLE].id)

    spawn = multiprocessing.get_context("spawn")  # each its own interpreter and connections, like two cron hosts
    start, results = spawn.Barrier(2), spawn.Queue()
    url = sql_factory.engine.url.render_as_string(hide_password=False)
    hosts = [spawn.Process(target=run_digest, args=(url, str(tmp_path), start, results)) for _ in range(2)]
    for host in hosts:
        host.start()
    outcomes = [results.get(timeout=120) for _ in hosts]
    for host in hosts:
        host.join(30)

    assert [error for _, _, error in outcomes] == [None, None]
    assert sorted((queued, done) for queued, done, _ in outcomes) == [(0, PEOPLE), (PEOPLE, 0)]
    with services.uow(read_only=True) as uow:
        digests = [m.recipient for m in uow.outbox.list() if m.kind == "digest"]
    assert sorted(digests) == sorted(p.email for p in people)
