"""The J-7 dashboard's arithmetic and the forecast in the services, on the memory fakes with an injected clock: each
change is made at the moment the test sets, as the team would have made it."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from eventflow.adapters.translations import translator
from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UNCHANGED
from eventflow.core.model import Language, Screen, User
from eventflow.core.rules import Compliance
from eventflow.core.rules_risk import reasons
from eventflow.core.services.events import SlotChange
from tests.support import samples


class Team:
    """A bar with a Cube LED screen, the Poster A3 and Cube LED templates, Léa and Hugo (designers), Camille (who
    reviews), and a clock to set."""

    def __init__(self, services: Services, clock: FixedClock) -> None:
        self.services, self.clock = services, clock
        cube = Screen("cube_led", "Cube LED", "1024x1024 mp4")
        self.bar = services.bars.add(None, "Le Perchoir", screens=[cube])
        services.templates.add(None, "Poster A3", "A3 PDF", is_default=True)
        services.templates.add(None, "Cube LED", "1024x1024 mp4", is_default=True, hardware_kind="cube_led")
        self.lea = services.users.add(None, "lea@bars.fr", "Léa")
        self.hugo = services.users.add(None, "hugo@bars.fr", "Hugo")
        self.camille = services.users.add(None, "camille@bars.fr", "Camille", role="admin")  # who reviews

    def at(self, day: str, hour: int = 12) -> None:
        self.clock.current = FixedClock.on(dt.date.fromisoformat(day), hour=hour).current

    def night(self, day: str, poster: User, cube: User) -> dict[str, int]:
        card = self.services.events.create(None, f"Soirée {day}", day, [self.bar.id or 0])
        ids = {v.slot.name: v.slot.id or 0 for v in card.slots}
        self.services.events.update_slot(None, ids["Poster A3"], SlotChange(assignee_id=poster.id))
        self.services.events.update_slot(None, ids["Cube LED"], SlotChange(assignee_id=cube.id))
        return ids

    def status(self, slot_id: int, status: str, day: str) -> None:
        self.at(day)
        reason = "Le logo est trop petit" if status == "changes_requested" else UNCHANGED
        self.services.events.update_slot(self.camille, slot_id, SlotChange(status=status, reason=reason))

    def send(self, slot_id: int, day: str) -> None:
        self.at(day)
        self.services.assets.upload_version(None, slot_id, "file.png", io.BytesIO(samples.png()))


@pytest.fixture
def team(services: Services, clock: FixedClock) -> Team:
    team = Team(services, clock)
    team.at("2026-09-01")
    october = team.night("2026-10-10", poster=team.lea, cube=team.hugo)  # due 3 October
    team.status(october["Poster A3"], "in_progress", "2026-09-27")
    team.send(october["Poster A3"], "2026-09-30")
    team.status(october["Poster A3"], "approved", "2026-10-02")  # on time
    team.send(october["Cube LED"], "2026-10-01")
    team.status(october["Cube LED"], "changes_requested", "2026-10-02")
    team.send(october["Cube LED"], "2026-10-04")
    team.status(october["Cube LED"], "approved", "2026-10-05")  # two days late
    team.at("2026-10-20")
    november = team.night("2026-11-14", poster=team.lea, cube=team.hugo)  # due 7 November
    team.status(november["Poster A3"], "in_progress", "2026-11-01")
    team.send(november["Poster A3"], "2026-11-05")
    team.status(november["Poster A3"], "approved", "2026-11-07")  # on J-7 itself: on time
    team.at("2026-11-10")
    team.night("2026-12-12", poster=team.lea, cube=team.hugo)  # J-7 still ahead: not counted
    team.at("2026-11-25")
    return team


def test_compliance_per_month_bar_type_and_assignee(services: Services, team: Team) -> None:
    report = services.stats.report("2026-09", "2026-12")

    none, half = Compliance(0, 0), Compliance(1, 2)
    assert report.months == [("2026-09", none), ("2026-10", half), ("2026-11", half), ("2026-12", none)]
    assert report.bars == [("Le Perchoir", Compliance(0, 2)), ("all bars", Compliance(2, 2))]
    assert report.types == [("Cube LED", Compliance(0, 2)), ("Poster A3", Compliance(2, 2))]
    assert report.assignees == [("Hugo", Compliance(0, 2)), ("Léa", Compliance(2, 2))]
    assert report.overall == Compliance(2, 4) and report.overall.ratio == 0.5
    assert report.months[0][1].ratio is None


def test_times_from_the_first_file_and_the_slowest_step(services: Services, team: Team) -> None:
    report = services.stats.report("2026-09", "2026-12")

    assert report.upload_to_approval == pytest.approx((2 + 4 + 2) / 3, abs=0.01)
    # Waiting for a file: 3 (poster), 2 (cube, reworked), 4 days; for a review: 2, 1 + 1, 2 days.
    assert (report.waiting_for_file, report.waiting_for_review) == (3.0, 2.0)
    assert report.slowest_step == "file"


def test_the_events_compliance_is_the_same_arithmetic(services: Services, team: Team) -> None:
    groups = services.events.compliance(dt.date(2026, 9, 1), dt.date(2026, 12, 31))
    report = services.stats.report("2026-09", "2026-12")
    assert groups["type"] == dict(report.types) and groups["assignee"] == dict(report.assignees)
    assert groups["month"] == {key: c for key, c in report.months if c.total}


def test_the_period_is_the_last_twelve_months_unless_given(services: Services, team: Team) -> None:
    report = services.stats.report()
    assert (report.first_month, report.last_month) == (dt.date(2025, 12, 1), dt.date(2026, 11, 1))
    assert len(report.months) == 12
    with pytest.raises(errors.InvalidInput, match="before") as backwards:
        services.stats.report("2026-12", "2026-01")
    assert backwards.value.field == "to"
    with pytest.raises(errors.InvalidInput, match="YYYY-MM") as bad:
        services.stats.report("2026-13")
    assert bad.value.field == "from"
    with pytest.raises(errors.InvalidInput, match="at most 120 months"):
        services.stats.report("2000-01", "2026-12")


def test_a_slot_keeps_when_it_entered_its_status(services: Services, team: Team) -> None:
    card = team.night("2026-12-19", poster=team.lea, cube=team.hugo)
    poster = card["Poster A3"]
    team.status(poster, "in_progress", "2026-11-25")
    team.at("2026-11-26")
    services.events.update_slot(None, poster, SlotChange(assignee_id=team.hugo.id))  # not a status change
    slot = next(v.slot for v in services.events.card(team_event(services, "2026-12-19")).slots if v.slot.id == poster)
    assert slot.status_since == FixedClock.on(dt.date(2026, 11, 25)).current


def team_event(services: Services, day: str) -> int:
    return next(s.event.id or 0 for s in services.events.calendar() if s.event.date.isoformat() == day)


def test_the_forecast_is_explained_in_the_readers_language(services: Services, team: Team) -> None:
    team.at("2026-11-25")
    for i in range(5):  # five more posters that took five days from start to approval
        night = team.night(f"2026-0{i + 3}-10", poster=team.lea, cube=team.hugo)
        team.status(night["Poster A3"], "in_progress", f"2026-0{i + 3}-01")
        team.status(night["Poster A3"], "approved", f"2026-0{i + 3}-06")
    team.at("2026-11-25")
    soon = team_event(services, "2026-12-12")  # J-7 on 5 December: in 10 days

    early = services.events.card(soon).summary
    assert early.risk is not None and not early.at_risk
    team.at("2026-12-03")  # J-7 in two days
    late = services.events.card(soon).summary

    assert late.at_risk
    french, english = (reasons(late.forecast, translator(language)) for language in (Language.FR, Language.EN))
    assert "Poster A3 : d'habitude 5 jours du début à la validation, il reste 2 jours avant J-7" in french
    assert "Poster A3: usually 5 days from start to approval, 2 days left before J-7" in english


def test_the_model_is_learnt_once_per_revision_and_day(services: Services, team: Team, clock: FixedClock) -> None:
    forecast = services.events.forecast
    services.events.agenda(dt.date(2026, 12, 1), dt.date(2026, 12, 31), revision=7)
    model = forecast.kept(7)

    assert model is not None
    services.events.agenda(dt.date(2027, 1, 1), dt.date(2027, 1, 31), revision=7)
    assert forecast.kept(7) is model  # another month, same revision: not learnt again
    assert forecast.kept(8) is None  # something changed
    clock.advance(days=1)
    assert forecast.kept(7) is None  # a new day
    services.events.agenda(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert forecast.kept(None) is None  # without a revision nothing is kept
