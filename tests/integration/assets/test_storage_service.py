"""Archive, restore, purge, report and drift check, on the real disk (hot and cold folders)."""

from __future__ import annotations

import hashlib
import io

import pytest

from eventflow.adapters.notifier import RecordingNotifier
from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Asset, Event, StorageTier, User
from eventflow.core.services.events import SlotChange
from tests.support import samples


@pytest.fixture
def past_event(services: Services, admin: User, event: Event) -> Event:
    """An event of October (today is 2026-11-25) with two versions of its poster and a photo."""
    card = services.events.create(admin, "Oktoberfest", "2026-10-15", event.bar_ids)
    return card.summary.event


def upload(services: Services, user: User, event: Event, data: bytes, name: str = "poster.pdf") -> Asset:
    slot = services.events.card(event.id or 0).slots[0].slot
    return services.assets.upload_version(user, slot.id or 0, name, io.BytesIO(data))


def location(services: Services, asset: Asset) -> StorageTier:
    return services.assets.asset(asset.id or 0).location


def sha(services: Services, asset: Asset) -> str:
    with services.assets.content(asset.id or 0).open() as f:
        return hashlib.sha256(f.read()).hexdigest()


def test_the_report_shows_usage_the_biggest_events_and_what_archiving_would_free(
    services: Services, admin: User, event: Event, past_event: Event
) -> None:
    old = upload(services, admin, past_event, samples.pdf(2))
    new = upload(services, admin, event, samples.pdf(1) + bytes(50_000))
    report = services.storage.report()
    assert report.used_bytes == old.size + old.preview_size + new.size + new.preview_size
    assert report.percent == round(100 * report.used_bytes / report.quota_bytes, 1)
    assert [u.event.name for u in report.biggest_events] == ["Soirée Disco", "Oktoberfest"]
    assert report.archivable_bytes == old.size
    assert report.disk_free_bytes > 0


def test_archiving_moves_past_events_to_cold_storage_and_they_still_download(
    services: Services, admin: User, event: Event, past_event: Event
) -> None:
    old = upload(services, admin, past_event, samples.pdf(2))
    recent = upload(services, admin, event, samples.pdf(1))
    before = sha(services, old)
    plan = services.storage.archive_plan(older_than_days=30)
    assert [a.id for a in plan.assets] == [old.id] and plan.bytes == old.size
    summary = services.storage.archive(admin, plan)
    assert (summary.files, summary.freed_bytes, summary.problems) == (1, old.size, [])
    assert location(services, old) is StorageTier.COLD and location(services, recent) is StorageTier.HOT
    assert not services.files.hot.exists(old.storage_key) and sha(services, old) == before
    assert services.storage.report().used_bytes == old.preview_size + recent.size + recent.preview_size
    card = services.events.card(past_event.id or 0)
    assert card.summary.event.archived_at is not None
    assert any(a.action == "event.archived" for a in card.activity)
    assert services.storage.archive_plan(older_than_days=30).assets == []


def test_a_dry_run_plan_changes_nothing(services: Services, admin: User, past_event: Event) -> None:
    old = upload(services, admin, past_event, samples.pdf())
    assert services.storage.archive_plan().bytes == old.size
    assert location(services, old) is StorageTier.HOT and services.files.hot.exists(old.storage_key)


def test_a_rerun_after_a_crash_between_commit_and_delete_finishes_the_job(
    services: Services, admin: User, past_event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    assets = [upload(services, admin, past_event, samples.pdf(i)) for i in (1, 2, 3)]
    hashes = [sha(services, a) for a in assets]
    calls = {"n": 0}
    real_delete = services.files.hot.delete

    def crash_on_second(key: str) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt("kill -9")
        real_delete(key)

    monkeypatch.setattr(services.files.hot, "delete", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        services.storage.archive(admin, services.storage.archive_plan())
    monkeypatch.setattr(services.files.hot, "delete", real_delete)
    assert [location(services, a) for a in assets] == [StorageTier.COLD, StorageTier.COLD, StorageTier.HOT]
    summary = services.storage.archive(admin, services.storage.archive_plan())
    assert summary.files == 2 and summary.problems == []
    assert all(location(services, a) is StorageTier.COLD for a in assets)
    assert not any(services.files.hot.exists(a.storage_key) for a in assets)
    assert [sha(services, a) for a in assets] == hashes
    assert services.storage.check().ok


def test_a_copy_that_does_not_match_the_checksum_is_not_committed(
    services: Services, admin: User, past_event: Event
) -> None:
    asset = upload(services, admin, past_event, samples.pdf())
    path = services.files.hot.path(asset.storage_key) or ""
    with open(path, "r+b") as f:
        f.write(b"%PDF-9")  # bit rot on the hot disk
    summary = services.storage.archive(admin, services.storage.archive_plan())
    assert summary.files == 0 and "no longer match the checksum" in str(summary.problems[0])
    assert location(services, asset) is StorageTier.HOT and not services.files.cold.exists(asset.storage_key)


def test_restore_brings_archived_files_back(services: Services, admin: User, past_event: Event) -> None:
    asset = upload(services, admin, past_event, samples.pdf())
    services.storage.archive(admin, services.storage.archive_plan(event_id=past_event.id))
    summary = services.storage.restore(admin, services.storage.restore_plan(past_event.id or 0))
    assert summary.files == 1 and location(services, asset) is StorageTier.HOT
    assert not services.files.cold.exists(asset.storage_key)
    assert services.events.card(past_event.id or 0).summary.event.archived_at is None


def test_archive_with_delete_alerts_admins_first_and_keeps_details_and_previews(
    services: Services, admin: User, past_event: Event, notifier: RecordingNotifier
) -> None:
    asset = upload(services, admin, past_event, samples.pdf())
    services.users.add(None, "eve@bars.fr", "Eve Admin", role="admin", language="en")
    summary = services.storage.archive(admin, services.storage.archive_plan(), delete=True)
    assert summary.freed_bytes == asset.size
    told = {to: m.subject for m in notifier.sent for to in m.to}
    assert told == {  # one e-mail per language, each admin in theirs
        "ada@bars.fr": "eventflow : suppression des fichiers de 1 événement(s) passé(s)",
        "eve@bars.fr": "eventflow: deleting the files of 1 past event(s)",
    }
    stored = services.assets.asset(asset.id or 0)
    assert stored.location is StorageTier.PURGED and stored.preview_key
    with pytest.raises(errors.Conflict, match="purged"):
        services.assets.content(asset.id or 0)
    services.assets.preview(asset.id or 0)[1].close()


def test_purge_frees_superseded_versions_but_never_the_latest_or_the_approved_one(
    services: Services, admin: User, event: Event
) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    v1, v2 = (upload(services, admin, event, samples.pdf(i)) for i in (1, 2))
    services.events.update_slot(admin, slot.id or 0, SlotChange(status="approved"))
    other = services.events.card(event.id or 0).slots[1].slot
    w1, w2 = (services.assets.upload_version(admin, other.id or 0, "cube.mp4", io.BytesIO(samples.mp4())) for _ in "ab")
    plan = services.storage.purge_plan()
    assert [a.id for a in plan.assets] == [v1.id, w1.id]
    summary = services.storage.purge(admin, plan)
    assert summary.freed_bytes == v1.size + w1.size
    assert [location(services, a) for a in (v1, v2, w1, w2)] == [
        StorageTier.PURGED, StorageTier.HOT, StorageTier.PURGED, StorageTier.HOT,
    ]  # fmt: skip
    assert services.storage.purge_plan().assets == []


def test_only_admins_may_archive_restore_or_purge(services: Services, member: User, past_event: Event) -> None:
    with pytest.raises(errors.Forbidden):
        services.storage.archive(member, services.storage.archive_plan())
    with pytest.raises(errors.Forbidden):
        services.storage.purge(member, services.storage.purge_plan())


def test_the_check_reports_missing_files_wrong_sizes_and_orphans(services: Services, admin: User, event: Event) -> None:
    a, b = (upload(services, admin, event, samples.pdf(i)) for i in (1, 2))
    assert services.storage.check().ok
    services.files.hot.delete(a.storage_key)
    with open(services.files.hot.path(b.storage_key) or "", "ab") as f:
        f.write(b"more")
    orphan = services.files.cold.put(io.BytesIO(b"lost"))
    drift = services.storage.check()
    assert not drift.ok and drift.checked == 2
    assert len(drift.missing) == 1 and f"file {a.id}" in str(drift.missing[0])
    assert len(drift.wrong_size) == 1 and f"file {b.id}" in str(drift.wrong_size[0])
    assert drift.orphans == [("cold", orphan.key, 4)]
