"""`eventflow archive` to an S3 bucket killed with SIGKILL mid-way, then run again: nothing lost or doubled."""

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
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import StorageTier
from tests.support.s3server import S3Server

pytestmark = pytest.mark.slow

FILES = 10
SIZE = 9 * 1024 * 1024  # two parts each: the kill lands in a multipart upload as often as between files


def eventflow(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from eventflow.entrypoints.cli import main; main()", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_rerun_after_kill_9_finishes_the_archive_to_the_bucket(
    tmp_path: Path, clock: FixedClock, s3_env: S3Server
) -> None:
    bucket = s3_env.new_bucket()
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_COLD_URL": s3_env.url(bucket, "cold"), **s3_env.env}
    services = bootstrap(Settings.from_env(env), clock=clock, hasher=Argon2Hasher(fast=True))
    bar = services.bars.add(None, "Le Perchoir")
    event = services.events.create(None, "Oktoberfest", "2026-09-01", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Sources")
    assets = [
        services.assets.upload_version(None, slot.id or 0, f"s{i}.zip", io.BytesIO(b"PK\x03\x04" + os.urandom(SIZE)))
        for i in range(FILES)
    ]
    client = s3_env.client()

    first = eventflow(env, "archive")
    deadline = time.monotonic() + 60
    while client.list_objects_v2(Bucket=bucket).get("KeyCount", 0) < 2 and first.poll() is None:
        assert time.monotonic() < deadline, "the archive never started"
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL, "the archive finished before it could be killed"

    second = eventflow(env, "archive")
    output = second.communicate(timeout=120)[0].decode()
    assert second.returncode == 0, output
    assert "Archived:" in output

    for asset in assets:
        stored = services.assets.asset(asset.id or 0)
        assert stored.location is StorageTier.COLD
        assert not services.files.hot.exists(stored.storage_key)
        with services.assets.content(asset.id or 0).open() as f:
            assert hashlib.sha256(f.read()).hexdigest() == asset.sha256
    listed = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    assert sorted(o["Key"] for o in listed) == sorted(f"cold/{a.storage_key}" for a in assets), "one copy each"
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == [], "no parts left behind"
    assert services.storage.check().ok
