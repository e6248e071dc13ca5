"""The event use cases end to end on each SQL backend: bars, templates, an event, and its card."""

from __future__ import annotations

import datetime as dt

from attrs import evolve

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import Health, Screen


def test_an_event_on_two_bars_gets_its_slots_with_each_bar_s_screen_specs(
    sql_factory: SqlUnitOfWorkFactory, settings: Settings, clock: FixedClock
) -> None:
    services = bootstrap(settings, uow=sql_factory, clock=clock, hasher=Argon2Hasher(fast=True))
    cube = Screen("cube_led", "Cube LED", "1024x1024 mp4")
    door = Screen("door_led", "Door LED", "1920x320 mp4")
    zinc = services.bars.add(None, "Le Zinc", "Lyon", [cube, door])
    cafe = services.bars.add(None, "Café Éclair", "Paris", [evolve(cube, specs="512x512 mp4")])
    services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True)
    services.templates.add(None, "Cube LED", "any", is_default=True, hardware_kind="cube_led")
    services.templates.add(None, "Door LED", "any", hardware_kind="door_led")  # not a default: no slot
    services.themes.set(None, "2026-12", "Noël ✨")
    author = services.users.add(None, "alex@bars.fr", "Alex")

    card = services.events.create(author, "Soirée Disco 🎉", "2026-12-12", [zinc.id, cafe.id])

    slots = {(s.slot.name, s.slot.bar_id, s.slot.specs) for s in card.slots}
    assert slots == {
        ("Cube LED", cafe.id, "512x512 mp4"),
        ("Cube LED", zinc.id, "1024x1024 mp4"),
        ("Poster A3", None, "A3 PDF 300 dpi"),
    }
    assert len(card.slots) == 3
    assert card.summary.theme == "Noël ✨"
    assert card.summary.health is Health.ORANGE
    assert {s.due for s in card.slots} == {dt.date(2026, 12, 5)}
    assert [a.action for a in card.activity] == ["event.created"]
    listed = services.events.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31), bar_id=cafe.id)
    assert [(s.event.name, [b.name for b in s.bars]) for s in listed] == [
        ("Soirée Disco 🎉", ["Le Zinc", "Café Éclair"])
    ]
