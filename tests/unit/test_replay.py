"""A use case whose transaction the database cancelled (``TryAgain``) is run again whole, a few times, then
``Unavailable``; what happens outside its transaction (stored files, previews) is not done twice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Status, User
from eventflow.core.replay import PAUSES, RETRY_AFTER, replayed
from eventflow.core.services.events import SlotChange
from tests.support import fakes, samples
from tests.support.fakes import Clashing

clashing, services = fakes.clashing, fakes.services_on_clashing


@pytest.fixture
def admin(services: Services) -> User:
    return services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin")


@pytest.fixture
def slot_id(services: Services, admin: User) -> int:
    bar = services.bars.add(None, "Le Zinc")
    event_id = services.events.create(admin, "Nuit Disco", "2026-12-12", [bar.id or 0]).summary.event.id or 0
    return services.events.add_slot(admin, event_id, "Poster").id or 0


def test_a_use_case_that_clashed_is_run_again_until_it_goes_through() -> None:
    runs: list[int] = []

    @replayed
    def use_case(value: int) -> int:
        runs.append(value)
        if len(runs) <= len(PAUSES):
            raise errors.TryAgain("deadlock")
        return value * 2

    assert use_case(21) == 42
    assert runs == [21] * (len(PAUSES) + 1)


def test_a_use_case_that_keeps_clashing_is_unavailable_for_a_moment() -> None:
    runs = 0

    @replayed
    def use_case() -> None:
        nonlocal runs
        runs += 1
        raise errors.TryAgain("deadlock")

    with pytest.raises(errors.Unavailable, match="try again in a moment") as busy:
        use_case()
    assert busy.value.retry_after == RETRY_AFTER and isinstance(busy.value.__cause__, errors.TryAgain)
    assert runs == len(PAUSES) + 1


def test_other_errors_are_not_run_again() -> None:
    runs = 0

    @replayed
    def use_case() -> None:
        nonlocal runs
        runs += 1
        raise errors.NotFound("deliverable", 7)

    with pytest.raises(errors.NotFound):
        use_case()
    assert runs == 1


def test_a_slot_change_that_clashed_is_made_once(
    services: Services, clashing: Clashing, admin: User, slot_id: int
) -> None:
    clashing.cancel(times=2)
    slot = services.events.update_slot(admin, slot_id, SlotChange(status="approved"))
    assert slot.status is Status.APPROVED and slot.row_version == 2
    activity = services.events.card(services.events.slot(slot_id).slot.event_id).activity
    assert [a.action for a in activity].count("slot.updated") == 1


@pytest.mark.parametrize("clashing_part", ["version", "preview"])
def test_a_new_version_that_clashed_is_stored_once_from_the_file_received_once(
    services: Services, clashing: Clashing, admin: User, slot_id: int, clashing_part: str
) -> None:
    with services.assets.receive("affiche.pdf", io.BytesIO(samples.pdf(1))) as upload:
        clashing.cancel(times=2, after=0 if clashing_part == "version" else 1)
        asset = services.assets.add_version(admin, slot_id, upload)
    view = services.events.slot(slot_id)
    assert [v.version for v in view.versions] == [1] and asset.version == 1
    assert view.slot.status is Status.REVIEW
    stored = sorted(p.name for p in Path(services.settings.files_dir).rglob("*") if p.is_file())
    assert len(stored) == 2  # the file and its preview, each written once
    assert services.assets.asset(asset.id or 0).preview_key
