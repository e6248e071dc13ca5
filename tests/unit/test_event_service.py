import datetime as dt

import pytest

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.commands import EventChanges
from eventflow.core.model import Health, Screen, Status
from eventflow.core.services.events import SlotChange

NIGHT = dt.date(2026, 12, 12)


@pytest.fixture
def world(services: Services) -> dict[str, int]:
    cube = services.bars.add(None, "Le Cube", "Lyon", [Screen("cube_led", specs="1024x1024 mp4")])
    cave = services.bars.add(None, "La Cave", "Paris", [Screen("door_led", specs="1920x320 mp4")])
    services.templates.add(None, "Flyer", "A5 PDF", is_default=True)
    services.templates.add(None, "Cube LED", "mp4", is_default=True, hardware_kind="cube_led")
    services.templates.add(None, "Door LED", "mp4", is_default=True, hardware_kind="door_led")
    return {"cube": cube.id or 0, "cave": cave.id or 0}


def test_creating_an_event_generates_its_slots_with_each_bars_specs(services: Services, world: dict[str, int]) -> None:
    services.themes.set(None, "2026-12", "Cyberpunk")
    card = services.events.create(None, "DJ Guest Star", "2026-12-12", [world["cube"], world["cave"]])
    assert card.summary.theme == "Cyberpunk"
    assert sorted((v.slot.name, v.slot.specs) for v in card.slots) == [
        ("Cube LED", "1024x1024 mp4"),
        ("Door LED", "1920x320 mp4"),
        ("Flyer", "A5 PDF"),
    ]
    assert card.summary.health is Health.ORANGE
    assert card.summary.countdown == 17


def test_removing_a_bar_disables_its_slots_and_adding_it_back_enables_them(
    services: Services, world: dict[str, int]
) -> None:
    card = services.events.create(None, "Night", NIGHT, [world["cube"], world["cave"]])
    event_id = card.summary.event.id or 0
    card = services.events.update(None, event_id, EventChanges(bar_ids=[world["cube"]]))
    door = next(v.slot for v in card.slots if v.slot.name == "Door LED")
    assert not door.enabled
    card = services.events.update(None, event_id, EventChanges(bar_ids=[world["cube"], world["cave"]]))
    assert [v.slot.enabled for v in card.slots if v.slot.name == "Door LED"] == [True]


def test_an_event_with_everything_approved_is_green_and_unknown_bars_are_refused(
    services: Services, world: dict[str, int]
) -> None:
    card = services.events.create(None, "Night", NIGHT, [world["cave"]])
    for view in card.slots:
        services.events.update_slot(None, view.slot.id or 0, SlotChange(status="approved"))
    assert services.events.card(card.summary.event.id or 0).summary.health is Health.GREEN
    with pytest.raises(errors.NotFound):
        services.events.create(None, "Other", NIGHT, [999])
    with pytest.raises(errors.InvalidInput):
        services.events.update_slot(None, card.slots[0].slot.id or 0, SlotChange(status="done"))


def test_a_member_cannot_configure_bars(services: Services, world: dict[str, int]) -> None:
    member = services.users.add(None, "sam@bar.fr", "Sam", password="longpassword")
    with pytest.raises(errors.Forbidden):
        services.bars.add(member, "New bar")
    card = services.events.create(member, "Member night", NIGHT, [world["cube"]])
    assert card.summary.event.created_by == member.id
    assert services.events.card(card.summary.event.id or 0).activity[0].action == "event.created"


def test_review_queue_lists_slots_in_review(services: Services, world: dict[str, int]) -> None:
    card = services.events.create(None, "Night", NIGHT, [world["cube"]])
    services.events.update_slot(None, card.slots[0].slot.id or 0, SlotChange(status=Status.REVIEW.value))
    queue = services.events.review_queue()
    assert [item.view.slot.id for item in queue] == [card.slots[0].slot.id]


def test_a_bar_added_later_brings_its_screens_slots_and_says_so_in_the_activity(
    services: Services, world: dict[str, int]
) -> None:
    card = services.events.create(None, "Night", NIGHT, [world["cube"]])
    card = services.events.update(
        None, card.summary.event.id or 0, EventChanges(bar_ids=[world["cube"], world["cave"]])
    )
    assert [(v.slot.name, v.slot.bar_id) for v in card.slots if v.slot.name == "Door LED"] == [
        ("Door LED", world["cave"])
    ]
    created = [a for a in card.activity if a.action == "slot.created"]
    assert [a.after["name"] for a in created if a.after] == ["Door LED"]
