"""What admins configure and read: a bar's screens (typed, checked by the core) and the audit log's names."""

from __future__ import annotations

import re

import pytest

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.commands import UserChanges
from eventflow.core.model import Role, Screen
from eventflow.core.services.audit import AuditQuery
from eventflow.core.services.events import SlotChange


def test_screens_are_trimmed_labelled_by_their_kind_by_default_and_kept_in_order(services: Services) -> None:
    bar = services.bars.add(None, "Le Zinc", screens=[Screen(" cube_led ", "", " 1024x1024 mp4 "), Screen("totem")])

    assert bar.screens == (Screen("cube_led", "cube_led", "1024x1024 mp4"), Screen("totem", "totem", ""))
    assert services.bars.get(bar.id or 0).screens == bar.screens


@pytest.mark.parametrize(
    ("screens", "message"),
    [
        ([Screen("  ", "Cube")], re.escape('hardware.screens[0] needs a "kind"')),
        ([Screen("cube_led", "Cube"), Screen("door_led", "cube")], "another screen is already labelled 'cube'"),
    ],
)
def test_a_screen_without_kind_or_with_another_s_label_is_refused(
    services: Services, screens: list[Screen], message: str
) -> None:
    bar = services.bars.add(None, "Le Zinc", screens=[Screen("cube_led", "Cube LED")])

    with pytest.raises(errors.InvalidInput, match=message) as raised:
        services.bars.update(None, bar.id or 0, screens=screens)

    assert raised.value.field == "hardware"
    assert services.bars.get(bar.id or 0).screens == (Screen("cube_led", "Cube LED"),)


def test_a_person_changes_their_own_name_but_not_their_role(services: Services) -> None:
    sam = services.users.add(None, "sam@bars.fr", "Sam")

    renamed = services.users.update(sam, sam.id or 0, UserChanges(name="  Sam Dupont "))

    assert renamed.name == "Sam Dupont"
    with pytest.raises(errors.Forbidden):
        services.users.update(sam, sam.id or 0, UserChanges(role="admin"))
    assert services.users.get(sam.id or 0).role is Role.MEMBER
    with pytest.raises(errors.InvalidInput, match="unknown notification kinds: nope"):
        services.users.update(None, sam.id or 0, UserChanges(notifications=["nope"]))


def test_the_audit_log_names_what_its_ids_stand_for(services: Services) -> None:
    ada = services.users.add(None, "ada@bars.fr", "Ada", role="admin")
    max_ = services.users.add(None, "max@bars.fr", "Max")
    zinc, cale = services.bars.add(None, "Le Zinc"), services.bars.add(None, "La Cale")
    services.templates.add(None, "Flyer", "A5", is_default=True)
    card = services.events.create(ada, "Nuit Disco", "2026-12-12", [zinc.id or 0, cale.id or 0])
    flyer = card.slots[0].slot
    services.events.update_slot(ada, flyer.id or 0, SlotChange(assignee_id=max_.id))

    entries = services.audit.search(ada, AuditQuery(limit=2))
    names = services.audit.names(ada, entries)

    assert [e.entry.action for e in entries] == ["slot.updated", "event.created"]
    assert names.people[max_.id or 0] == "Max" and names.nights[card.summary.event.id or 0] == "Nuit Disco"
    assert names.slots[flyer.id or 0] == "Flyer · Nuit Disco"
    assert {names.bars[b] for b in entries[1].entry.after["bar_ids"]} == {"Le Zinc", "La Cale"}
    assert services.audit.search(ada, AuditQuery(limit=1, offset=1)) == entries[1:]
    with pytest.raises(errors.Forbidden):
        services.audit.names(max_, entries)
