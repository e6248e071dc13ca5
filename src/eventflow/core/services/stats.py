"""The J-7 dashboard: how many deliverables were approved by their J-7, month by month and per bar, type and
assignee, how long the work took from the first file to the approval, and which step is the slow one.

The shares are the J-7 compliance of ``events.compliance_groups`` (one arithmetic for every report); the times
come from each slot's timeline (``rules_history``): the activity record of its statuses and the upload of its files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from statistics import fmean
from typing import Literal

from attrs import define, frozen

from eventflow.core import errors, rules
from eventflow.core.model import Bar
from eventflow.core.rules_history import timelines
from eventflow.core.services import Context
from eventflow.core.services.catalog import parse_month
from eventflow.core.services.events import ALL_BARS, compliance_groups

#: The dashboard's default period: this month and the eleven before it.
DEFAULT_MONTHS = 12
#: The longest period a report covers.
MAX_MONTHS = 120

Row = tuple[str, rules.Compliance]
Step = Literal["file", "review"]


@frozen
class StatsReport:
    first_month: dt.date
    last_month: dt.date
    months: list[Row]  # every month of the period, in order
    bars: list[Row]  # every bar, then the slots of whole nights (``all bars``) when there are some
    types: list[Row]
    assignees: list[Row]
    overall: rules.Compliance
    upload_to_approval: float | None  # mean days from a deliverable's first file to its approval
    waiting_for_file: float | None  # mean days an approved deliverable waited for a file (from the start of work)
    waiting_for_review: float | None  # ... and for a review

    @property
    def slowest_step(self) -> Step | None:
        if self.waiting_for_file is None or self.waiting_for_review is None:
            return None
        return "file" if self.waiting_for_file >= self.waiting_for_review else "review"


@define
class StatsService:
    ctx: Context

    def report(self, first: str | None = None, last: str | None = None) -> StatsReport:
        """The nights of the months ``first`` to ``last`` (``YYYY-MM``, both included; by default the last twelve
        months); only deliverables whose J-7 has passed count."""
        start, end = self.period(first, last)
        today = self.ctx.clock.today()
        with self.ctx.uow(read_only=True) as uow:
            rows = uow.read_models.history(start, month_end(end))
            bars, users = uow.bars.list(), uow.users.list()
        groups = compliance_groups(
            rows.nights,
            rows.slots,
            {b.id: b.name for b in bars},
            {u.id: u.name for u in users},
            self.ctx.clock.local_date,
            today,
        )
        counted = [
            t
            for t in timelines(rows.nights, rows.slots, rows.uploads, rows.changes)
            if t.slot.enabled and t.due < today
        ]
        waits = [w for w in (t.waits() for t in counted) if w is not None]
        return StatsReport(
            first_month=start,
            last_month=end,
            months=[(key, groups["month"].get(key, rules.Compliance(0, 0))) for key in month_keys(start, end)],
            bars=_bars(bars, groups["bar"]),
            types=list(groups["type"].items()),
            assignees=list(groups["assignee"].items()),
            overall=_total(groups["month"].values()),
            upload_to_approval=_mean(t.upload_to_approval() for t in counted),
            waiting_for_file=_mean(w[0] for w in waits),
            waiting_for_review=_mean(w[1] for w in waits),
        )

    def period(self, first: str | None, last: str | None) -> tuple[dt.date, dt.date]:
        """The first days of the first and last months; by default the last ``DEFAULT_MONTHS`` months."""
        this_month = self.ctx.clock.today().replace(day=1)
        end = _month(last, "to") if last is not None else this_month
        start = _month(first, "from") if first is not None else add_months(end, 1 - DEFAULT_MONTHS)
        if start > end:
            raise errors.InvalidInput(
                "to (%(end)s) is before from (%(start)s)",
                "to",
                end=end.strftime("%Y-%m"),
                start=start.strftime("%Y-%m"),
            )
        if len(month_keys(start, end)) > MAX_MONTHS:
            raise errors.InvalidInput("a report covers at most %(max_months)s months", "from", max_months=MAX_MONTHS)
        return start, end


def _month(value: str, name: str) -> dt.date:
    try:
        year, month = parse_month(value)
    except errors.InvalidInput as bad:
        raise errors.InvalidInput(bad.message, name) from None
    return dt.date(year, month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(first_day: dt.date) -> dt.date:
    return add_months(first_day, 1) - dt.timedelta(days=1)


def month_keys(start: dt.date, end: dt.date) -> list[str]:
    count = (end.year - start.year) * 12 + end.month - start.month + 1
    return [add_months(start, i).strftime("%Y-%m") for i in range(max(0, count))]


def _bars(bars: Sequence[Bar], found: Mapping[str, rules.Compliance]) -> list[Row]:
    named = [(b.name, found.get(b.name, rules.Compliance(0, 0))) for b in bars]
    return [*named, (ALL_BARS, found[ALL_BARS])] if ALL_BARS in found else named


def _total(parts: Iterable[rules.Compliance]) -> rules.Compliance:
    parts = list(parts)
    return rules.Compliance(sum(p.on_time for p in parts), sum(p.total for p in parts))


def _mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(fmean(present), 2) if present else None
