"""The risk forecast and the storage forecast as pure rules, on generated histories whose answer is known."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest

from eventflow.adapters.translations import translator
from eventflow.core import rules
from eventflow.core.model import Deliverable, Language, Status
from eventflow.core.ports import HistoryNight, StatusChange, Upload
from eventflow.core.rules_history import Timeline, timelines
from eventflow.core.rules_risk import Basis, RiskModel, Stage, chance_late, forecast_night, reasons, replay

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 11, 25)
ENGLISH = translator(Language.EN)
FRENCH = translator(Language.FR)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=PARIS).astimezone(dt.UTC)


def local(instant: dt.datetime) -> dt.date:
    return instant.astimezone(PARIS).date()


class History:
    """Past nights written as the activity record keeps them: nights, slots, uploads and status changes."""

    def __init__(self) -> None:
        self.nights: list[HistoryNight] = []
        self.slots: list[Deliverable] = []
        self.uploads: list[Upload] = []
        self.changes: list[StatusChange] = []

    def slot(self, name: str, night: dt.date, created: dt.datetime) -> Deliverable:
        self.nights.append(HistoryNight(len(self.nights) + 1, night, created))
        slot = Deliverable(event_id=len(self.nights), name=name, id=len(self.slots) + 1)
        self.slots.append(slot)
        return slot

    def status(self, slot: Deliverable, status: Status, when: dt.datetime, action: str = "slot.updated") -> None:
        slot.status, slot.status_since = status, when
        slot.approved_at = when if status is Status.APPROVED else None
        self.changes.append(StatusChange(len(self.changes) + 1, slot.id or 0, when, action, status.value))

    def upload(self, slot: Deliverable, when: dt.datetime) -> None:
        self.uploads.append(Upload(slot.id or 0, when))
        self.status(slot, Status.REVIEW, when, "asset.version_added")

    def done_in(self, name: str, night: dt.date, work_days: float, review_days: float = 0) -> Deliverable:
        """A slot started 12 days before its J-7, sent after ``work_days - review_days``, approved after
        ``work_days``."""
        start = at(rules.due_date(night) - dt.timedelta(days=12))
        slot = self.slot(name, night, start - dt.timedelta(days=20))
        self.status(slot, Status.IN_PROGRESS, start)
        self.upload(slot, start + dt.timedelta(days=work_days - review_days))
        self.status(slot, Status.APPROVED, start + dt.timedelta(days=work_days))
        return slot

    def timelines(self) -> list[Timeline]:
        return timelines(self.nights, self.slots, self.uploads, self.changes)

    def model(self, today: dt.date = TODAY) -> RiskModel:
        return RiskModel.learn(self.timelines(), today)


def past_nights(count: int) -> list[dt.date]:
    return [TODAY - dt.timedelta(days=30 + 3 * i) for i in range(count)]


def upcoming(name: str, night: dt.date, status: Status = Status.TODO, since: dt.date | None = None) -> Deliverable:
    return Deliverable(event_id=99, name=name, status=status, status_since=at(since) if since else None, id=99)


def night_in(days_left: int) -> dt.date:
    """The night whose J-7 is ``days_left`` days away (the work may still be done today and on J-7 itself)."""
    return TODAY + dt.timedelta(days=rules.J_MINUS + days_left)


# -- timelines ---------------------------------------------------------------------------------------------------
def test_a_timeline_follows_the_activity_record_from_the_brief_to_the_approval() -> None:
    history = History()
    night = dt.date(2026, 10, 31)
    slot = history.slot("Flyer", night, at(dt.date(2026, 10, 1)))
    history.status(slot, Status.IN_PROGRESS, at(dt.date(2026, 10, 10)))
    history.upload(slot, at(dt.date(2026, 10, 12)))
    history.status(slot, Status.CHANGES_REQUESTED, at(dt.date(2026, 10, 13)))
    history.upload(slot, at(dt.date(2026, 10, 15)))
    history.status(slot, Status.APPROVED, at(dt.date(2026, 10, 16)))

    (timeline,) = history.timelines()

    assert [s.status for s in timeline.steps] == [Status.TODO, Status.IN_PROGRESS, Status.REVIEW,
                                                  Status.CHANGES_REQUESTED, Status.REVIEW, Status.APPROVED]  # fmt: skip
    assert timeline.due == dt.date(2026, 10, 24)
    assert timeline.work_start == at(dt.date(2026, 10, 10))
    assert timeline.waits() == (4.0, 2.0)  # 2 days making + 2 days reworking; 1 + 1 day waiting for a look
    assert timeline.upload_to_approval() == 4.0
    halfway = timeline.until(at(dt.date(2026, 10, 14)))
    assert (halfway.slot.status, halfway.slot.status_since) == (Status.CHANGES_REQUESTED, at(dt.date(2026, 10, 13)))
    assert halfway.approved_at is None and len(halfway.uploads) == 1


def test_an_approval_the_record_missed_comes_from_the_slot() -> None:
    history = History()
    slot = history.slot("Flyer", dt.date(2026, 10, 31), at(dt.date(2026, 10, 1)))
    slot.status, slot.approved_at = Status.APPROVED, at(dt.date(2026, 10, 20))

    (timeline,) = history.timelines()

    assert timeline.approved_at == at(dt.date(2026, 10, 20))
    assert timeline.work_start == at(dt.date(2026, 10, 20))


# -- the chance of one deliverable -------------------------------------------------------------------------------
def model_of(flyer: list[float], every_type: list[float] | None = None) -> RiskModel:
    """A model whose flyers' work took ``flyer`` days (and every type's ``every_type``)."""
    pooled = sorted(every_type if every_type is not None else flyer)
    return RiskModel({("Flyer", Stage.WORK): tuple(sorted(flyer))}, {Stage.WORK: tuple(pooled)})


def test_the_chance_is_the_share_of_past_durations_that_would_not_fit() -> None:
    model = model_of([float(d) for d in range(1, 11)])
    assert model.chance("Flyer", Stage.WORK, waited=0, left=4) == 0.6  # 5..10 days do not fit in 4
    assert model.chance("Flyer", Stage.WORK, waited=0, left=10) == 0.0
    assert model.chance("Flyer", Stage.WORK, waited=0, left=0) == 1.0  # J-7 has passed
    assert model_of([]).chance("Flyer", Stage.WORK, waited=0, left=3) == 0.0  # nothing to learn from


def test_the_chance_counts_only_past_cases_still_running_after_as_long() -> None:
    model = model_of([float(d) for d in range(1, 11)])
    assert model.chance("Flyer", Stage.WORK, waited=3, left=4) == pytest.approx(3 / 7)  # of 4..10, 8 to 10 are late
    assert chance_late(model.by_stage[Stage.WORK], waited=9, left=4) is None  # one past case lasted that long


def test_too_few_cases_running_that_long_borrow_every_types_then_start_over() -> None:
    flyers = [float(d) for d in range(1, 11)]
    others = [*flyers, 12.0, 13.0, 14.0, 15.0, 20.0]
    assert model_of(flyers, others).chance("Flyer", Stage.WORK, waited=9, left=4) == 0.5  # 14, 15, 20 of 10..20
    # Nobody ever waited that long: as if the stage started now.
    assert model_of(flyers).chance("Flyer", Stage.WORK, waited=9, left=4) == 0.6


def test_never_approved_counts_as_longer_than_any_deadline() -> None:
    model = model_of([1.0] * 5 + [math.inf] * 5)
    assert model.chance("Flyer", Stage.WORK, waited=0, left=30) == 0.5
    assert model.chance("Flyer", Stage.WORK, waited=20, left=3) == 1.0  # going after 20 days: like the never approved


# -- learning from a history ---------------------------------------------------------------------------------------
def test_a_type_that_always_takes_five_days_is_late_with_three_days_left() -> None:
    history = History()
    for night in past_nights(8):
        history.done_in("Cube LED", night, work_days=5, review_days=1)
    model = history.model()

    soon = forecast_night(model, night_in(3), [upcoming("Cube LED", night_in(3))], TODAY, local)
    later = forecast_night(model, night_in(10), [upcoming("Cube LED", night_in(10))], TODAY, local)

    assert soon.chance == 1.0 and soon.at_risk
    assert later.chance == 0.0 and not later.at_risk
    assert reasons(soon, ENGLISH) == ["Cube LED: usually 5 days from start to approval, 3 days left before J-7"]
    assert reasons(soon, FRENCH) == [
        "Cube LED : d'habitude 5 jours du début à la validation, il reste 3 jours avant J-7"
    ]


def test_reviews_are_forecast_from_how_long_reviews_took() -> None:
    history = History()
    for night, review in zip(past_nights(10), range(1, 11), strict=True):
        history.done_in("Flyer", night, work_days=12, review_days=review)
    model = history.model()
    night = night_in(4)
    in_review = upcoming("Flyer", night, Status.REVIEW, since=TODAY - dt.timedelta(days=3))

    forecast = forecast_night(model, night, [in_review], TODAY, local)

    assert model.durations("Flyer", Stage.REVIEW) == (tuple(float(d) for d in range(1, 11)), Basis.KIND)
    assert forecast.chance == pytest.approx(2 / 7, abs=0.001)  # of 4 to 10 days, 9 and 10 do not fit in 3 + 5
    assert reasons(forecast, ENGLISH) == [
        "Flyer: in review for 3 days, usually 6 days from a file sent to approval; 4 days left before J-7"
    ]


def test_a_type_with_too_few_past_cases_borrows_every_types_history() -> None:
    history = History()
    for night in past_nights(6):
        history.done_in("Poster A3", night, work_days=2)
    history.done_in("Totem", past_nights(1)[0], work_days=20)

    durations, basis = history.model().durations("Totem", Stage.WORK)

    assert basis is Basis.ALL and len(durations) == 7


def test_only_nights_whose_j7_has_passed_are_learnt_from() -> None:
    history = History()
    for night in past_nights(6):
        history.done_in("Flyer", night, work_days=8)
    history.done_in("Flyer", TODAY + dt.timedelta(days=7), work_days=1)  # its J-7 is today: outcome not known yet

    durations, _ = history.model().durations("Flyer", Stage.WORK)

    assert durations == (8.0,) * 6


def test_a_stage_most_never_got_through_is_said_so() -> None:
    model = RiskModel({("Flyer", Stage.REVIEW): (1.0, 2.0) + (math.inf,) * 4}, {Stage.REVIEW: (math.inf,) * 6})
    night = night_in(3)
    forecast = forecast_night(model, night, [upcoming("Flyer", night, Status.REVIEW, since=TODAY)], TODAY, local)
    assert forecast.chance == 0.667  # four of the six past reviews never ended
    assert reasons(forecast, ENGLISH) == ["Flyer: most like it were never approved; 3 days left before J-7"]


def test_a_handful_of_past_cases_is_not_a_history() -> None:
    model = RiskModel({("Flyer", Stage.REVIEW): (math.inf,)}, {Stage.REVIEW: (math.inf,) * 4})
    assert model.durations("Flyer", Stage.REVIEW) == ((), Basis.NONE)
    assert model.chance("Flyer", Stage.REVIEW, waited=0, left=3) == 0.0


def test_without_history_there_is_no_risk_to_tell_yet() -> None:
    forecast = forecast_night(RiskModel({}, {}), night_in(2), [upcoming("Flyer", night_in(2))], TODAY, local)
    assert forecast.chance == 0.0
    assert reasons(forecast, FRENCH) == [
        "Pas encore de soirée passée dont apprendre : la prévision a besoin de l'historique de l'équipe."
    ]


# -- a night -------------------------------------------------------------------------------------------------------
def test_a_night_is_red_as_soon_as_one_deliverable_is_late() -> None:
    history = History()
    for night, days in zip(past_nights(10), [1, 1, 1, 1, 1, 9, 9, 9, 9, 9], strict=True):
        history.done_in("Flyer", night, work_days=days)
    model = history.model()
    night = night_in(5)

    one = forecast_night(model, night, [upcoming("Flyer", night)], TODAY, local)
    two = forecast_night(model, night, [upcoming("Flyer", night), upcoming("Flyer", night)], TODAY, local)

    assert one.chance == 0.5
    assert two.chance == 0.75
    assert len(reasons(two, ENGLISH)) == 1  # one reason per type and status


def test_past_nights_and_nights_with_nothing_left_have_no_risk() -> None:
    model = RiskModel({}, {})
    done = Deliverable(event_id=1, name="Flyer", status=Status.APPROVED)
    off = Deliverable(event_id=1, name="Flyer", enabled=False)
    assert forecast_night(model, night_in(3), [done, off], TODAY, local).chance is None
    assert forecast_night(model, TODAY - dt.timedelta(days=1), [upcoming("Flyer", TODAY)], TODAY, local).chance is None


def test_a_night_already_late_is_certain_to_be_red() -> None:
    night = TODAY + dt.timedelta(days=6)  # J-6
    forecast = forecast_night(RiskModel({}, {}), night, [upcoming("Flyer", night)], TODAY, local)
    assert forecast.chance == 1.0
    assert reasons(forecast, ENGLISH) == ["Flyer: J-7 has passed"]


# -- looking back --------------------------------------------------------------------------------------------------
def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=PARIS).astimezone(dt.UTC)


def test_a_replay_forecasts_each_past_night_from_what_was_known_ten_days_before() -> None:
    history = History()
    for night in past_nights(6):  # late August to September: every Cube LED took five days, on time
        history.done_in("Cube LED", night - dt.timedelta(days=40), work_days=5)
    late, early = dt.date(2026, 11, 1), dt.date(2026, 11, 8)
    slow = history.slot("Cube LED", late, at(late - dt.timedelta(days=30)))
    history.status(slow, Status.IN_PROGRESS, at(late - dt.timedelta(days=8)))  # started at J-8...
    history.status(slow, Status.APPROVED, at(late - dt.timedelta(days=3)))  # ...approved at J-3: red at J-6
    quick = history.slot("Cube LED", early, at(early - dt.timedelta(days=30)))
    history.status(quick, Status.IN_PROGRESS, at(early - dt.timedelta(days=16)))
    history.status(quick, Status.APPROVED, at(early - dt.timedelta(days=11)))

    replayed = {r.night: r for r in replay(history.timelines(), TODAY, local, start_of, days_before=10)}

    assert (replayed[late].chance, replayed[late].red) == (1.0, True)  # nothing started, 3 days before J-7
    assert (replayed[early].chance, replayed[early].red) == (0.0, False)  # approved already
    assert len(replayed) == 2  # the first nights had too few earlier cases to learn from


# -- storage -------------------------------------------------------------------------------------------------------
GB = 10**9


def test_the_quota_is_full_on_the_day_the_last_90_days_pace_reaches_it() -> None:
    uploads = [(TODAY - dt.timedelta(days=d), GB) for d in range(90)]  # 1 GB a day for 90 days
    assert rules.full_on(uploads, used=20 * GB, quota=30 * GB, today=TODAY) == TODAY + dt.timedelta(days=10)
    old = [(TODAY - dt.timedelta(days=200), 90 * GB)]
    assert rules.full_on(old + uploads[:9], used=20 * GB, quota=30 * GB, today=TODAY) == TODAY + dt.timedelta(days=100)


def test_a_young_install_goes_on_the_pace_since_its_first_upload() -> None:
    uploads = [(TODAY - dt.timedelta(days=9), 10 * GB)]  # 10 GB in 10 days
    assert rules.full_on(uploads, used=10 * GB, quota=30 * GB, today=TODAY) == TODAY + dt.timedelta(days=20)


def test_usage_that_does_not_grow_has_no_full_date() -> None:
    assert rules.full_on([(TODAY - dt.timedelta(days=91), GB)], used=GB, quota=30 * GB, today=TODAY) is None
    assert rules.full_on([], used=0, quota=30 * GB, today=TODAY) is None
    assert rules.full_on([(TODAY, 1)], used=0, quota=30 * GB, today=TODAY) is None  # centuries away
    assert rules.full_on([(TODAY, GB)], used=31 * GB, quota=30 * GB, today=TODAY) == TODAY
