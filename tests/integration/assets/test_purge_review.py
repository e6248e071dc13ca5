"""Purging old versions never frees what review still needs: the current version (a newer upload set aside is the
latest, so it stays too) and the version that was approved."""

from __future__ import annotations

import io

from eventflow.bootstrap import Services
from eventflow.core.model import Asset, Deliverable, StorageTier, User
from eventflow.core.services.events import SlotChange
from tests.support import samples


def send(services: Services, user: User, slot: Deliverable, pages: int) -> Asset:
    return services.assets.upload_version(user, slot.id or 0, "poster.pdf", io.BytesIO(samples.pdf(pages)))


def tiers(services: Services, *assets: Asset) -> list[StorageTier]:
    return [services.assets.asset(a.id or 0).location for a in assets]


def test_the_current_version_set_back_to_v1_is_not_purged(services: Services, admin: User, slot: Deliverable) -> None:
    v1, v2, v3 = (send(services, admin, slot, pages) for pages in (1, 2, 3))
    services.events.update_slot(admin, slot.id or 0, SlotChange(current_version=1))
    plan = services.storage.purge_plan()
    assert [a.id for a in plan.assets] == [v2.id]
    services.storage.purge(admin, plan)
    assert tiers(services, v1, v2, v3) == [StorageTier.HOT, StorageTier.PURGED, StorageTier.HOT]


def test_the_approved_version_is_kept_when_another_is_made_current_in_the_same_change(
    services: Services, admin: User, slot: Deliverable
) -> None:
    v1, *_ = (send(services, admin, slot, pages) for pages in (1, 2, 3))
    services.events.update_slot(admin, slot.id or 0, SlotChange(current_version=2, status="approved"))
    assert [a.id for a in services.storage.purge_plan().assets] == [v1.id]
