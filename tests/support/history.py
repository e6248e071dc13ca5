"""A team history for the forecast: past nights written day by day on the fixed clock."""

from __future__ import annotations

import datetime as dt

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.model import Bar
from eventflow.core.services.events import SlotChange


def past_posters(services: Services, clock: FixedClock, bar: Bar, count: int = 6, days: int = 5) -> None:
    """``count`` past nights at ``bar`` (one a week, until 1 October 2026) whose Poster A3 took ``days`` days from
    the start of work to approval, on time, while their other deliverables were never done."""
    today = clock.current
    for i in range(count):
        night = dt.date(2026, 10, 1) - dt.timedelta(days=7 * i)
        clock.current = clock.start_of(night - dt.timedelta(days=15)) + dt.timedelta(hours=9)
        card = services.events.create(None, f"Soirée {i}", night, [bar.id or 0])
        poster = next(v.slot for v in card.slots if v.slot.name == "Poster A3")
        services.events.update_slot(None, poster.id or 0, SlotChange(status="in_progress"))
        clock.advance(days=days)
        services.events.update_slot(None, poster.id or 0, SlotChange(status="approved"))
    clock.current = today
