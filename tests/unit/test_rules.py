import datetime as dt

from eventflow.core import rules
from eventflow.core.model import Bar, Deliverable, DeliverableTemplate, Health, Screen, Status

NIGHT = dt.date(2026, 12, 12)


def slot(status: Status = Status.TODO, enabled: bool = True) -> Deliverable:
    return Deliverable(event_id=1, name="Flyer", status=status, enabled=enabled)


def test_at_j7_a_slot_is_not_late_yet_but_at_j6_it_is() -> None:
    assert not rules.is_late(slot(), NIGHT, NIGHT - dt.timedelta(days=7))
    assert rules.is_late(slot(), NIGHT, NIGHT - dt.timedelta(days=6))


def test_approved_or_disabled_slots_are_never_late() -> None:
    j_minus_1 = NIGHT - dt.timedelta(days=1)
    assert not rules.is_late(slot(Status.APPROVED), NIGHT, j_minus_1)
    assert not rules.is_late(slot(enabled=False), NIGHT, j_minus_1)


def test_health_of_an_event() -> None:
    j10, j6 = NIGHT - dt.timedelta(days=10), NIGHT - dt.timedelta(days=6)
    assert rules.health([], NIGHT, j10) is Health.NONE
    assert rules.health([slot(enabled=False)], NIGHT, j6) is Health.NONE
    assert rules.health([slot(Status.APPROVED), slot(enabled=False)], NIGHT, j6) is Health.GREEN
    assert rules.health([slot(Status.APPROVED), slot(Status.REVIEW)], NIGHT, j10) is Health.ORANGE
    assert rules.health([slot(Status.APPROVED), slot(Status.REVIEW)], NIGHT, j6) is Health.RED


def test_countdown_is_negative_once_the_night_is_past() -> None:
    assert rules.countdown(NIGHT, NIGHT - dt.timedelta(days=3)) == 3
    assert rules.countdown_label(NIGHT, NIGHT) == "J-0"
    assert rules.countdown_label(NIGHT, NIGHT + dt.timedelta(days=2)) == "J+2"


def test_slots_come_from_default_templates_and_from_each_bars_matching_screens() -> None:
    templates = [
        DeliverableTemplate("Poster A3", "A3 PDF 300 dpi", is_default=True, id=1),
        DeliverableTemplate("Cube LED", "generic", is_default=True, hardware_kind="cube_led", id=2),
        DeliverableTemplate("Banner", "2x1 m", is_default=False, id=3),
    ]
    bars = [
        Bar("Le Cube", screens=(Screen("cube_led", "Cube", "1024x1024 mp4"),), id=10),
        Bar("La Cave", screens=(Screen("door_led", specs="1920x320 mp4"),), id=11),
    ]
    slots = rules.generate_slots(5, bars, templates)
    assert [(s.name, s.specs, s.bar_id) for s in slots] == [
        ("Poster A3", "A3 PDF 300 dpi", None),
        ("Cube LED", "1024x1024 mp4", 10),
    ]


def test_quota_and_alert_threshold() -> None:
    assert rules.quota_check(used=60, reserved=30, incoming=10, quota=100).allowed
    assert not rules.quota_check(used=60, reserved=30, incoming=11, quota=100).allowed
    assert rules.crossed_alert_threshold(79, 80, 100)
    assert not rules.crossed_alert_threshold(80, 90, 100)


def test_compliance_counts_only_enabled_slots_approved_by_their_due_date() -> None:
    due = NIGHT - dt.timedelta(days=7)
    rows = [
        ("2026-12", slot(Status.APPROVED), NIGHT, due),
        ("2026-12", slot(Status.APPROVED), NIGHT, due + dt.timedelta(days=1)),
        ("2026-12", slot(Status.TODO), NIGHT, None),
        ("2026-12", slot(enabled=False), NIGHT, None),
    ]
    result = rules.compliance_by(rows)["2026-12"]
    assert (result.on_time, result.total) == (1, 3)
