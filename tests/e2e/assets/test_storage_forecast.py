"""The storage forecast in ``GET /api/storage``: when the quota is full at the pace of the last 90 days of uploads,
and what the next cron archive would free."""

from __future__ import annotations

import datetime as dt
import io

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.model import Event, User
from tests.support import samples
from tests.support.assets import QUOTA_BYTES
from tests.support.web import Api


def upload(services: Services, user: User, event_id: int, data: bytes) -> int:
    slot = services.events.card(event_id).slots[0].slot
    asset = services.assets.upload_version(user, slot.id or 0, "poster.pdf", io.BytesIO(data))
    return asset.size + asset.preview_size


def test_the_quota_is_full_when_the_pace_of_the_last_90_days_says_so(
    services: Services, as_member: Api, admin: User, event: Event, clock: FixedClock
) -> None:
    assert as_member.get("/api/storage").json["full_on"] is None  # nothing uploaded: not growing
    clock.advance(days=-9)
    first = upload(services, admin, event.id or 0, samples.pdf(1) + bytes(200_000))
    clock.advance(days=9)
    second = upload(services, admin, event.id or 0, samples.pdf(2) + bytes(200_000))

    storage = as_member.get("/api/storage").json

    pace = (first + second) / 10  # bytes a day since the first upload, ten days ago
    days_left = -(-(QUOTA_BYTES - storage["used_bytes"]) // pace)  # rounded up
    assert storage["full_on"] == (dt.date(2026, 11, 25) + dt.timedelta(days=days_left)).isoformat()


def test_old_uploads_do_not_make_usage_grow(
    services: Services, as_member: Api, admin: User, event: Event, clock: FixedClock
) -> None:
    clock.advance(days=-91)
    upload(services, admin, event.id or 0, samples.pdf(1))
    clock.advance(days=91)
    assert as_member.get("/api/storage").json["full_on"] is None


def test_what_the_next_cron_archive_would_free(services: Services, as_member: Api, admin: User, event: Event) -> None:
    october = services.events.create(admin, "Oktoberfest", "2026-10-15", event.bar_ids).summary.event
    upload(services, admin, october.id or 0, samples.pdf(2))
    upload(services, admin, event.id or 0, samples.pdf(1))

    storage = as_member.get("/api/storage").json

    assert storage["archive_would_free_bytes"] == services.storage.archive_plan().bytes > 0
