"""Archive, restore, purge, downloads and the drift check with the cold store (or the hot one) in an S3 bucket.

The bucket lives on an S3-compatible server over HTTP (moto's, started by the tests); the database is the
in-memory fake, the hot folder the real disk.
"""

from __future__ import annotations

import hashlib
import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import Asset, Deliverable, Event, StorageTier, User
from eventflow.entrypoints.cli import cli
from tests.support import samples
from tests.support.assets import LIMIT_MB, MB, QUOTA_BYTES
from tests.support.http import multipart
from tests.support.s3server import S3Server, s3_server
from tests.support.web import Api


def objects(server: S3Server, bucket: str) -> dict[str, int]:
    """Every object of the bucket and its size."""
    listed = server.client().list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: o["Size"] for o in listed}


@pytest.fixture
def bucket(s3_env: S3Server) -> str:
    return s3_env.new_bucket()


@pytest.fixture
def settings(tmp_path: Path, s3_env: S3Server, bucket: str) -> Settings:
    return Settings.from_env(
        {
            "EVENTFLOW_DATA_DIR": str(tmp_path / "data"),
            "EVENTFLOW_MAX_UPLOAD_MB": str(LIMIT_MB),
            "EVENTFLOW_QUOTA_GB": repr(QUOTA_BYTES / 1024**3),
            "EVENTFLOW_COLD_URL": s3_env.url(bucket, "cold"),
        }
    )


@pytest.fixture
def past_event(services: Services, admin: User, event: Event) -> Event:
    return services.events.create(admin, "Oktoberfest", "2026-10-15", event.bar_ids).summary.event


def upload(services: Services, user: User, event: Event, data: bytes, name: str = "clip.mp4") -> Asset:
    slot = services.events.card(event.id or 0).slots[0].slot
    return services.assets.upload_version(user, slot.id or 0, name, io.BytesIO(data))


VIDEO = samples.mp4(2.0) + os.urandom(MB)  # a video with a tail, a bit over 1 MiB: two windows of ranged reads


def test_an_archived_video_plays_from_the_bucket_with_seeking(
    services: Services, admin: User, past_event: Event, as_member: Api, s3_env: S3Server, bucket: str
) -> None:
    video = upload(services, admin, past_event, VIDEO)
    summary = services.storage.archive(admin, services.storage.archive_plan())
    assert (summary.files, summary.problems) == (1, [])
    assert objects(s3_env, bucket) == {f"cold/{video.storage_key}": len(VIDEO)}
    assert not services.files.hot.exists(video.storage_key)

    url = f"/api/assets/{video.id}/content"
    whole = as_member.get(url)
    assert whole.status_code == 200 and whole.content == VIDEO
    assert whole.headers["Content-Type"] == "video/mp4" and whole.headers["Accept-Ranges"] == "bytes"
    assert whole.headers["Content-Disposition"].startswith("inline;")
    for header, start, end in (("bytes=1000-1999", 1000, 1999), ("bytes=-100", len(VIDEO) - 100, len(VIDEO) - 1)):
        part = as_member.get(url, headers={"Range": header})
        assert part.status_code == 206, part.text
        assert part.headers["Content-Range"] == f"bytes {start}-{end}/{len(VIDEO)}"
        assert part.content == VIDEO[start : end + 1]
    assert as_member.get(url, headers={"Range": f"bytes={len(VIDEO)}-"}).status_code == 416
    assert as_member.head(url).headers["Content-Length"] == str(len(VIDEO))


def test_restore_brings_the_files_back_and_empties_the_bucket(
    services: Services, admin: User, past_event: Event, s3_env: S3Server, bucket: str
) -> None:
    video = upload(services, admin, past_event, VIDEO)
    services.storage.archive(admin, services.storage.archive_plan())
    summary = services.storage.restore(admin, services.storage.restore_plan(past_event.id or 0))
    assert (summary.files, summary.moved_bytes, summary.problems) == (1, len(VIDEO), [])
    assert services.assets.asset(video.id or 0).location is StorageTier.HOT
    with services.assets.content(video.id or 0).open() as f:
        assert f.read() == VIDEO
    assert objects(s3_env, bucket) == {}


def test_purge_deletes_superseded_versions_from_the_bucket_too(
    services: Services, admin: User, past_event: Event, s3_env: S3Server, bucket: str
) -> None:
    old, new = upload(services, admin, past_event, VIDEO), upload(services, admin, past_event, VIDEO + b"!")
    services.storage.archive(admin, services.storage.archive_plan())
    summary = services.storage.purge(admin, services.storage.purge_plan())
    assert (summary.files, summary.problems) == (1, [])
    assert services.assets.asset(old.id or 0).location is StorageTier.PURGED
    assert objects(s3_env, bucket) == {f"cold/{new.storage_key}": new.size}


def test_storage_check_compares_the_database_with_the_folder_and_the_bucket(
    services: Services, admin: User, past_event: Event, s3_env: S3Server, bucket: str
) -> None:
    kept, lost = upload(services, admin, past_event, VIDEO), upload(services, admin, past_event, samples.pdf(), "a.pdf")
    services.storage.archive(admin, services.storage.archive_plan())
    assert services.storage.check().ok
    client = s3_env.client()
    client.delete_object(Bucket=bucket, Key=f"cold/{lost.storage_key}")
    stray = "ab/" + "c" * 32
    client.put_object(Bucket=bucket, Key=f"cold/{stray}", Body=b"nobody's")
    drift = services.storage.check()
    missing = f"file {lost.id} ('a.pdf') is missing from the cold store ({lost.storage_key})"
    assert [str(line) for line in drift.missing] == [missing]
    assert drift.orphans == [("cold", stray, 8)]
    assert kept.storage_key not in str(drift)


def test_an_unfinished_upload_of_a_file_is_aborted_when_the_file_is_written_again(
    services: Services, s3_env: S3Server, bucket: str
) -> None:
    """What a ``kill -9`` mid-copy leaves behind (an upload begun, never finished) is cleared by the rerun's copy."""
    client, key = s3_env.client(), "cd/" + "e" * 32
    left = client.create_multipart_upload(Bucket=bucket, Key=f"cold/{key}")["UploadId"]
    client.upload_part(Bucket=bucket, Key=f"cold/{key}", UploadId=left, PartNumber=1, Body=os.urandom(5 * MB))
    leftovers = [f.name for f in services.files.cold.leased_files()]  # moto dates every upload 2010: all are old
    assert leftovers == [f"cold/{key}#upload={left}"]
    data = os.urandom(9 * MB)
    blob = services.files.cold.put(io.BytesIO(data), key=key)
    assert blob.sha256 == hashlib.sha256(data).hexdigest()
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert objects(s3_env, bucket) == {f"cold/{key}": len(data)}
    assert list(services.files.cold.leased_files()) == []


def test_the_archive_command_shows_progress_and_what_it_moved(
    services: Services, admin: User, past_event: Event, s3_env: S3Server, bucket: str
) -> None:
    for i in range(3):
        upload(services, admin, past_event, samples.pdf() + bytes([i]), f"{i}.pdf")
    result = CliRunner().invoke(cli, ["archive"], obj=services)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Archiving")  # the progress bar (drawn only on a terminal)
    assert "Archived: 3 file(s) of 1 event(s) moved to cold storage" in result.output
    assert len(objects(s3_env, bucket)) == 3


# -- a server that dies --------------------------------------------------------------------------------------------
@pytest.fixture
def dying_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[S3Server]:
    """A server of this test's own, which the test stops."""
    with s3_server() as server:
        for name, value in server.env.items():
            monkeypatch.setenv(name, value)
        yield server


def test_a_server_that_dies_mid_archive_is_a_clear_error_and_nothing_is_deleted(
    dying_server: S3Server, tmp_path: Path, clock: FixedClock, admin_email: str = "ada@bars.fr"
) -> None:
    bucket = dying_server.new_bucket()
    settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_COLD_URL": dying_server.url(bucket, "cold")}
    )
    services = bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))
    admin = services.users.add(None, admin_email, "Ada", role="admin", password="correct horse battery")
    bar = services.bars.add(None, "Le Perchoir")
    event = services.events.create(admin, "Oktoberfest", "2026-10-15", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Sources")
    files = [b"PK\x03\x04" + os.urandom(12 * MB) for _ in range(6)]
    assets = [upload_to(services, admin, slot, f"s{i}.zip", data) for i, data in enumerate(files)]

    stopper = threading.Thread(target=stop_after_first_object, args=(dying_server, bucket))
    stopper.start()
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["archive"], obj=services)
    stopper.join()

    assert result.exit_code == 1, result.output
    assert time.monotonic() - started < 30, "a dead server is noticed within seconds"
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f"Error: the cold store (s3://{bucket}/cold/) is unavailable (")
    assert error.endswith("nothing was changed, try again once it is back")
    for asset, data in zip(assets, files, strict=True):
        stored = services.assets.asset(asset.id or 0)
        if stored.location is StorageTier.HOT:  # not committed to the bucket: still whole on the hot disk
            with services.files.hot.open(stored.storage_key) as f:
                assert hashlib.sha256(f.read()).digest() == hashlib.sha256(data).digest()
    assert sum(services.assets.asset(a.id or 0).location is StorageTier.HOT for a in assets) >= 4


def test_an_archived_file_whose_bucket_is_gone_is_a_503_not_a_crash(
    dying_server: S3Server, tmp_path: Path, clock: FixedClock
) -> None:
    import falcon.testing

    from eventflow.entrypoints.web.app import create_app

    settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_COLD_URL": dying_server.url(dying_server.new_bucket())}
    )
    services = bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))
    admin = services.users.add(
        None, "ada@bars.fr", "Ada", role="admin", password="correct horse battery", language="en"
    )
    bar = services.bars.add(None, "Le Perchoir")
    event = services.events.create(admin, "Oktoberfest", "2026-10-15", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Clip")
    video = upload_to(services, admin, slot, "clip.mp4", VIDEO)
    services.storage.archive(admin, services.storage.archive_plan())
    dying_server.stop()

    api = Api(falcon.testing.TestClient(create_app(services)), {"Authorization": f"Bearer {token(services)}"})
    answer = api.get(f"/api/assets/{video.id}/content", headers={"Range": "bytes=0-99"})
    assert answer.status_code == 503, answer.text
    assert answer.json["title"] == "Storage unavailable" and "the cold store (s3://" in answer.json["description"]
    assert answer.headers["Retry-After"] == "30"


def upload_to(services: Services, admin: User, slot: Deliverable, name: str, data: bytes) -> Asset:
    return services.assets.upload_version(admin, slot.id or 0, name, io.BytesIO(data))


def stop_after_first_object(server: S3Server, bucket: str, timeout: float = 30) -> None:
    """Kill the server as soon as the first file has landed in the bucket (mid-way through the second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not objects(server, bucket):
        time.sleep(0.01)
    server.stop()


# -- the hot store in a bucket ---------------------------------------------------------------------------------
@pytest.fixture
def hot_in_bucket(tmp_path: Path, s3_env: S3Server, clock: FixedClock, bucket: str) -> Services:
    settings = Settings.from_env(
        {
            "EVENTFLOW_DATA_DIR": str(tmp_path / "hot-data"),
            "EVENTFLOW_MAX_UPLOAD_MB": str(LIMIT_MB),
            "EVENTFLOW_QUOTA_GB": repr(QUOTA_BYTES / 1024**3),
            "EVENTFLOW_HOT_URL": s3_env.url(bucket, "hot"),
            "EVENTFLOW_COLD_URL": s3_env.url(bucket, "cold"),
        }
    )
    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))


def test_with_the_hot_store_in_a_bucket_uploads_stream_there_under_the_quota(
    hot_in_bucket: Services, s3_env: S3Server, bucket: str
) -> None:
    import falcon.testing

    from eventflow.entrypoints.web.app import create_app

    services = hot_in_bucket
    admin = services.users.add(None, "ada@bars.fr", "Ada", role="admin", password="correct horse battery")
    api = Api(falcon.testing.TestClient(create_app(services)), {"Authorization": f"Bearer {token(services)}"})
    bar = services.bars.add(None, "Le Perchoir")
    event = services.events.create(admin, "Oktoberfest", "2026-10-15", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Clip")

    body, content_type = multipart([("file", ("clip.mp4", VIDEO))])
    created = api.post(f"/api/deliverables/{slot.id}/versions", body=body, headers={"Content-Type": content_type})
    assert created.status_code == 201, created.text
    asset = services.assets.asset(created.json["asset_id"])
    assert asset.preview_key, "the preview was made from the bucket's bytes"
    assert set(objects(s3_env, bucket)) == {f"hot/{asset.storage_key}", f"hot/{asset.preview_key}"}
    part = api.get(f"/api/assets/{asset.id}/content", headers={"Range": "bytes=10-19"})
    assert (part.status_code, part.content) == (206, VIDEO[10:20])

    photo, content_type = multipart([("category", "deco"), ("file", ("deco.jpg", samples.photo_jpeg()))])
    assert api.post(f"/api/events/{event.id}/photos", body=photo, headers={"Content-Type": content_type}).status == (
        "201 Created"
    )

    big, content_type = multipart([("file", ("big.zip", b"PK\x03\x04" + os.urandom(LIMIT_MB * MB - 200_000)))])
    refused: Any = None
    for _ in range(3):  # 4 MiB of quota: the third file of almost 2 MiB cannot fit
        refused = api.post(f"/api/deliverables/{slot.id}/versions", body=big, headers={"Content-Type": content_type})
    assert refused.status_code == 507, refused.text
    assert services.storage.check().ok, "nothing of the refused file stayed in the bucket"

    services.storage.archive(None, services.storage.archive_plan(event_id=event.id))
    assert all(k.startswith(("cold/", "hot/")) for k in objects(s3_env, bucket))
    assert api.get(f"/api/assets/{asset.id}/content").content == VIDEO


def token(services: Services) -> str:
    return services.users.create_token(None, "ada@bars.fr")
