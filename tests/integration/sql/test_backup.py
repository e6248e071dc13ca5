"""``eventflow backup create|verify|restore``: a snapshot taken while files arrive, restored into an empty data folder
and database, every file byte-identical; on SQLite and PostgreSQL, into a folder or a bucket."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.model import StorageTier
from eventflow.entrypoints.cli import cli
from tests.support import samples
from tests.support.backends import SERVER_URL_VARIABLES, server_url, throwaway_database
from tests.support.s3server import S3Server

pytestmark = pytest.mark.slow  # a few seconds each on PostgreSQL: two databases made, migrated, dumped, restored

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param != "sqlite" and server_url(request.param) is None:
        pytest.skip(f"{request.param}: set {SERVER_URL_VARIABLES[request.param]} to run against it")
    return str(request.param)


class Site:
    """A data folder and a database, as eventflow's commands see them through the environment."""

    def __init__(self, folder: Path, database_url: str, **env: str) -> None:
        self.env = {"EVENTFLOW_DATA_DIR": str(folder), "EVENTFLOW_DATABASE_URL": database_url, **env}

    def services(self) -> Services:
        return bootstrap(Settings.from_env(self.env), hasher=Argon2Hasher(fast=True))

    def run(self, *args: str) -> Any:
        return CliRunner().invoke(cli, list(args), env=self.env)


@pytest.fixture
def sites(backend: str, tmp_path: Path) -> Iterator[tuple[Site, Site]]:
    """The site backed up, and an empty one to restore into (same backend)."""
    with throwaway_database(backend, tmp_path) as first, throwaway_database(backend, tmp_path) as second:
        yield Site(tmp_path / "live", first), Site(tmp_path / "restored", second)


def fill(services: Services) -> dict[int, bytes]:
    """A past night with an archived version, a current night with versions and a photo: each file's bytes."""
    admin = services.users.add(None, "ada@bars.fr", "Ada", role="admin", password="correct horse battery")
    bar = services.bars.add(None, "Le Perchoir")
    old = services.events.create(admin, "Oktoberfest", "2020-10-15", [bar.id or 0]).summary.event
    new = services.events.create(admin, "Soirée Disco", "2099-12-12", [bar.id or 0]).summary.event
    files: dict[int, bytes] = {}
    for event, name, data in ((old, "old.pdf", samples.pdf(3)), (new, "clip.mp4", samples.mp4(1.0) + os.urandom(99))):
        slot = services.events.add_slot(admin, event.id or 0, "Sources")
        asset = services.assets.upload_version(admin, slot.id or 0, name, io.BytesIO(data))
        files[asset.id or 0] = data
    photo = services.assets.upload_photo(admin, new.id or 0, "deco", "deco.png", io.BytesIO(samples.png()))
    with services.assets.content(photo.id or 0).open() as f:
        files[photo.id or 0] = f.read()
    services.storage.archive(admin, services.storage.archive_plan())
    assert services.assets.asset(next(iter(files))).location is StorageTier.COLD
    return files


def assert_same_files(services: Services, files: dict[int, bytes]) -> None:
    for asset_id, data in files.items():
        with services.assets.content(asset_id).open() as f:
            assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()
    assert services.storage.check().ok


def test_a_backup_restores_into_an_empty_site_byte_for_byte(sites: tuple[Site, Site], tmp_path: Path) -> None:
    live, empty = sites
    files = fill(live.services())
    dest = str(tmp_path / "backups" / "2026-11-25")

    created = live.run("backup", "create", dest)
    assert created.exit_code == 0, created.output
    assert "Backed up the " in created.stdout and "database (revision " in created.stdout
    verified = live.run("backup", "verify", dest)
    assert verified.exit_code == 0, verified.output
    assert "Verified the " in verified.stdout and f"at {dest}" in verified.stdout

    restored = empty.run("backup", "restore", dest)
    assert restored.exit_code == 0, restored.output
    assert "Restored the " in restored.stdout
    services = empty.services()
    assert_same_files(services, files)
    assert [e.event.name for e in services.events.calendar()] == [
        e.event.name for e in live.services().events.calendar()
    ]
    assert services.users.authenticate("ada@bars.fr", "correct horse battery").is_admin


def test_a_backup_taken_while_files_arrive_is_consistent(sites: tuple[Site, Site], tmp_path: Path) -> None:
    live, empty = sites
    services = live.services()
    fill(services)
    slot = services.events.card(services.events.calendar()[-1].event.id or 0).slots[0].slot
    stop = threading.Event()

    def keep_uploading() -> None:
        while not stop.is_set():
            services.assets.upload_version(None, slot.id or 0, "more.pdf", io.BytesIO(samples.pdf(2) + os.urandom(9)))

    uploader = threading.Thread(target=keep_uploading)
    uploader.start()
    try:
        created = live.run("backup", "create", str(tmp_path / "during"))
    finally:
        stop.set()
        uploader.join()
    assert created.exit_code == 0, created.output

    assert empty.run("backup", "restore", str(tmp_path / "during")).exit_code == 0
    restored = empty.services()
    assert restored.storage.check().ok, "every row of the snapshot has its file, and no file is without a row"


def test_verify_finds_a_damaged_or_missing_file_and_exits_1(sites: tuple[Site, Site], tmp_path: Path) -> None:
    live, _ = sites
    fill(live.services())
    dest = tmp_path / "damaged"
    assert live.run("backup", "create", str(dest)).exit_code == 0
    copies = sorted(p for p in (dest / "files").rglob("*") if p.is_file())
    damaged, lost = copies[0], copies[1]
    damaged.write_bytes(b"X" + damaged.read_bytes()[1:])
    lost.unlink()

    result = live.run("backup", "verify", str(dest))
    assert result.exit_code == 1
    assert f"{damaged.name} does not match its sha256 in the manifest (damaged)" in result.stderr
    assert f"{lost.name} is missing from the backup" in result.stderr
    assert "Error: 2 mismatch(es)" in result.stderr


def test_restore_refuses_a_site_that_is_not_empty(sites: tuple[Site, Site], tmp_path: Path) -> None:
    live, empty = sites
    fill(live.services())
    dest = str(tmp_path / "b")
    assert live.run("backup", "create", dest).exit_code == 0

    into_live = live.run("backup", "restore", dest)
    assert into_live.exit_code == 1 and "is not empty: restore only into an empty one" in into_live.stderr
    empty.services()  # a first start creates the database's tables
    again = empty.run("backup", "restore", dest)
    assert again.exit_code == 1, again.output
    assert "is not empty" in again.stderr
    assert live.run("backup", "create", dest).exit_code == 1, "a backup is never overwritten"


def test_a_backup_in_a_bucket_with_the_cold_store_in_a_bucket(
    sites: tuple[Site, Site], tmp_path: Path, s3_env: S3Server
) -> None:
    cold = {"EVENTFLOW_COLD_URL": s3_env.url(s3_env.new_bucket(), "cold")}
    live, empty = (Site(Path(s.env["EVENTFLOW_DATA_DIR"]), s.env["EVENTFLOW_DATABASE_URL"], **cold) for s in sites)
    files = fill(live.services())
    dest = s3_env.url(s3_env.new_bucket(), "nightly/2026-11-25")

    created = live.run("backup", "create", dest)
    assert created.exit_code == 0, created.output
    assert "1 file(s) found in their bucket" in created.stdout, "the archived file stays in the cold bucket"
    assert live.run("backup", "verify", dest).exit_code == 0
    restored = empty.run("backup", "restore", dest)
    assert restored.exit_code == 0, restored.output
    assert_same_files(empty.services(), files)
