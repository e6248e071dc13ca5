"""Units of work on every backend: the in-memory fake, SQLite, and the configured servers.

Each SQL backend gets one throwaway database per test session, migrated once; every test starts
from empty tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import delete

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.sql import SqlUnitOfWorkFactory
from eventflow.adapters.sql.tables import locks, metadata, revision
from eventflow.core.ports import UnitOfWorkFactory
from tests.integration.backends import SERVER_URL_VARIABLES, SQL_BACKENDS, server_url, throwaway_database


class Databases:
    """One migrated throwaway database per SQL backend, made on first use and dropped at the end."""

    def __init__(self, stack: ExitStack, folder: Path) -> None:
        self._stack = stack
        self._folder = folder
        self._factories: dict[str, SqlUnitOfWorkFactory] = {}

    def factory(self, backend: str) -> SqlUnitOfWorkFactory:
        if backend != "sqlite" and server_url(backend) is None:
            pytest.skip(f"{backend}: set {SERVER_URL_VARIABLES[backend]} to run against it")
        if backend not in self._factories:
            url = self._stack.enter_context(throwaway_database(backend, self._folder))
            factory = SqlUnitOfWorkFactory.from_url(url)
            self._stack.callback(factory.dispose)
            self._factories[backend] = factory
        return self._factories[backend]


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    with ExitStack() as stack:
        yield Databases(stack, tmp_path_factory.mktemp("databases"))


def empty(factory: SqlUnitOfWorkFactory) -> SqlUnitOfWorkFactory:
    """Delete every row the application wrote; the rows migrations seed (named locks, the revision) stay."""
    with factory.engine.begin() as connection:
        for table in reversed(metadata.sorted_tables):
            if table not in (locks, revision):
                connection.execute(delete(table))
    return factory


@pytest.fixture(params=SQL_BACKENDS)
def sql_factory(request: pytest.FixtureRequest, databases: Databases) -> SqlUnitOfWorkFactory:
    """A unit-of-work factory on an empty database of each SQL backend."""
    return empty(databases.factory(request.param))


@pytest.fixture(params=("memory", *SQL_BACKENDS))
def make_uow(request: pytest.FixtureRequest, databases: Databases) -> UnitOfWorkFactory:
    """A unit-of-work factory on an empty store of every backend, the in-memory fake included."""
    if request.param == "memory":
        return memory_uow_factory()
    return empty(databases.factory(request.param))
