"""Units of work on every backend: the in-memory fake, SQLite, and the configured servers.

Each SQL backend gets one throwaway database per test session, migrated once; every test starts
from empty tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.ports import UnitOfWorkFactory
from tests.support.backends import SQL_BACKENDS, Databases, empty


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    with ExitStack() as stack:
        yield Databases(stack, tmp_path_factory.mktemp("databases"))


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
