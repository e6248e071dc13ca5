"""The insight API: ``GET /api/stats`` (the J-7 dashboard's figures) and the risk forecast on events and cards."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UserChanges
from eventflow.core.model import Bar, DeliverableTemplate, User
from eventflow.core.services.events import SlotChange
from tests.support.history import past_posters
from tests.support.web import Api


@pytest.fixture
def history(services: Services, clock: FixedClock, bar: Bar, templates: list[DeliverableTemplate]) -> None:
    """Six past nights whose Poster A3 took five days from the start of work to approval (on time), while their
    Cube LED was never done (late)."""
    past_posters(services, clock, bar)


def test_stats_give_the_four_groups_with_on_time_total_and_ratio(as_member: Api, history: None) -> None:
    stats = as_member.get("/api/stats", params={"from": "2026-08", "to": "2026-11"}).json

    assert [m["key"] for m in stats["months"]] == ["2026-08", "2026-09", "2026-10", "2026-11"]
    assert stats["months"][0] == {"key": "2026-08", "on_time": 1, "total": 2, "ratio": 0.5}  # the night of 27 August
    assert stats["months"][3] == {"key": "2026-11", "on_time": 0, "total": 0, "ratio": None}
    assert stats["types"] == [
        {"key": "Cube LED", "on_time": 0, "total": 6, "ratio": 0.0},
        {"key": "Poster A3", "on_time": 6, "total": 6, "ratio": 1.0},
    ]
    assert stats["bars"] == [
        {"key": "Le Perchoir", "on_time": 0, "total": 6, "ratio": 0.0},
        {"key": "all bars", "on_time": 6, "total": 6, "ratio": 1.0},
    ]
    assert stats["assignees"] == [{"key": "unassigned", "on_time": 6, "total": 12, "ratio": 0.5}]
    assert stats["overall"] == {"key": "all", "on_time": 6, "total": 12, "ratio": 0.5}
    assert (stats["first_month"], stats["last_month"]) == ("2026-08", "2026-11")
    assert stats["waiting_for_file_days"] == 5.0 and stats["slowest_step"] == "file"


def test_stats_cover_the_last_twelve_months_by_default_and_refuse_a_bad_period(as_member: Api) -> None:
    stats = as_member.get("/api/stats").json
    assert [stats["months"][0]["key"], stats["months"][-1]["key"]] == ["2025-12", "2026-11"]
    assert stats["upload_to_approval_days"] is None and stats["slowest_step"] is None
    for params, field in (({"from": "2026-13"}, "from"), ({"from": "2026-05", "to": "2026-01"}, "to"),
                          ({"to": "soon"}, "to"), ({"to": ""}, "to")):  # fmt: skip
        bad = as_member.get("/api/stats", params=params)
        assert bad.status_code == 422 and bad.json["field"] == field


def test_events_and_the_card_carry_the_risk_and_its_reasons(
    services: Services, as_member: Api, member: User, history: None, bar: Bar, clock: FixedClock
) -> None:
    clock.current = FixedClock.on(dt.date(2026, 12, 3)).current  # J-9 of the night: J-7 in three days
    night = services.events.create(None, "Nuit Disco", "2026-12-12", [bar.id or 0]).summary.event
    cube = next(v.slot for v in services.events.card(night.id or 0).slots if v.slot.name == "Cube LED")
    services.events.update_slot(None, cube.id or 0, SlotChange(enabled=False))  # no Cube LED this time
    services.users.update(None, member.id or 0, UserChanges(language="en"))

    (item,) = as_member.get("/api/events", params={"from": "2026-12-01", "to": "2026-12-31"}).json
    card = as_member.get(f"/api/events/{night.id}").json

    assert item["risk"] == card["risk"] == 1.0  # every past poster took 5 days: today and the two left are not enough
    assert card["risk_reasons"] == ["Poster A3: usually 5 days from start to approval, 2 days left before J-7"]
    poster = next(s for s in card["deliverables"] if s["name"] == "Poster A3")
    as_member.patch(f"/api/deliverables/{poster['id']}", json={"status": "approved"})
    done = as_member.get(f"/api/events/{night.id}").json
    assert (done["risk"], done["risk_reasons"]) == (None, [])  # nothing left to do


def test_a_past_night_has_no_risk(as_member: Api, history: None) -> None:
    past = as_member.get("/api/events", params={"from": "2026-09-01", "to": "2026-10-01"}).json
    assert past and {e["risk"] for e in past} == {None}
