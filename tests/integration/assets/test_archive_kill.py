"""``eventflow archive`` killed with SIGKILL in the middle, then run again: the job finishes, nothing is lost; killed in
the middle of a copy, its temporary file is named by ``storage check`` and removed by ``storage check --repair``."""

from __future__ import annotations

import hashlib
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import Asset, StorageTier

pytestmark = pytest.mark.slow

FILES = 12
SIZE = 8 * 1024 * 1024


def eventflow(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from eventflow.entrypoints.cli import main; main()", *args],
        env={**os.environ, "EVENTFLOW_DATA_DIR": str(data_dir)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def past_files(tmp_path: Path, clock: FixedClock, count: int = FILES) -> tuple[Services, list[Asset]]:
    """``count`` files of a September night, to archive."""
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path)})
    services = bootstrap(settings, clock=clock, hasher=Argon2Hasher(fast=True))
    bar = services.bars.add(None, "Le Perchoir")
    event = services.events.create(None, "Oktoberfest", "2026-09-01", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Sources")
    assets = [
        services.assets.upload_version(None, slot.id or 0, f"s{i}.zip", io.BytesIO(b"PK\x03\x04" + os.urandom(SIZE)))
        for i in range(count)
    ]
    return services, assets


def test_a_rerun_after_kill_9_finishes_the_archive(tmp_path: Path, clock: FixedClock) -> None:
    services, assets = past_files(tmp_path, clock)
    settings = services.settings
    digests = {a.id: a.sha256 for a in assets}

    first = eventflow(tmp_path, "archive")
    cold = settings.cold_dir
    deadline = time.monotonic() + 60
    while len([p for p in cold.rglob("*") if p.is_file()]) < 2 and first.poll() is None:
        assert time.monotonic() < deadline, "the archive never started"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the archive finished before it could be killed"

    second = eventflow(tmp_path, "archive")
    output = second.communicate(timeout=120)[0].decode()
    assert second.returncode == 0, output
    assert "Archived:" in output

    for asset in assets:
        stored = services.assets.asset(asset.id or 0)
        assert stored.location is StorageTier.COLD
        assert not services.files.hot.exists(stored.storage_key)
        with services.assets.content(asset.id or 0).open() as f:
            assert hashlib.sha256(f.read()).hexdigest() == digests[asset.id]
    assert services.storage.check().ok


def test_a_kill_9_mid_copy_leaves_a_temporary_file_that_check_names_and_repair_removes(
    tmp_path: Path, clock: FixedClock
) -> None:
    services, assets = past_files(tmp_path, clock, count=4)
    cold = services.settings.cold_dir
    archive = eventflow(tmp_path, "archive")
    deadline = time.monotonic() + 60
    while not list(cold.glob("*/.incoming-*")):
        assert time.monotonic() < deadline and archive.poll() is None, "no copy was ever caught under way"
        time.sleep(0.001)
    archive.send_signal(signal.SIGKILL)
    archive.wait()
    (temp,) = cold.glob("*/.incoming-*")

    check = eventflow(tmp_path, "storage", "check")
    output = check.communicate(timeout=120)[0].decode()
    assert check.returncode == 1, output
    assert f"cold store: {temp.parent.name}/{temp.name}" in output and "(pid " in output

    repair = eventflow(tmp_path, "storage", "check", "--repair")
    output = repair.communicate(timeout=120)[0].decode()
    assert repair.returncode == 0, output
    assert f"Reclaimed cold store: {temp.parent.name}/{temp.name}" in output
    assert list(cold.glob("*/.incoming-*")) == []
    assert services.storage.check().ok
    for asset in assets:
        with services.assets.content(asset.id or 0).open() as f:
            assert hashlib.sha256(f.read()).hexdigest() == asset.sha256
