"""Clocks: the one place that reads the wall time. Tests inject a fixed clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from attrs import define, field


@define
class SystemClock:
    timezone: str = "Europe/Paris"

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.local_date(self.now())

    def local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(ZoneInfo(self.timezone)).date()

    def start_of(self, day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(self.timezone)).astimezone(dt.UTC)


@define
class FixedClock(SystemClock):
    """A clock that says what it is told; ``advance`` moves it."""

    current: dt.datetime = field(kw_only=True)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current = self.current + dt.timedelta(**delta)

    @classmethod
    def on(cls, day: dt.date, timezone: str = "Europe/Paris", hour: int = 12) -> FixedClock:
        local = dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(timezone))
        return cls(timezone, current=local.astimezone(dt.UTC))
