"""Asset fixtures: services on the memory database but the real disk, a recording notifier, a small quota.

The folders of asset tests (``tests/integration/assets``, ``tests/e2e/assets``) take them in their ``conftest.py``."""

from __future__ import annotations

from pathlib import Path

import pytest

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.notifier import RecordingNotifier
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import Deliverable, Event

MB = 1024 * 1024
#: 2 MiB per file, 4 MiB in all: big enough for the sample files, small enough to fill in a test.
LIMIT_MB = 2
QUOTA_BYTES = 4 * MB


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env(
        {
            "EVENTFLOW_DATA_DIR": str(tmp_path / "data"),
            "EVENTFLOW_MAX_UPLOAD_MB": str(LIMIT_MB),
            "EVENTFLOW_QUOTA_GB": repr(QUOTA_BYTES / 1024**3),
        }
    )


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def services(settings: Settings, clock: FixedClock, notifier: RecordingNotifier) -> Services:
    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True), notifier=notifier)


@pytest.fixture
def slot(services: Services, event: Event) -> Deliverable:
    return services.events.card(event.id or 0).slots[0].slot


def stored_files(root: Path) -> list[Path]:
    """Every file under a store's root, temporary ones included."""
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
