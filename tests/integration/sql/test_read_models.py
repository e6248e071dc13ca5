"""The page reads, on every backend: ``views`` gives exactly what the single repositories give (the composed
reference), every field and type intact through the one-statement JSON path of the SQL backends, and
``sessions.get_with_user`` gives the session and its user together."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from eventflow.adapters.memory import ComposedReadModels
from eventflow.core.model import (
    Activity,
    ApiToken,
    Asset,
    Bar,
    Comment,
    Deliverable,
    Event,
    Language,
    Lease,
    PhotoCategory,
    Reservation,
    Role,
    Session,
    Status,
    StorageTier,
    ThemePeriod,
    User,
)
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory
from tests.integration.sql.test_repositories import SCREENS, T0, at

#: A version's spec check as the assets service stores it (a JSON null inside, accents).
SPEC_CHECK = {
    "specs": "A3 PDF 300 dpi é",
    "status": "differs",
    "problems": [{"code": "instead", "values": {"found": "A4", "expected": "A3"}}],
    "measured": {"kind": "pdf", "dpi": None, "width_mm": 210},
}


def fill(uow: UnitOfWork) -> dict[str, int]:
    """Two bars, three users, themes around December, and events in and around it holding every kind of row."""
    zinc = uow.bars.add(Bar("Le Zinc é", "Paris 11e", SCREENS)).id or 0
    alpha = uow.bars.add(Bar("alpha", "Lyon")).id or 0
    alex = uow.users.add(User("alex@bars.fr", "Zoé Alex", Role.ADMIN, True, Language.EN, None, [zinc], ["digest"]))
    bea = uow.users.add(User("bea@bars.fr", "béa", active=False)).id or 0
    uow.users.add(User("carl@bars.fr", "Carl"))
    for year, month, name in ((2026, 11, "Automne"), (2026, 12, "Noël 🎄"), (2027, 1, "Hiver"), (2027, 3, "Printemps")):
        uow.themes.add(ThemePeriod(year, month, name, "décor"))
    dated = {}
    for name, date, bars in (
        ("Réveillon", dt.date(2026, 12, 31), [alpha, zinc]),
        ("Before", dt.date(2026, 12, 1), [zinc]),
        ("after", dt.date(2026, 12, 1), [alpha]),
        ("Outside", dt.date(2027, 2, 14), [zinc]),
    ):
        event = uow.events.add(
            Event(name, date, bars, "desc", "<p>brief é</p>", "<b>notes</b>", None, alex.id, T0, None)
        )
        dated[name] = event.id or 0
    night = dated["Réveillon"]
    slots = [
        uow.deliverables.add(
            Deliverable(
                event_id=event_id,
                name=name,
                specs="A5 ✓",
                status=status,
                enabled=enabled,
                assignee_id=bea if status is Status.REVIEW else None,
                bar_id=zinc if enabled else None,
                approved_at=at(3) if status is Status.APPROVED else None,
            )
        )
        for event_id in dated.values()
        for name, status, enabled in (("Flyer", Status.APPROVED, True), ("Story", Status.REVIEW, False))
    ]
    flyer = slots[0].id
    for minutes, version in ((7, 2), (2, 1)):
        uow.assets.add(
            Asset(night, f"flyer v{version}.pdf", "application/pdf", 10**10 + version, "ab" * 32, f"k{version}",
                  alex.id, at(minutes), flyer, version, None, StorageTier.COLD, "p", 12, {"pages": 2, "é": [1.5]},
                  SPEC_CHECK)
        )  # fmt: skip
    uow.assets.add(Asset(night, "IMG.heic", "image/heic", 5, "cd" * 32, "kp", None, at(1), category=PhotoCategory.DECO))
    first = uow.comments.add(Comment(night, alex.id or 0, "Première 🎉", at(1), mention_ids=[bea]))
    uow.comments.add(Comment(night, bea, "Re", at(9), flyer, first.id, [], at(10), at(11)))
    uow.comments.add(Comment(night, bea, "Same instant", at(1)))
    for minutes in (5, 5, 1, 30):
        uow.activity.add(Activity("slot.updated", "deliverable", flyer, at(minutes), alex.id, night, {"s": "é"}, None))
    uow.activity.add(Activity("event.created", "event", dated["Before"], at(0), None, dated["Before"]))
    return dated


@pytest.fixture
def filled(make_uow: UnitOfWorkFactory) -> tuple[UnitOfWorkFactory, dict[str, int]]:
    with make_uow() as uow:
        dated = fill(uow)
        uow.commit()
    return make_uow, dated


@pytest.mark.parametrize(
    ("start", "end", "bar"),
    [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31), None),  # a month: bounds included
        (dt.date(2026, 11, 30), dt.date(2027, 3, 1), None),  # a quarter-wide grid over a year's end
        (dt.date(2026, 12, 1), dt.date(2026, 12, 31), "alpha"),  # at one bar
        (dt.date(2025, 1, 1), dt.date(2025, 1, 31), None),  # nothing planned, no theme
    ],
)
def test_calendar_reads_what_the_repositories_give(filled: tuple[UnitOfWorkFactory, dict[str, int]],
                                                   start: dt.date, end: dt.date, bar: str | None) -> None:  # fmt: skip
    make_uow, _ = filled
    with make_uow(read_only=True) as uow:
        bar_id = (uow.bars.get_by_name(bar) or Bar("?")).id if bar else None
        read = uow.read_models.calendar(start, end, bar_id)
        assert read == ComposedReadModels(uow).calendar(start, end, bar_id)
    if start.year == 2026:
        assert [e.name for e in read.events][:2] == ["after", "Before"] if bar is None else ["after", "Réveillon"]
        assert {t.name for t in read.themes} >= {"Noël 🎄"}
        assert [b.name for b in read.bars] == ["alpha", "Le Zinc é"]
    else:
        assert read.events == read.slots == read.themes == []


@pytest.mark.parametrize("limit", [None, 2])
def test_the_card_reads_every_field_of_everything_it_shows(filled: tuple[UnitOfWorkFactory, dict[str, int]],
                                                           limit: int | None) -> None:  # fmt: skip
    make_uow, dated = filled
    night = dated["Réveillon"]
    with make_uow(read_only=True) as uow:
        read = uow.read_models.card(night, activity_limit=limit)
        assert read == ComposedReadModels(uow).card(night, activity_limit=limit)
        assert uow.read_models.card(99999) is None
    assert read is not None
    bars = {b.name: b.id for b in read.bars}
    assert read.event.bar_ids == [bars["alpha"], bars["Le Zinc é"]]  # in the order they were chosen
    assert [a.version for a in read.assets] == [None, 1, 2]  # oldest first
    assert read.assets[2].media_info == {"pages": 2, "é": [1.5]} and read.assets[2].location is StorageTier.COLD
    assert read.assets[2].spec_check == SPEC_CHECK and read.assets[0].spec_check is None
    assert read.assets[2].created_at == at(7) and read.assets[2].created_at.tzinfo is not None
    assert [c.text for c in read.comments] == ["Première 🎉", "Same instant", "Re"]
    assert [a.at for a in read.activity] == [at(30), at(5), at(5), at(1)][:limit]
    assert [t.name for t in read.themes] == ["Noël 🎄"]
    assert [u.name for u in read.users] == ["béa", "Carl", "Zoé Alex"]
    assert read.users[0].active is False and read.users[2].my_bar_ids == [read.bars[1].id]
    assert [s.enabled for s in read.slots] == [True, False]


def test_a_month_of_long_briefs_is_read_whole(make_uow: UnitOfWorkFactory) -> None:
    """Past 1 MB of text in one read (MariaDB cuts its JSON aggregates there unless told otherwise)."""
    brief = "<p>" + "Décor néon, playlist, lumières. " * 2_000 + "</p>"  # about 64 KB
    with make_uow() as uow:
        bar = uow.bars.add(Bar("Le Zinc")).id or 0
        for day in range(1, 29):
            uow.events.add(Event(f"Soirée {day}", dt.date(2026, 12, day), [bar], brief=brief, notes=brief))
        uow.commit()
    with make_uow(read_only=True) as uow:
        read = uow.read_models.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert len(read.events) == 28 and all(e.brief == e.notes == brief for e in read.events)


def test_a_session_is_read_with_its_user_and_the_revision(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user = uow.users.add(User("éloïse@bars.fr", "Éloïse", my_bar_ids=[2], notifications=["mention"]))
        session = uow.sessions.add(Session("hash-1", user.id or 0, at(0), at(60)))
        uow.commit()
    with make_uow(read_only=True) as uow:
        caller = uow.sessions.get_with_user("hash-1")
        assert caller is not None and (caller.session, caller.user) == (session, user)
        assert uow.sessions.get_with_user("hash-2") is None
    with make_uow() as uow:
        uow.bars.add(Bar("Le Zinc"))
        uow.commit()
    with make_uow() as uow:
        uow.bars.add(Bar("Forgotten"))  # never committed: the revision stays
    with make_uow(read_only=True) as uow:
        later = uow.sessions.get_with_user("hash-1")
    assert later is not None and later.revision == caller.revision + 1  # every commit, and only a commit, counts


def test_writes_no_cached_page_shows_leave_the_revision_as_it_was(make_uow: UnitOfWorkFactory) -> None:
    """A session sliding, a token's last use, an e-mail sent, a quota hold or a lease must not empty every page
    cache."""
    with make_uow() as uow:
        user = uow.users.add(User("ada@bars.fr", "Ada"))
        session = uow.sessions.add(Session("hash-1", user.id or 0, at(0), at(60)))
        token = uow.tokens.add(ApiToken(user.id or 0, "token-hash", "cli", at(0)))
        uow.commit()
    with make_uow(read_only=True) as uow:
        before = uow.sessions.get_with_user("hash-1")
    with make_uow() as uow:
        session.expires_at = at(120)
        uow.sessions.update(session)
        token.last_used_at = at(5)
        uow.tokens.update(token)
        lease = uow.leases.add(Lease("u" * 32, "eventflow serve (pid 812) on web1", at(10), "web1#0", 812))
        hold = uow.reservations.add(Reservation(lease.id, 1000, at(5)))
        uow.commit()
    with make_uow() as uow:
        uow.leases.renew(lease.id, at(20), at(6))
        uow.commit()
    with make_uow() as uow:
        uow.reservations.delete(hold.id or 0)
        uow.leases.delete([lease.id])
        uow.commit()
    with make_uow(read_only=True) as uow:
        after = uow.sessions.get_with_user("hash-1")
    assert before is not None and after is not None and after.revision == before.revision
    with make_uow() as uow:
        uow.users.update(attrs.evolve(user, name="Ada L."))  # a name pages show
        uow.commit()
    with make_uow(read_only=True) as uow:
        renamed = uow.sessions.get_with_user("hash-1")
    assert renamed is not None and renamed.revision == before.revision + 1
