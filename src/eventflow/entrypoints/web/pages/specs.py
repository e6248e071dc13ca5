"""What the pages show of slot specs: a version's badge, the slots' expectations the drop mapping reads, and the LED
screens' mock-ups. Given to every template as globals (``template_globals``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from attrs import frozen

from eventflow.core import rules_specs
from eventflow.core.model import Asset, Bar, Screen
from eventflow.core.rules_specs import SpecCheck
from eventflow.core.services.events import EventCard, SlotView

Json = dict[str, Any]


def template_globals(gettext: Callable[[str], str]) -> dict[str, Any]:
    """The functions templates call, with the texts of one language."""

    def spec_problems(check: SpecCheck) -> list[str]:
        return [rules_specs.problem_text(p, gettext) for p in check.problems]

    return {
        "spec_of": spec_of,
        "spec_problems": spec_problems,
        "spec_checkable": spec_checkable,
        "slot_expectations": slot_expectations,
        "screen_mockups": screen_mockups,
    }


def spec_of(version: Asset) -> SpecCheck:
    return SpecCheck.from_stored(version.spec_check) or rules_specs.UNCHECKED


def spec_checkable(specs: str) -> bool:
    return rules_specs.parse_specs(specs).checkable


def slot_expectations(card: EventCard) -> list[Json]:
    """Each slot with what its specs ask, for the browser to map dropped files to slots before sending them."""
    bars = {b.id: b.name for b in card.bars}
    out = []
    for view in card.slots:
        slot, expect = view.slot, rules_specs.parse_specs(view.slot.specs)
        out.append(
            {
                "id": slot.id,
                "name": slot.name,
                "bar": bars.get(slot.bar_id, "") if slot.bar_id else "",
                "screen": slot.screen_label or "",
                "specs": slot.specs,
                "enabled": slot.enabled,
                "kinds": [k.value for k in expect.kinds],
                "size": list(expect.size) if expect.size else None,
                "aspect": list(expect.aspect) if expect.aspect else None,
            }
        )
    return out


@frozen
class Mockup:
    """An LED screen of a bar with the file its slot would show on it."""

    view: SlotView
    bar: Bar
    screen: Screen
    width: float  # the screen's pixel size, or its aspect
    height: float
    pixels: str | None  # "1920×320 px" when the size is known

    @property
    def shown(self) -> Asset | None:
        """The version on the screen: the latest (on an approved slot, the one approved)."""
        return self.view.versions[-1] if self.view.versions else None

    @property
    def shape(self) -> str:
        ratio = self.width / self.height
        return "wide" if ratio >= 2 else "tall" if ratio < 0.8 else "square"


def screen_mockups(card: EventCard) -> list[Mockup]:
    return list(_mockups(card))


def _mockups(card: EventCard) -> Iterator[Mockup]:
    """The enabled slots of a bar's screen whose size or aspect its specs give (the screen's own, else the slot's)."""
    bars = {b.id: b for b in card.bars}
    for view in card.slots:
        slot = view.slot
        bar = bars.get(slot.bar_id)
        screen = next((s for s in bar.screens if s.label == slot.screen_label), None) if bar else None
        if not slot.enabled or bar is None or screen is None:
            continue
        expect = next(
            (e for e in map(rules_specs.parse_specs, (screen.specs, slot.specs)) if e.size or e.aspect),
            None,
        )
        if expect is None:
            continue
        if expect.size:
            width, height = expect.size
            yield Mockup(view, bar, screen, width, height, f"{width}×{height} px")
        elif expect.aspect:
            yield Mockup(view, bar, screen, *expect.aspect, None)
