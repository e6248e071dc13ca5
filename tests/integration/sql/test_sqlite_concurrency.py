"""Concurrent writers on one SQLite file: BEGIN IMMEDIATE makes them queue instead of failing or losing updates."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.model import ThemePeriod

THREADS = 6
ROUNDS = 15


def increment(factory: SqlUnitOfWorkFactory, rounds: int) -> None:
    """Read a counter, wait a little (so writers would interleave), write it back plus one."""
    for _ in range(rounds):
        with factory() as uow:
            theme = uow.themes.get_for_month(2026, 12)
            assert theme is not None
            count = int(theme.description)
            time.sleep(0.001)
            theme.description = str(count + 1)
            uow.themes.update(theme)
            uow.commit()


def increment_in_threads(url: str, threads: int, rounds: int) -> None:
    factory = SqlUnitOfWorkFactory.from_url(url, migrate=False)
    try:
        with ThreadPoolExecutor(threads) as pool:
            for outcome in [pool.submit(increment, factory, rounds) for _ in range(threads)]:
                outcome.result()
    finally:
        factory.dispose()


def counter(factory: SqlUnitOfWorkFactory) -> int:
    with factory() as uow:
        theme = uow.themes.get_for_month(2026, 12)
        assert theme is not None
        return int(theme.description)


def test_threads_and_processes_writing_at_once_neither_fail_nor_lose_an_update(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    factory = SqlUnitOfWorkFactory.from_url(url)
    with factory() as uow:
        uow.themes.add(ThemePeriod(2026, 12, "Counter", "0"))
        uow.commit()
    spawn = multiprocessing.get_context("spawn")
    other = spawn.Process(target=increment_in_threads, args=(url, 2, ROUNDS))
    other.start()
    increment_in_threads(url, THREADS, ROUNDS)
    other.join(timeout=60)
    assert other.exitcode == 0
    assert counter(factory) == (THREADS + 2) * ROUNDS
    factory.dispose()


def test_the_database_file_runs_in_wal_mode_with_foreign_keys_enforced(tmp_path: Path) -> None:
    factory = SqlUnitOfWorkFactory.from_url(f"sqlite:///{tmp_path / 'new' / 'folder' / 'eventflow.db'}")
    with factory.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert (tmp_path / "new" / "folder" / "eventflow.db").exists()
    factory.dispose()


def test_readers_see_the_last_commit_while_a_writer_holds_the_lock(tmp_path: Path) -> None:
    factory = SqlUnitOfWorkFactory.from_url(f"sqlite:///{tmp_path / 'readers.db'}")
    with factory() as uow:
        uow.themes.add(ThemePeriod(2026, 12, "Counter", "0"))
        uow.commit()
    with factory() as writer:
        theme = writer.themes.get_for_month(2026, 12)
        assert theme is not None
        theme.description = "1"
        writer.themes.update(theme)
        started = time.monotonic()
        with ThreadPoolExecutor(1) as pool:
            seen = pool.submit(lambda: counter_read_only(factory)).result(timeout=5)
        assert seen == 0 and time.monotonic() - started < 1
        writer.commit()
    assert counter_read_only(factory) == 1
    factory.dispose()


def counter_read_only(factory: SqlUnitOfWorkFactory) -> int:
    with factory(read_only=True) as uow:
        theme = uow.themes.get_for_month(2026, 12)
        assert theme is not None
        return int(theme.description)


def test_a_read_only_unit_of_work_cannot_commit(tmp_path: Path) -> None:
    factory = SqlUnitOfWorkFactory.from_url(f"sqlite:///{tmp_path / 'ro.db'}")
    with factory(read_only=True) as uow, pytest.raises(RuntimeError, match="read-only"):
        uow.commit()
    factory.dispose()
