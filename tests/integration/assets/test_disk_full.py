"""A full disk is a 507 with a clear message, nothing partial anywhere, and reads still served.

Every test writes to a real, small tmpfs mounted for it (the hot store, the cold store, tus data, then the whole
data folder of a gunicorn server on SQLite); they are skipped, saying why, where mounting is not allowed.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import io
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import falcon.testing
import psycopg.errors
import pymysql.err
import pytest
import requests
from sqlalchemy.exc import OperationalError

from eventflow.adapters.sql.repositories import database_full
from eventflow.bootstrap import Services
from eventflow.config import Settings
from eventflow.core.model import Deliverable, Event, StorageTier, User
from tests.support import samples
from tests.support.assets import LIMIT_MB, QUOTA_BYTES
from tests.support.http import multipart
from tests.support.live import LiveServer, live_server
from tests.support.web import Api, add_member

KB, MB = 1024, 1024 * 1024
PAGE = 4096
FULL = "storage full: the disk holding the"


@pytest.fixture
def member(services: Services) -> User:
    """A member who reads English: the messages checked here are the English ones."""
    return add_member(services, "en")


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted on ``folder`` for the duration (root only: skipped otherwise)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a {size} tmpfs to fill (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def free_bytes(folder: Path) -> int:
    stats = os.statvfs(folder)
    return stats.f_bavail * stats.f_frsize


@contextlib.contextmanager
def ballast(folder: Path, leave: int = 0) -> Iterator[None]:
    """Fill the disk holding ``folder`` until only ``leave`` bytes (whole pages) are free."""
    path = folder / "ballast"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    try:
        while (room := free_bytes(folder) - leave) > 0:
            try:
                os.write(fd, bytes(min(room, MB)))
            except OSError as error:
                assert error.errno == errno.ENOSPC
                break
    finally:
        os.close(fd)
    try:
        yield
    finally:
        path.unlink()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def post_file(api: Api, path: str, parts: list[tuple[str, Any]]) -> falcon.testing.Result:
    body, content_type = multipart(parts)
    return api.post(path, body=body, headers={"Content-Type": content_type})


# -- the app in-process, its data folder (hot store, tus data) or its cold store on a tmpfs ------------------------
@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "disk", "1m") as mounted:
        yield mounted


@pytest.fixture
def cold_on_disk() -> bool:
    return False


@pytest.fixture
def settings(disk: Path, tmp_path: Path, cold_on_disk: bool) -> Settings:
    """The data folder on the 1 MB disk; or (``cold_on_disk``) only the cold store."""
    return Settings.from_env(
        {
            "EVENTFLOW_DATA_DIR": str(tmp_path / "data" if cold_on_disk else disk),
            "EVENTFLOW_COLD_DIR": str(disk / "cold" if cold_on_disk else tmp_path / "cold"),
            "EVENTFLOW_MAX_UPLOAD_MB": str(LIMIT_MB),
            "EVENTFLOW_QUOTA_GB": repr(QUOTA_BYTES / 1024**3),
        }
    )


UPLOADS = {
    "version": lambda slot, event: (f"/api/deliverables/{slot.id}/versions", "poster.pdf", samples.pdf()),
    "photo": lambda slot, event: (f"/api/events/{event.id}/photos", "deco.jpg", samples.photo_jpeg()),
}


@pytest.mark.parametrize("route", UPLOADS)
def test_a_file_larger_than_the_free_space_is_a_507_and_leaves_nothing(
    as_member: Api, services: Services, slot: Deliverable, event: Event, disk: Path, route: str
) -> None:
    path, name, data = UPLOADS[route](slot, event)
    resp = post_file(as_member, path, [("category", "deco"), ("file", (name, data + os.urandom(3 * MB // 2)))])
    assert resp.status_code == 507 and resp.json["title"] == "Storage full"
    description = resp.json["description"]
    assert description.startswith(f"{FULL} hot store") and description.endswith("archive or purge old events")
    card = as_member.get(f"/api/events/{event.id}")
    assert card.status_code == 200  # reads are still served
    assert card.json["photos"] == [] and all(d["versions"] == [] for d in card.json["deliverables"])
    assert services.storage.report().reserved_bytes == 0
    assert files_under(disk / "files") == []  # no temporary file, no blob without its row


def test_a_preview_that_does_not_fit_leaves_the_version_stored_without_one(
    as_member: Api, services: Services, slot: Deliverable, disk: Path
) -> None:
    poster = samples.pdf(3)
    with ballast(disk, leave=-(-len(poster) // PAGE) * PAGE):  # room for the file, not for its preview
        resp = post_file(as_member, f"/api/deliverables/{slot.id}/versions", [("file", ("poster.pdf", poster))])
        assert resp.status_code == 201, resp.text
        assert resp.json["preview"] == "unavailable" and resp.json["media"]["preview_error"].startswith(FULL)
        download = as_member.get(f"/api/assets/{resp.json['asset_id']}/content")
        assert download.status_code == 200 and download.content == poster
    assert [v.version for v in services.events.card(slot.event_id).slots[0].versions] == [1]
    assert as_member.get(f"/api/assets/{resp.json['asset_id']}/preview").status_code == 404
    assert sorted(p.stat().st_size for p in files_under(disk / "files")) == [len(poster)]  # no half preview
    assert services.storage.report().reserved_bytes == 0


def test_tus_bytes_that_do_not_fit_are_a_507_and_the_upload_stays_at_its_offset(
    as_member: Api, slot: Deliverable, disk: Path
) -> None:
    data = samples.pdf() + os.urandom(3 * MB // 2)
    tus = {"Tus-Resumable": "1.0.0"}
    meta = f"filename {b64('poster.pdf')},deliverable_id {b64(str(slot.id))}"
    created = as_member.post("/api/uploads", headers={**tus, "Upload-Length": str(len(data)), "Upload-Metadata": meta})
    assert created.status_code == 201, created.text
    url = created.headers["Location"]
    headers = {**tus, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
    patch = as_member.patch(url, body=data, headers=headers)
    assert patch.status_code == 507 and patch.json["description"].startswith(FULL)
    head = as_member.head(url, headers=tus)
    assert head.headers["Upload-Offset"] == "0"
    assert [p.stat().st_size for p in files_under(disk / "uploads") if p.name == "data"] == [0]


@pytest.mark.parametrize("cold_on_disk", [True])
def test_archiving_to_a_full_cold_store_reports_the_file_and_keeps_it_hot(
    services: Services, admin: User, event: Event, disk: Path
) -> None:
    past = services.events.create(admin, "Oktoberfest", "2026-10-15", event.bar_ids).summary.event
    slot = services.events.card(past.id or 0).slots[0].slot
    data = samples.pdf() + os.urandom(3 * MB // 2)
    asset = services.assets.upload_version(admin, slot.id or 0, "poster.pdf", io.BytesIO(data))
    summary = services.storage.archive(admin, services.storage.archive_plan(older_than_days=30))
    assert summary.files == 0 and len(summary.problems) == 1 and f"{FULL} cold store" in str(summary.problems[0])
    assert services.assets.asset(asset.id or 0).location is StorageTier.HOT
    with services.assets.content(asset.id or 0).open() as stored:
        assert stored.read() == data
    assert files_under(disk) == []  # no half copy left in the cold store


@pytest.mark.parametrize(
    ("driver_error", "full"),
    [
        (psycopg.errors.DiskFull("could not extend file: No space left on device"), True),
        (
            pymysql.err.OperationalError(1021, "Disk full (/tmp/#sql_1.MAI); waiting for someone to free some space"),
            True,
        ),
        (pymysql.err.OperationalError(1114, "The table 'assets' is full"), True),
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),
        (pymysql.err.OperationalError(1213, "Deadlock found when trying to get lock"), False),
    ],
)
def test_postgresql_and_mariadb_say_disk_full_in_their_own_words(driver_error: Exception, full: bool) -> None:
    """Filling a database server's disk is out of reach here; its error, as its driver raises it, is not."""
    assert database_full(OperationalError("COMMIT", {}, driver_error)) is full


# -- gunicorn on SQLite, its whole data folder on a small tmpfs --------------------------------------------------
@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    with (
        tmpfs(tmp_path_factory.mktemp("small-server"), "8m") as data_dir,
        live_server(data_dir, "sqlite", language="en") as server,
    ):
        yield server, data_dir
        log = (data_dir / "server.log").read_text()
        assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def call(server: LiveServer, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.token}", **kwargs.pop("headers", {})}
    return requests.request(method, f"{server.url}{path}", headers=headers, timeout=30, **kwargs)


def upload(server: LiveServer, slot_id: int, data: bytes) -> requests.Response:
    body, content_type = multipart([("file", ("poster.pdf", data))])
    return call(
        server, "POST", f"/api/deliverables/{slot_id}/versions", data=body, headers={"Content-Type": content_type}
    )


@pytest.mark.slow
def test_a_full_server_disk_answers_507_keeps_nothing_and_still_serves_reads(
    small_server: tuple[LiveServer, Path],
) -> None:
    server, data_dir = small_server
    poster = samples.pdf()
    kept = upload(server, 2, poster)
    assert kept.status_code == 201, kept.text
    too_big = upload(server, 1, samples.pdf() + os.urandom(free_bytes(data_dir) + 256 * KB))
    assert too_big.status_code == 507 and too_big.json()["description"].startswith(f"{FULL} hot store")
    with ballast(data_dir):
        comment = call(server, "POST", "/api/events/1/comments", json={"text": "x" * 4000})
        assert comment.status_code == 507, comment.text
        assert comment.json()["description"].startswith(f"{FULL} database")
        assert upload(server, 1, samples.pdf()).status_code == 507
        card = call(server, "GET", "/api/events/1")
        assert card.status_code == 200
        assert call(server, "GET", f"/api/assets/{kept.json()['asset_id']}/content").content == poster
    slot = next(d for d in card.json()["deliverables"] if d["id"] == 1)
    assert slot["versions"] == [] and slot["status"] == "todo"
    assert [c["text"] for c in card.json()["comments"]] == ["Première idée @max"]  # the refused one left no row
    assert call(server, "GET", "/api/storage").json()["reserved_bytes"] == 0
    assert not [p for p in files_under(data_dir / "files") if p.name.startswith(".incoming-")]
    assert call(server, "POST", "/api/events/1/comments", json={"text": "room again"}).status_code == 201
