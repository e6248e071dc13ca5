"""The asset flows on every SQL backend (SQLite always; PostgreSQL/MariaDB when their test URLs are set)."""

from __future__ import annotations

import io
import threading

import pytest

from eventflow.adapters.notifier import RecordingNotifier
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.model import StorageTier, User
from tests.support import samples
from tests.support.assets import QUOTA_BYTES
from tests.support.backends import SQL_BACKENDS, Databases, empty


@pytest.fixture(params=SQL_BACKENDS)
def services(
    request: pytest.FixtureRequest,
    databases: Databases,
    settings: Settings,
    clock: FixedClock,
    notifier: RecordingNotifier,
) -> Services:
    uow = empty(databases.factory(request.param))
    return bootstrap(settings, uow=uow, clock=clock, hasher=Argon2Hasher(fast=True), notifier=notifier)


def test_versions_photos_previews_and_archive_round_trip(services: Services, admin: User) -> None:
    card = services.events.create(admin, "Oktoberfest", "2026-10-15", [services.bars.add(None, "Bar").id or 0])
    event_id = card.summary.event.id or 0
    slot = services.events.add_slot(admin, event_id, "Cube")
    video = services.assets.upload_version(admin, slot.id or 0, "cube.mp4", io.BytesIO(samples.mp4()))
    photo = services.assets.upload_photo(admin, event_id, "deco", "a.heic", io.BytesIO(samples.heic()))
    stored = services.assets.asset(video.id or 0)
    assert stored.media_info["codec"] == "h264" and stored.preview_key
    assert services.events.card(event_id).photos[0].id == photo.id
    services.storage.archive(admin, services.storage.archive_plan())
    assert services.assets.asset(video.id or 0).location is StorageTier.COLD
    assert services.assets.asset(photo.id or 0).location is StorageTier.COLD
    assert services.storage.report().used_bytes == stored.preview_size + photo.preview_size
    assert services.storage.check().ok


def test_simultaneous_holds_never_overshoot_the_quota(services: Services) -> None:
    """Threads asking for 40% of the quota at the same instant: at most two holds may be granted at once."""
    granted: list[int] = []
    refused: list[errors.QuotaExceeded] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        try:
            granted.append(services.assets.quota.reserve(int(0.4 * QUOTA_BYTES)))
        except errors.QuotaExceeded as exc:
            refused.append(exc)

    for _ in range(5):
        threads = [threading.Thread(target=ask) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert len(granted) == 2 and len(refused) == 2
        for hold in granted:
            services.assets.quota.release(hold)
        granted.clear()
        refused.clear()
