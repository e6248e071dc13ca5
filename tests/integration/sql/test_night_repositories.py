"""Cancelled nights and the search by name, on every backend: the in-memory fake, SQLite, PostgreSQL and MariaDB.

MariaDB's collations ignore accents and PostgreSQL's do not: the search goes through the stored search key
(``rules.search_key``), so every backend answers the same.
"""

from __future__ import annotations

import datetime as dt

from eventflow.core.model import Bar, Deliverable, Event
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory
from eventflow.core.rules import search_key

T0 = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)
NAMES = {
    "Café Théâtre": dt.date(2026, 12, 3),
    "CAFE des sports": dt.date(2027, 3, 20),
    "Nuit Électro": dt.date(2027, 2, 14),
    "Œnologie & tapas": dt.date(2026, 11, 28),
    "100% Disco_night": dt.date(2026, 12, 31),
    "Straße 🎉": dt.date(2026, 12, 5),
}


def store_nights(make_uow: UnitOfWorkFactory, cancelled: tuple[str, ...] = ()) -> dict[str, int]:
    with make_uow() as uow:
        bar = uow.bars.add(Bar(name="Le Perchoir")).id or 0
        ids = {}
        for name, date in NAMES.items():
            event = Event(name=name, date=date, bar_ids=[bar], created_at=T0)
            event.cancelled_at = T0 if name in cancelled else None
            ids[name] = uow.events.add(event).id or 0
        uow.commit()
    return ids


def names(uow: UnitOfWork, **filters: object) -> list[str]:
    return [e.name for e in uow.events.list(**filters)]  # type: ignore[arg-type]


def test_the_search_key_drops_case_accents_and_ligatures() -> None:
    assert search_key("Soirée Œnologie à l'ÉTÉ") == "soiree oenologie a l'ete"
    assert search_key("Straße") == "strasse"
    assert search_key("Ñandú 🎉") == "nandu 🎉"


def test_nights_are_found_by_name_whatever_the_accents_and_case(make_uow: UnitOfWorkFactory) -> None:
    store_nights(make_uow)
    with make_uow() as uow:
        assert names(uow, name="cafe") == ["Café Théâtre", "CAFE des sports"]
        assert names(uow, name="CAFÉ") == ["Café Théâtre", "CAFE des sports"]
        assert names(uow, name="théâtre") == ["Café Théâtre"]
        assert names(uow, name="ELECTRO") == ["Nuit Électro"]
        assert names(uow, name="oenologie") == ["Œnologie & tapas"]
        assert names(uow, name="strasse 🎉") == ["Straße 🎉"]
        assert names(uow, name="100%") == ["100% Disco_night"]
        assert names(uow, name="%") == ["100% Disco_night"]  # a literal percent sign, not a wildcard
        assert names(uow, name="100_") == []  # a literal underscore, not "any letter"
        assert names(uow, name="disco_n") == ["100% Disco_night"]
        assert names(uow, name="cafe", start=dt.date(2027, 1, 1)) == ["CAFE des sports"]
        assert names(uow, name="karaoke") == []


def test_a_renamed_night_is_found_by_its_new_name(make_uow: UnitOfWorkFactory) -> None:
    ids = store_nights(make_uow)
    with make_uow() as uow:
        night = uow.events.get_for_update(ids["Nuit Électro"])
        assert night is not None
        night.name = "Bal Masqué"
        uow.events.update(night)
        uow.commit()
    with make_uow() as uow:
        assert names(uow, name="electro") == []
        assert names(uow, name="masque") == ["Bal Masqué"]


def test_cancelled_nights_are_kept_and_filtered_on_demand(make_uow: UnitOfWorkFactory) -> None:
    ids = store_nights(make_uow, cancelled=("Café Théâtre",))
    december = {"start": dt.date(2026, 12, 1), "end": dt.date(2026, 12, 31)}
    with make_uow() as uow:
        assert names(uow, **december) == ["Café Théâtre", "Straße 🎉", "100% Disco_night"]
        assert names(uow, **december, cancelled=False) == ["Straße 🎉", "100% Disco_night"]
        assert names(uow, **december, cancelled=True) == ["Café Théâtre"]
        assert names(uow, name="cafe", cancelled=False) == ["CAFE des sports"]
        kept = uow.events.get(ids["Café Théâtre"])
        assert kept is not None and kept.cancelled_at == T0 and kept.cancelled
        kept.cancelled_at = None
        uow.events.update(kept)
        uow.commit()
    with make_uow() as uow:
        assert names(uow, **december, cancelled=False) == ["Café Théâtre", "Straße 🎉", "100% Disco_night"]


def test_the_calendar_read_and_the_history_leave_cancelled_nights_out(make_uow: UnitOfWorkFactory) -> None:
    ids = store_nights(make_uow, cancelled=("Café Théâtre",))
    with make_uow() as uow:
        for event_id in ids.values():
            uow.deliverables.add(Deliverable(event_id=event_id, name="Flyer"))
        uow.commit()
    start, end = dt.date(2026, 12, 1), dt.date(2026, 12, 31)
    with make_uow() as uow:
        shown = uow.read_models.calendar(start, end)
        assert [e.name for e in shown.events] == ["Straße 🎉", "100% Disco_night"]
        assert {s.event_id for s in shown.slots} == {ids["Straße 🎉"], ids["100% Disco_night"]}
        everything = uow.read_models.calendar(start, end, with_cancelled=True)
        assert [e.name for e in everything.events] == ["Café Théâtre", "Straße 🎉", "100% Disco_night"]
        assert [e.cancelled for e in everything.events] == [True, False, False]
        with_history = uow.read_models.calendar(start, end, history=(start, end), with_cancelled=True)
        assert with_history.history is not None
        assert [n.id for n in with_history.history.nights] == [ids["Straße 🎉"], ids["100% Disco_night"]]
        assert [n.id for n in uow.read_models.history(start, end).nights] == [
            ids["Straße 🎉"],
            ids["100% Disco_night"],
        ]
