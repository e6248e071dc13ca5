"""Fixtures shared by every test: settings in a temporary folder, a fixed clock, services on fakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path / "data")})


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(TODAY)


@pytest.fixture
def services(settings: Settings, clock: FixedClock) -> Services:
    """Services on in-memory fakes: fast, for the core's behaviour."""
    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))
