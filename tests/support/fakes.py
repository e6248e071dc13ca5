"""Test doubles beyond the ports' in-memory fakes (``eventflow.adapters.memory``): a database that cancels commits.

A module takes the fixtures by name: ``clashing, services = fakes.clashing, fakes.services_on_clashing``."""

from __future__ import annotations

import pytest

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory


class Clashing:
    """A unit-of-work factory whose commits can be cancelled as a database settling a clash would: nothing is
    saved and ``TryAgain`` is raised."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self._factory = factory
        self._passing = 0
        self._clashes = 0

    def cancel(self, times: int, after: int = 0) -> None:
        """Let the next ``after`` commits through, then cancel ``times`` of them."""
        self._passing, self._clashes = after, times

    def commit(self, unit: UnitOfWork) -> None:
        if self._passing:
            self._passing -= 1
        elif self._clashes:
            self._clashes -= 1
            raise errors.TryAgain("deadlock (a test's)")
        unit.commit()

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        unit = self._factory(read_only)
        return unit if read_only else _CancelledCommit(unit, self)  # type: ignore[return-value]


class _CancelledCommit:
    def __init__(self, unit: UnitOfWork, clashing: Clashing) -> None:
        self._unit = unit
        self._clashing = clashing

    def __enter__(self) -> _CancelledCommit:
        self._unit.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._unit.__exit__(*exc_info)

    def commit(self) -> None:
        self._clashing.commit(self._unit)

    def __getattr__(self, name: str) -> object:
        return getattr(self._unit, name)


@pytest.fixture
def clashing() -> Clashing:
    return Clashing(memory_uow_factory())


@pytest.fixture
def services_on_clashing(settings: Settings, clock: FixedClock, clashing: Clashing) -> Services:
    return bootstrap(settings, uow=clashing, clock=clock, hasher=Argon2Hasher(fast=True))
