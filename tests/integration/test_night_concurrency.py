"""A night moved, renamed and cancelled by three people at the same moment, on every SQL backend: the event's row
lock makes them take turns, so no change is lost and each counts once in the night's sequence (calendar feeds)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from eventflow.bootstrap import Services
from eventflow.core.commands import EventChanges
from eventflow.core.model import User
from tests.integration.test_concurrent_writes import (  # noqa: F401 (fixtures)
    TRIALS,
    Overlapping,
    admin,
    at_once,
    event_id,
    overlapping,
    services,
)


def test_a_move_an_edit_and_a_cancel_at_once_all_stay(
    services: Services, overlapping: Overlapping, admin: User, event_id: int
) -> None:
    lost = []
    for trial in range(TRIALS // 2):
        day = dt.date(2027, 1, 1) + dt.timedelta(days=trial)
        overlapping.next_round(3)
        change = partial(services.events.update, admin, event_id)
        at_once(
            partial(change, EventChanges(date=day.isoformat())),
            partial(change, EventChanges(name=f"Nuit Disco {trial}")),
            partial(change, EventChanges(cancelled=trial % 2 == 0)),
        )
        event = services.events.card(event_id).summary.event
        if (event.date, event.name, event.cancelled) != (day, f"Nuit Disco {trial}", trial % 2 == 0):
            lost.append((trial, event.date, event.name, event.cancelled))
    assert lost == []
