"""The history the J-7 statistics and the risk forecast learn from, on every backend: ``read_models.history`` gives what
the single repositories give (the composed reference), alone or in the same read as a calendar or a card."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.adapters.memory import ComposedReadModels
from eventflow.core.model import Activity, Asset, Bar, Deliverable, Event, Status
from eventflow.core.ports import HistoryWindow, UnitOfWorkFactory, Upload
from tests.integration.sql.test_read_models import fill
from tests.integration.sql.test_repositories import at

WINDOW: HistoryWindow = (dt.date(2026, 11, 1), dt.date(2026, 12, 31))


@pytest.fixture
def history(make_uow: UnitOfWorkFactory) -> tuple[UnitOfWorkFactory, dict[str, int]]:
    """The views' test data, plus a night whose flyer went in progress, was sent and approved."""
    with make_uow() as uow:
        dated = fill(uow)
        bar = uow.bars.add(Bar("La Cale")).id or 0
        night = uow.events.add(Event("Rétro", dt.date(2026, 11, 20), [bar], created_at=at(0))).id or 0
        flyer = uow.deliverables.add(
            Deliverable(night, "Flyer", status=Status.APPROVED, approved_at=at(90), status_since=at(90))
        )
        uow.assets.add(Asset(night, "f.png", "image/png", 3, "ab" * 32, "kf", None, at(60), flyer.id, 1))
        for minutes, action, status in ((30, "slot.updated", "in_progress"), (60, "asset.version_added", "review"),
                                        (90, "slot.updated", "approved")):  # fmt: skip
            uow.activity.add(
                Activity(action, "deliverable", flyer.id, at(minutes), None, night, {}, {"status": status})
            )
        uow.activity.add(Activity("comment.added", "comment", 1, at(95), None, night, None, {"text": "bravo"}))
        uow.commit()
    return make_uow, dated | {"Rétro": night}


def test_the_history_reads_what_the_repositories_give(history: tuple[UnitOfWorkFactory, dict[str, int]]) -> None:
    make_uow, dated = history
    with make_uow(read_only=True) as uow:
        read = uow.read_models.history(*WINDOW)
        assert read == ComposedReadModels(uow).history(*WINDOW)

    ids = {dated[name] for name in ("Before", "after", "Réveillon", "Rétro")}  # not "Outside" (February)
    assert {n.id for n in read.nights} == ids
    assert next(n for n in read.nights if n.id == dated["Rétro"]).created_at == at(0)
    flyer = next(s for s in read.slots if s.event_id == dated["Rétro"])
    assert flyer.status_since == at(90) and flyer.status_since.tzinfo is not None
    assert [u for u in read.uploads if u.slot_id == flyer.id] == [Upload(flyer.id or 0, at(60))]  # not the photos
    assert [(c.at, c.action, c.status) for c in read.changes if c.slot_id == flyer.id] == [
        (at(30), "slot.updated", "in_progress"),
        (at(60), "asset.version_added", "review"),
        (at(90), "slot.updated", "approved"),
    ]
    assert [c.at for c in read.changes] == sorted(c.at for c in read.changes)  # oldest first
    assert {c.status for c in read.changes if c.slot_id != flyer.id} == {None}  # entries that set no status


def test_a_page_read_brings_the_history_along_when_asked(
    history: tuple[UnitOfWorkFactory, dict[str, int]],
) -> None:
    make_uow, dated = history
    with make_uow(read_only=True) as uow:
        alone = uow.read_models.history(*WINDOW)
        calendar = uow.read_models.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31), history=WINDOW)
        card = uow.read_models.card(dated["Réveillon"], activity_limit=2, history=WINDOW)
        assert calendar == ComposedReadModels(uow).calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31), history=WINDOW)
        assert card == ComposedReadModels(uow).card(dated["Réveillon"], activity_limit=2, history=WINDOW)
        plain = uow.read_models.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert card is not None
    assert calendar.history == card.history == alone
    assert plain.history is None and plain.events == calendar.events
