"""Fixtures shared by every test: settings in a temporary folder, a fixed clock, services on fakes, an S3 server; the
HTTP fixtures of ``tests/support/web.py`` (the app, clients as an admin and a member) through ``pytest_plugins``.

Helpers live in ``tests/support`` (a package); a folder's ``conftest.py`` picks the fixtures it needs from there."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from tests.support.s3server import S3Server, s3_server

pytest_plugins = ["tests.support.web"]

#: The command line speaks the machine's locale (``LANG=fr_FR.UTF-8`` → French): the tests read its English, whatever
#: the machine; commands they start inherit it.
os.environ["EVENTFLOW_LANGUAGE"] = "en"

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


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """An S3-compatible server over HTTP (moto's, started here) with credentials enforced, for the whole run."""
    pytest.importorskip("moto.server", reason="the S3 tests need moto's server: pip install -e '.[test]'")
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(s3_server())
        except RuntimeError as error:
            pytest.skip(f"the S3 test server could not start: {error}")
        yield server


@pytest.fixture
def s3_env(s3: S3Server, monkeypatch: pytest.MonkeyPatch) -> S3Server:
    """The S3 server, its credentials in this process's environment (where boto3 reads them)."""
    for name, value in s3.env.items():
        monkeypatch.setenv(name, value)
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return s3
