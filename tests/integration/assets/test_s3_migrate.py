"""``eventflow storage migrate --to URL``: a store's files copied to a bucket, checked, resumable; then the app runs
on the bucket with every file intact."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap, store_at
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.model import Asset, Event, User
from eventflow.core.ports import BlobStore, ByteSource
from eventflow.entrypoints.cli import cli
from tests.support import samples
from tests.support.s3server import S3Server


@pytest.fixture
def stored(services: Services, admin: User, event: Event) -> list[Asset]:
    """Two versions and a photo (with their previews) in the hot folder."""
    slot = services.events.card(event.id or 0).slots[0].slot
    versions = [
        services.assets.upload_version(admin, slot.id or 0, f"v{i}.pdf", io.BytesIO(samples.pdf(i))) for i in (1, 2)
    ]
    photo = services.assets.upload_photo(admin, event.id or 0, "deco", "deco.png", io.BytesIO(samples.png()))
    return [*versions, photo]


def content(services: Services, asset: Asset) -> bytes:
    with services.assets.content(asset.id or 0).open() as f:
        return f.read()


def test_the_hot_files_move_to_a_bucket_and_the_app_runs_on_it(
    services: Services, stored: list[Asset], s3_env: S3Server, tmp_path: Path, clock: FixedClock
) -> None:
    target = s3_env.url(s3_env.new_bucket(), "hot")
    expected = {a.id: content(services, a) for a in stored}

    first = CliRunner().invoke(cli, ["storage", "migrate", "--to", target], obj=services)
    assert first.exit_code == 0, first.output
    assert "Copied 6 file(s)" in first.stdout and "0 already there. Nothing was deleted." in first.stdout
    assert f"set EVENTFLOW_HOT_URL='{target}'" in first.stdout
    again = CliRunner().invoke(cli, ["storage", "migrate", "--to", target], obj=services)
    assert "Copied 0 file(s), 0 bytes, of the hot store" in again.stdout and "6 already there" in again.stdout

    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path / "elsewhere"), "EVENTFLOW_HOT_URL": target})
    on_bucket = bootstrap(settings, uow=services.database, clock=clock, hasher=Argon2Hasher(fast=True))
    assert {a.id: content(on_bucket, a) for a in stored} == expected
    assert on_bucket.storage.check().ok
    assert on_bucket.assets.preview(stored[2].id or 0)[1].read(4) == b"RIFF"


class FailsAfter:
    """A target that stops answering after some files, as a server that goes away mid-migration."""

    def __init__(self, store: BlobStore, files: int) -> None:
        self.store = store
        self.left = files

    def put(self, stream: ByteSource, limit: int | None = None, key: str | None = None) -> object:
        if self.left == 0:
            raise errors.StoreUnavailable("hot store (s3://…)", "connection refused")
        self.left -= 1
        return self.store.put(stream, limit, key)

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)


def test_a_migration_cut_short_is_finished_by_running_it_again(
    services: Services, stored: list[Asset], s3_env: S3Server
) -> None:
    target = store_at(s3_env.url(s3_env.new_bucket(), "hot"), "hot", "--to")
    with pytest.raises(errors.StoreUnavailable):
        services.migration.migrate("hot", FailsAfter(target, 4))  # type: ignore[arg-type]
    assert len(list(target.list_keys())) == 4

    result = services.migration.migrate("hot", target)
    assert (result.copied, result.already_there, result.problems) == (2, 4, [])
    assert sorted(target.list_keys()) == sorted(services.files.hot.list_keys())


def test_migrating_onto_the_store_itself_is_refused(services: Services, stored: list[Asset]) -> None:
    result = CliRunner().invoke(cli, ["storage", "migrate", "--to", str(services.settings.files_dir)], obj=services)
    assert result.exit_code == 1
    assert "Error: --to names the hot store itself" in result.stderr


def test_a_cold_folder_moves_to_a_bucket_too(
    services: Services, admin: User, event: Event, stored: list[Asset], s3_env: S3Server
) -> None:
    services.storage.archive(admin, services.storage.archive_plan(event_id=event.id))
    target = s3_env.url(s3_env.new_bucket(), "cold")
    result = CliRunner().invoke(cli, ["storage", "migrate", "--store", "cold", "--to", target], obj=services)
    assert result.exit_code == 0, result.output
    assert "Copied 3 file(s)" in result.stdout and "set EVENTFLOW_COLD_URL=" in result.stdout
