"""When a slot's J-7 reminders are due. Pure: "today" is an argument."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from eventflow.core import rules
from eventflow.core.model import Deliverable, Status

#: The first reminder goes out this many days before J-7.
AHEAD_DAYS = 2


class ReminderStep(StrEnum):
    SOON = "soon"  # J-7 is two days away (or one, for a slot planned too late for the first reminder)
    TODAY = "today"  # J-7 is today: the last day to get it approved on time


def reminder_step(due: dt.date, today: dt.date) -> ReminderStep | None:
    """The reminder a deadline on ``due`` calls for ``today``, if any.

    Two days before, "soon"; a run missed that day (cron down) or a slot added the day before still gets it then,
    one day before. On the day itself, "today". Each step is sent once, so the day after a "soon" sent two days
    ahead brings nothing new.
    """
    days = (due - today).days
    if days == 0:
        return ReminderStep.TODAY
    if 0 < days <= AHEAD_DAYS:
        return ReminderStep.SOON
    return None


def slot_reminder(slot: Deliverable, event_date: dt.date, today: dt.date) -> ReminderStep | None:
    """The reminder an enabled, unapproved slot calls for today (approved and disabled slots never need one)."""
    if not slot.enabled or slot.status is Status.APPROVED:
        return None
    return reminder_step(rules.due_date(event_date), today)


def nights_to_look_at(today: dt.date) -> tuple[dt.date, dt.date]:
    """The nights whose J-7 falls today or within the reminder window, first and last."""
    first = today + dt.timedelta(days=rules.J_MINUS)
    return first, first + dt.timedelta(days=AHEAD_DAYS)
