"""The calendar: which days a view shows, the events on them, the filters, and the phone's upcoming list."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import falcon
from attrs import frozen

from eventflow.core import errors
from eventflow.core.model import Bar, Health, ThemePeriod, User
from eventflow.core.services.events import EventService, EventSummary
from eventflow.entrypoints.web.pages.common import add_months, month_end, month_start

VIEWS = ("month", "week", "quarter")
UPCOMING_DAYS = 60
UPCOMING_COUNT = 12
SEARCH_RESULTS = 50


@frozen
class Filters:
    """Bars to show (empty = every bar), whether to show only late events and the cancelled ones, and the text of a
    search by name (across every month and bar)."""

    bar_ids: tuple[int, ...]
    only_late: bool
    chosen: bool  # the user picked bars in the form (else the default, their own bars, applies)
    show_cancelled: bool = False
    search: str = ""

    @classmethod
    def from_request(cls, req: falcon.Request, user: User) -> Filters:
        chosen = req.get_param_as_bool("f") or False
        raw = req.get_param_as_list("bar") or []
        if chosen:
            try:
                bars = tuple(int(b) for b in raw if b)
            except ValueError:
                raise errors.InvalidInput("bar must be a bar id", "bar") from None
        else:
            bars = tuple(user.my_bar_ids)
        search = (req.get_param("q") or "").strip()[:200]
        return cls(
            bar_ids=bars,
            only_late=req.get_param_as_bool("late") or False,
            chosen=chosen,
            show_cancelled=req.get_param_as_bool("cancelled") or False,
            search=search,
        )

    @property
    def narrowing(self) -> bool:
        """Whether the filters may hide nights (bars chosen or by default, only late)."""
        return bool(self.bar_ids) or self.only_late

    def keep(self, summary: EventSummary) -> bool:
        return not self.bar_ids or any(b in self.bar_ids for b in summary.event.bar_ids)

    def pairs(self) -> list[tuple[str, str]]:
        """The filters as query parameters (a search apart)."""
        pairs = [("f", "1"), *(("bar", str(b)) for b in self.bar_ids)]
        if self.only_late:
            pairs.append(("late", "1"))
        if self.show_cancelled:
            pairs.append(("cancelled", "1"))
        return pairs

    def query(self) -> str:
        """The filter part of a calendar URL, to keep the filters when moving between periods and views."""
        return "&".join(f"{key}={value}" for key, value in self.pairs())


@frozen
class Period:
    view: str
    anchor: dt.date
    start: dt.date
    end: dt.date
    months: tuple[dt.date, ...]  # first day of each month the view covers

    @classmethod
    def of(cls, view: str, anchor: dt.date) -> Period:
        if view not in VIEWS:
            raise errors.InvalidInput("view must be one of %(value)s", "view", value=", ".join(VIEWS))
        if view == "week":
            start = anchor - dt.timedelta(days=anchor.weekday())
            return cls(view, anchor, start, start + dt.timedelta(days=6), (month_start(anchor),))
        if view == "month":
            first = month_start(anchor)
            return cls(view, anchor, first, month_end(first), (first,))
        first = dt.date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1)
        months = tuple(add_months(first, i) for i in range(3))
        return cls(view, anchor, first, month_end(months[-1]), months)

    def step(self, direction: int) -> dt.date:
        if self.view == "week":
            return self.anchor + dt.timedelta(days=7 * direction)
        return add_months(self.anchor, direction * (3 if self.view == "quarter" else 1))

    def weeks(self, month: dt.date | None = None) -> list[list[dt.date]]:
        """Whole Monday-to-Sunday weeks covering the month (or the week)."""
        first, last = (self.start, self.end) if month is None else (month, month_end(month))
        day = first - dt.timedelta(days=first.weekday())
        weeks = []
        while day <= last:
            weeks.append([day + dt.timedelta(days=i) for i in range(7)])
            day += dt.timedelta(days=7)
        return weeks

    @property
    def grid_start(self) -> dt.date:
        return self.start - dt.timedelta(days=self.start.weekday())

    @property
    def grid_end(self) -> dt.date:
        return self.end + dt.timedelta(days=6 - self.end.weekday())


@frozen
class CalendarData:
    period: Period
    by_day: dict[dt.date, list[EventSummary]]
    upcoming: list[EventSummary]
    late_count: int
    bars: list[Bar]
    themes: dict[dt.date, ThemePeriod]  # by first day of month, for the months the view covers
    found: list[EventSummary] | None = None  # the nights a search by name found (None: no search)

    def in_period(self, month: dt.date | None = None) -> list[EventSummary]:
        """The nights shown in the period (or one of its months), by date: the list beside the grid."""
        first, last = (self.period.start, self.period.end) if month is None else (month, month_end(month))
        return [s for day, found in sorted(self.by_day.items()) if first <= day <= last for s in found]


def load(
    events: EventService,
    period: Period,
    filters: Filters,
    today: dt.date,
    with_upcoming: bool,
    revision: int | None = None,
) -> CalendarData:
    """The events of the visible grid (and the next ones, for the phone), in one read when the ranges are close."""
    start, end = period.grid_start, period.grid_end
    soon_end = today + dt.timedelta(days=UPCOMING_DAYS)
    close = with_upcoming and start <= soon_end and today <= end + dt.timedelta(days=UPCOMING_DAYS)
    health = Health.RED if filters.only_late else None
    cancelled = filters.show_cancelled
    if close:
        agenda = events.agenda(min(start, today), max(end, soon_end), None, health, revision, cancelled)
        shown, soon = _split(agenda.events, start, end), _split(agenda.events, today, soon_end)
    else:
        agenda = events.agenda(start, end, None, health, revision, cancelled)
        shown = agenda.events
        soon = events.agenda(today, soon_end, None, health, revision).events if with_upcoming else []
    shown = [s for s in shown if filters.keep(s)]
    by_day: dict[dt.date, list[EventSummary]] = defaultdict(list)
    for summary in sorted(shown, key=lambda s: (s.event.date, s.event.name.lower())):
        by_day[summary.event.date].append(summary)
    kept = (s for s in soon if filters.keep(s) and not s.event.cancelled)
    upcoming = sorted(kept, key=lambda s: s.event.date)[:UPCOMING_COUNT]
    late = sum(
        1
        for s in shown
        if s.health is Health.RED and not s.event.cancelled and period.start <= s.event.date <= period.end
    )
    found = None
    if filters.search:
        found = events.calendar(name=filters.search, with_cancelled=cancelled, revision=revision)[:SEARCH_RESULTS]
    themes = theme_names(agenda.themes, period.months)
    return CalendarData(period, dict(by_day), upcoming, late, agenda.bars, themes, found)


def _split(found: Sequence[EventSummary], start: dt.date, end: dt.date) -> list[EventSummary]:
    return [s for s in found if start <= s.event.date <= end]


def theme_names(themes: Sequence[ThemePeriod], months: Sequence[dt.date]) -> dict[dt.date, ThemePeriod]:
    by_key = {(t.year, t.month): t for t in themes}
    return {m: by_key[(m.year, m.month)] for m in months if (m.year, m.month) in by_key}
