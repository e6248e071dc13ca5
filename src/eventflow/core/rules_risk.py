"""The risk forecast: how likely an upcoming night is to be red at J-6, learnt from the team's own history.

What is left to do on a deliverable depends on where it stands, its *stage*: nothing sent yet (the whole job, from
the start of work to approval), a file waiting for a review, or changes asked for. The history says, per asset type,
how long that stage took to reach approval in the past: an empirical distribution of durations, where a deliverable
that was never approved counts as longer than any deadline. The chance that a deliverable will be late is the share
of those past durations that would not fit in the days left before its J-7, among the past cases still running after
as long as this one has already spent in its stage. A type with fewer than ``MIN_SAMPLES`` past cases borrows the
durations of every type. A night turns red as soon as one deliverable is late: its risk is 1 − Π(1 − p).

Days are whole days of the team's calendar, so a forecast holds for the whole day; the work may still be done on the
day itself (at J-7, one day is left to do it in).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from statistics import median

from attrs import frozen

from eventflow.core import rules
from eventflow.core.i18n import N_
from eventflow.core.model import Deliverable, Status
from eventflow.core.ports import Translator
from eventflow.core.rules_history import Timeline, days

#: A night is shown "at risk" from this chance of being red at J-6.
AT_RISK = 0.5
#: Fewer past cases of a type than this and every type's history is used instead (and likewise for the cases
#: still running after as long as a deliverable has already waited).
MIN_SAMPLES = 5
#: How far back the history goes.
HISTORY_DAYS = 365
#: The reasons given for a night: its most likely late deliverables.
REASONS = 3

LocalDate = Callable[[dt.datetime], dt.date]


class Stage(StrEnum):
    WORK = "work"  # nothing approved yet and no file to look at: the whole job is ahead
    REVIEW = "review"  # a file waits for a look
    REWORK = "rework"  # changes were asked for


STAGE_OF = {
    Status.TODO: Stage.WORK,
    Status.IN_PROGRESS: Stage.WORK,
    Status.REVIEW: Stage.REVIEW,
    Status.CHANGES_REQUESTED: Stage.REWORK,
}
#: The status whose every entry starts a stage (the work starts with the first step out of "to do").
ENTERED_BY = {Stage.REVIEW: Status.REVIEW, Stage.REWORK: Status.CHANGES_REQUESTED}


class Basis(StrEnum):
    KIND = "kind"  # the type's own history
    ALL = "all"  # every type's (too few of this type)
    NONE = "none"  # no history at all


Durations = tuple[float, ...]


@frozen
class RiskModel:
    """Past durations (days, sorted; ``inf`` for never approved) of each stage, per asset type and for every type."""

    by_kind: Mapping[tuple[str, Stage], Durations]
    by_stage: Mapping[Stage, Durations]

    @classmethod
    def learn(cls, timelines: Iterable[Timeline], today: dt.date) -> RiskModel:
        """From the enabled slots whose J-7 had passed by ``today`` (their outcome is known)."""
        kinds: dict[tuple[str, Stage], list[float]] = defaultdict(list)
        pooled: dict[Stage, list[float]] = defaultdict(list)
        for timeline in timelines:
            if not timeline.slot.enabled or timeline.due >= today:
                continue
            for stage, duration in stage_durations(timeline):
                kinds[(timeline.kind, stage)].append(duration)
                pooled[stage].append(duration)
        return cls(
            {key: tuple(sorted(found)) for key, found in kinds.items()},
            {stage: tuple(sorted(found)) for stage, found in pooled.items()},
        )

    def durations(self, kind: str, stage: Stage) -> tuple[Durations, Basis]:
        """The type's past durations of the stage, or every type's when the type has too few (none at all when
        every type together still has too few to say anything)."""
        own = self.by_kind.get((kind, stage), ())
        if len(own) >= MIN_SAMPLES:
            return own, Basis.KIND
        pooled = self.by_stage.get(stage, ())
        return (pooled, Basis.ALL) if len(pooled) >= MIN_SAMPLES else ((), Basis.NONE)

    def chance(self, kind: str, stage: Stage, waited: int, left: int) -> float:
        """The chance a deliverable of ``kind`` that spent ``waited`` days in ``stage`` is not approved within
        ``left`` days: from the past cases of the type still running after ``waited`` days, else from every type's,
        else (no past case lasted that long) as if the stage started now."""
        if left <= 0:
            return 1.0
        durations, basis = self.durations(kind, stage)
        if basis is Basis.NONE:
            return 0.0
        candidates = [durations] if basis is Basis.ALL else [durations, self.by_stage.get(stage, ())]
        for found in candidates:
            chance = chance_late(found, waited, left)
            if chance is not None:
                return chance
        return share_longer(durations, left)


def stage_durations(timeline: Timeline) -> Iterator[tuple[Stage, float]]:
    """Each stage the slot went through, with the days it took from there to approval."""
    start = timeline.work_start
    if start is not None:
        yield Stage.WORK, _to_approval(timeline, start)
    for stage, status in ENTERED_BY.items():
        for entered in timeline.entries(status):
            yield stage, _to_approval(timeline, entered)


def _to_approval(timeline: Timeline, since: dt.datetime) -> float:
    approved = timeline.approval_after(since)
    return days(approved - since) if approved is not None else math.inf


def chance_late(durations: Durations, waited: int, left: int) -> float | None:
    """The share of past ``durations`` longer than ``waited + left`` days among those longer than ``waited``; None
    when fewer than ``MIN_SAMPLES`` past cases lasted longer than ``waited``."""
    running = durations[bisect_right(durations, waited) :]
    return share_longer(running, waited + left) if len(running) >= MIN_SAMPLES else None


def share_longer(durations: Durations, days: float) -> float:
    """The share of the (sorted) ``durations`` longer than ``days``."""
    return (len(durations) - bisect_right(durations, days)) / len(durations) if durations else 0.0


@frozen
class SlotForecast:
    slot: Deliverable
    stage: Stage
    chance: float
    days_left: int  # days from today to J-7, as the countdown says them (negative: J-7 has passed)
    waited: int  # whole days already spent in the stage (0 before the work started)
    usual: float | None  # the median past duration of the stage, in days (inf: most were never approved)
    basis: Basis


@frozen
class NightForecast:
    """The chance a night is red at J-6 (None: nothing left to do, or the night is past) and why."""

    chance: float | None
    slots: tuple[SlotForecast, ...] = ()

    @property
    def at_risk(self) -> bool:
        return self.chance is not None and self.chance >= AT_RISK


NOTHING_LEFT = NightForecast(None)


def forecast_slot(model: RiskModel, slot: Deliverable, due: dt.date, today: dt.date, local: LocalDate) -> SlotForecast:
    stage = STAGE_OF[slot.status]
    left = (due - today).days
    started = slot.status is not Status.TODO and slot.status_since is not None
    waited = max(0, (today - local(slot.status_since)).days) if started and slot.status_since else 0
    durations, basis = model.durations(slot.name, stage)
    return SlotForecast(
        slot=slot,
        stage=stage,
        chance=model.chance(slot.name, stage, waited, left + 1),  # today is a working day too
        days_left=left,
        waited=waited,
        usual=median(durations) if durations else None,
        basis=basis,
    )


def forecast_night(
    model: RiskModel, night: dt.date, slots: Iterable[Deliverable], today: dt.date, local: LocalDate
) -> NightForecast:
    """The night's risk from its enabled slots not yet approved; nothing to forecast once the night is past."""
    open_slots = [s for s in slots if s.enabled and s.status is not Status.APPROVED]
    if night < today or not open_slots:
        return NOTHING_LEFT
    due = rules.due_date(night)
    found = tuple(forecast_slot(model, s, due, today, local) for s in open_slots)
    return NightForecast(round(1 - math.prod(1 - f.chance for f in found), 3), found)


# -- looking back --------------------------------------------------------------------------------------------------
@frozen
class Replayed:
    """A past night's forecast as it would have been made ``days_before`` the night, and what happened."""

    night: dt.date
    event_id: int | None
    chance: float  # 0 when nothing was left to do then
    red: bool  # a deliverable was not approved when J-7 ended


def replay(
    timelines: Sequence[Timeline],
    today: dt.date,
    local: LocalDate,
    start_of: Callable[[dt.date], dt.datetime],
    days_before: int = 10,
    min_cases: int = MIN_SAMPLES,
) -> list[Replayed]:
    """For each night whose J-7 had passed by ``today``, the risk it would have had ``days_before`` the night,
    learnt from what was known then (the timelines cut at the start of that day), beside whether it turned red.
    Nights with fewer than ``min_cases`` earlier cases to learn from are left out."""
    nights: dict[int, list[Timeline]] = defaultdict(list)
    for timeline in timelines:
        if timeline.slot.enabled and timeline.due < today:
            nights[timeline.slot.event_id].append(timeline)
    out = []
    for event_id, mine in sorted(nights.items(), key=lambda item: item[1][0].due):
        due = mine[0].due
        day = due + dt.timedelta(days=rules.J_MINUS - days_before)
        instant = start_of(day)
        model = RiskModel.learn([t.until(instant) for t in timelines], day)
        if len(model.by_stage.get(Stage.WORK, ())) < min_cases:
            continue
        night = due + dt.timedelta(days=rules.J_MINUS)
        forecast = forecast_night(model, night, [t.until(instant).slot for t in mine], day, local)
        red = any(t.until(start_of(due + dt.timedelta(days=1))).slot.status is not Status.APPROVED for t in mine)
        out.append(Replayed(night, event_id, forecast.chance or 0.0, red))
    return out


# -- in words ----------------------------------------------------------------------------------------------------
SAYINGS = {
    (Stage.WORK, False): N_("%(type)s: usually %(usual)s from start to approval, %(left)s left before J-7"),
    (Stage.WORK, True): N_(
        "%(type)s: in progress for %(waited)s, usually %(usual)s from start to approval; %(left)s left before J-7"
    ),
    (Stage.REVIEW, False): N_(
        "%(type)s: in review, usually %(usual)s from a file sent to approval, %(left)s left before J-7"
    ),
    (Stage.REVIEW, True): N_(
        "%(type)s: in review for %(waited)s, usually %(usual)s from a file sent to approval; %(left)s left before J-7"
    ),
    (Stage.REWORK, False): N_(
        "%(type)s: changes requested, usually %(usual)s from there to approval, %(left)s left before J-7"
    ),
    (Stage.REWORK, True): N_(
        "%(type)s: changes requested %(waited)s ago, usually %(usual)s from there to approval; %(left)s left before J-7"
    ),
}
PASSED = N_("%(type)s: J-7 has passed")
NEVER = N_("%(type)s: most like it were never approved; %(left)s left before J-7")
NO_HISTORY = N_("No past night to learn from yet: the forecast needs the team's history.")


def reasons(forecast: NightForecast, texts: Translator, limit: int = REASONS) -> list[str]:
    """Why the night is at risk, in the reader's language: its likeliest late deliverables (one per type and
    status), the likeliest first."""
    if forecast.slots and all(f.basis is Basis.NONE for f in forecast.slots) and forecast.chance == 0:
        return [texts.gettext(NO_HISTORY)]
    worst: dict[tuple[str, Status], SlotForecast] = {}
    for found in sorted(forecast.slots, key=lambda f: -f.chance):
        worst.setdefault((found.slot.name, found.slot.status), found)
    return [saying(f, texts) for f in list(worst.values())[:limit] if f.chance > 0]


def saying(found: SlotForecast, texts: Translator) -> str:
    values = {"type": found.slot.name, "left": day_count(found.days_left, texts)}
    if found.days_left < 0:
        return texts.gettext(PASSED) % values
    usual = found.usual or 0.0
    if math.isinf(usual):
        return texts.gettext(NEVER) % values
    values |= {"usual": day_count(usual, texts), "waited": day_count(found.waited, texts)}
    return texts.gettext(SAYINGS[(found.stage, found.waited > 0)]) % values


def day_count(value: float, texts: Translator) -> str:
    whole = round(value)
    if whole < 1:
        return texts.gettext("less than a day")
    return texts.ngettext("%(num)d day", "%(num)d days", whole) % {"num": whole}
