"""``eventflow archive / restore / purge / storage`` through Click, on the real disk."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner, Result

from eventflow.adapters.notifier import RecordingNotifier
from eventflow.bootstrap import Services
from eventflow.core.model import Asset, Event, StorageTier, User
from eventflow.entrypoints.cli import cli
from tests.support import samples


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=services)


@pytest.fixture
def old_files(services: Services, admin: User, event: Event) -> list[Asset]:
    """Two versions of a poster on an October night (more than 30 days before 2026-11-25)."""
    past = services.events.create(admin, "Oktoberfest", "2026-10-15", event.bar_ids).summary.event
    slot = services.events.card(past.id or 0).slots[0].slot
    return [
        services.assets.upload_version(admin, slot.id or 0, f"poster-v{i}.pdf", io.BytesIO(samples.pdf(i)))
        for i in (1, 2)
    ]


def location(services: Services, asset: Asset) -> StorageTier:
    return services.assets.asset(asset.id or 0).location


def test_archive_dry_run_says_what_would_move_and_moves_nothing(services: Services, old_files: list[Asset]) -> None:
    result = run(services, "archive", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Would archive 2 file(s)" in result.output and "Oktoberfest" in result.output
    assert all(location(services, a) is StorageTier.HOT for a in old_files)


def test_archive_moves_old_events_and_sums_up(services: Services, old_files: list[Asset]) -> None:
    result = run(services, "archive", "--older-than-days", "30")
    assert result.exit_code == 0, result.output
    assert "Archived: 2 file(s) of 1 event(s) moved to cold storage" in result.output
    assert all(location(services, a) is StorageTier.COLD for a in old_files)
    again = run(services, "archive")
    assert "Would archive 0 file(s)" in again.output


def test_archive_with_a_window_that_excludes_them_does_nothing(services: Services, old_files: list[Asset]) -> None:
    result = run(services, "archive", "--older-than-days", "60")
    assert result.exit_code == 0 and "Would archive 0 file(s)" in result.output


def test_archive_delete_alerts_admins_and_restore_cannot_bring_deleted_files_back(
    services: Services, old_files: list[Asset], notifier: RecordingNotifier
) -> None:
    result = run(services, "archive", "--delete")
    assert result.exit_code == 0 and "Deleted: 2 file(s)" in result.output
    assert notifier.sent and "suppression des fichiers" in notifier.sent[0].subject  # the admin reads French
    assert all(location(services, a) is StorageTier.PURGED for a in old_files)


def test_archive_one_event_then_restore_it(services: Services, old_files: list[Asset]) -> None:
    event_id = str(old_files[0].event_id)
    assert run(services, "archive-event", event_id).exit_code == 0
    assert location(services, old_files[0]) is StorageTier.COLD
    restored = run(services, "restore", event_id)
    assert restored.exit_code == 0 and "Restored: 2 file(s)" in restored.output
    assert all(location(services, a) is StorageTier.HOT for a in old_files)


def test_purge_frees_the_superseded_version(services: Services, old_files: list[Asset]) -> None:
    dry = run(services, "purge", "--dry-run")
    assert "Would purge 1 file(s)" in dry.output
    result = run(services, "purge")
    assert result.exit_code == 0 and "Purged: 1 file(s)" in result.output
    assert [location(services, a) for a in old_files] == [StorageTier.PURGED, StorageTier.HOT]


def test_storage_shows_usage_biggest_events_and_archivable(services: Services, old_files: list[Asset]) -> None:
    result = run(services, "storage")
    assert result.exit_code == 0, result.output
    assert "of 4 MB" in result.output and "Oktoberfest" in result.output
    assert "Archivable: " in result.output and "Free disk:" in result.output
    as_json = run(services, "storage", "--json")
    assert '"used_bytes"' in as_json.output


def test_storage_check_reports_drift_with_exit_code_1(services: Services, old_files: list[Asset]) -> None:
    assert run(services, "storage", "check").exit_code == 0
    services.files.hot.delete(old_files[0].storage_key)
    result = run(services, "storage", "check")
    assert result.exit_code == 1 and "is missing from the hot store" in result.output


def test_unknown_event_is_a_clear_error(services: Services) -> None:
    result = run(services, "restore", "999")
    assert result.exit_code == 1 and "event 999 does not exist" in result.output
