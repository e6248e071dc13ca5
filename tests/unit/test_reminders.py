"""The J-7 reminders: the schedule (pure, then day by day with an injected clock), who is reminded, and that a run
queues only what was never queued (the outbox's dedupe key)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges, UserChanges
from eventflow.core.model import Deliverable, OutboxMessage, Status, User
from eventflow.core.rules_reminders import ReminderStep, reminder_step, slot_reminder
from eventflow.core.services.events import SlotChange
from tests.support import samples

DUE = dt.date(2026, 11, 27)  # J-7 of a night on 4 December
NIGHT = DUE + dt.timedelta(days=7)


@pytest.mark.parametrize(
    ("days_before", "step"),
    [(4, None), (3, None), (2, ReminderStep.SOON), (1, ReminderStep.SOON), (0, ReminderStep.TODAY), (-1, None)],
)
def test_the_reminder_a_deadline_calls_for_each_day(days_before: int, step: ReminderStep | None) -> None:
    assert reminder_step(DUE, DUE - dt.timedelta(days=days_before)) is step


@pytest.mark.parametrize(("status", "enabled"), [(Status.APPROVED, True), (Status.REVIEW, False)])
def test_approved_or_disabled_slots_need_no_reminder(status: Status, enabled: bool) -> None:
    slot = Deliverable(event_id=1, name="Flyer", status=status, enabled=enabled)
    assert slot_reminder(slot, NIGHT, DUE) is None
    assert slot_reminder(Deliverable(event_id=1, name="Flyer", status=Status.REVIEW), NIGHT, DUE) is ReminderStep.TODAY


# -- the service, on the memory fakes ----------------------------------------------------------------------------
def people(services: Services) -> tuple[User, User, User]:
    camille = services.users.add(None, "camille@bars.fr", "Camille", role="admin")
    alex = services.users.add(None, "alex.martin@bars.fr", "Alex Martin", language="en")
    lea = services.users.add(None, "lea@bars.fr", "Léa")
    return camille, alex, lea


def plan(services: Services, planner: User | None, day: dt.date = NIGHT) -> int:
    bar = services.bars.list()[0] if services.bars.list() else services.bars.add(None, "Le Comptoir")
    return services.events.create(planner, "Nuit Disco", day, [bar.id or 0]).summary.event.id or 0


def reminders(services: Services) -> list[tuple[str, str]]:
    """(recipient, subject) of every reminder queued so far, oldest first."""
    with services.uow(read_only=True) as uow:
        queued: list[OutboxMessage] = uow.outbox.list()
    return [(m.recipient, m.subject) for m in reversed(queued) if m.kind == "reminders"]


def test_day_by_day_the_assignee_is_reminded_two_days_before_j7_then_on_the_day(
    services: Services, clock: FixedClock
) -> None:
    camille, alex, _ = people(services)
    event_id = plan(services, camille)
    services.events.add_slot(camille, event_id, "Poster A3", assignee_id=alex.id)
    services.events.add_slot(camille, event_id, "Flyer", assignee_id=alex.id)
    services.events.update_slot(
        None, services.events.card(event_id).slots[-1].slot.id or 0, SlotChange(status="approved")
    )

    seen = {}
    for day in (dt.date(2026, 11, 24) + dt.timedelta(days=n) for n in range(6)):
        clock.current = FixedClock.on(day, hour=9).current
        services.reminders.run()
        seen[day.isoformat()] = len(reminders(services))
    assert seen == {"2026-11-24": 0, "2026-11-25": 1, "2026-11-26": 1, "2026-11-27": 2, "2026-11-28": 2,
                    "2026-11-29": 2}  # fmt: skip
    assert reminders(services) == [
        ("alex.martin@bars.fr", "J-7 in 2 days: Poster A3 — Nuit Disco"),
        ("alex.martin@bars.fr", "J-7 today: Poster A3 — Nuit Disco"),
    ]


def test_a_second_run_the_same_day_queues_nothing_new(services: Services, clock: FixedClock) -> None:
    camille, _, lea = people(services)
    event_id = plan(services, camille)  # today 25 Nov: J-7 in two days
    services.events.add_slot(camille, event_id, "Poster A3", assignee_id=lea.id)
    first = services.reminders.run()
    clock.advance(hours=8)
    second = services.reminders.run()
    assert (first.queued, first.already_sent, second.queued, second.already_sent) == (1, 0, 0, 1)
    assert reminders(services) == [("lea@bars.fr", "J-7 dans 2 jours : Poster A3 — Nuit Disco")]


def test_a_night_moved_later_is_reminded_again_for_its_new_deadline(services: Services, clock: FixedClock) -> None:
    camille, _, lea = people(services)
    event_id = plan(services, camille)  # J-7 on 27 Nov, today 25 Nov
    services.events.add_slot(camille, event_id, "Poster A3", assignee_id=lea.id)
    services.reminders.run()
    services.events.update(camille, event_id, EventChanges(date=NIGHT + dt.timedelta(days=1)))  # J-7 on 28 Nov
    clock.advance(days=1)
    services.reminders.run()
    assert [subject for _, subject in reminders(services)] == ["J-7 dans 2 jours : Poster A3 — Nuit Disco"] * 2


def test_a_slot_added_the_day_before_is_reminded_that_j7_is_tomorrow(services: Services, clock: FixedClock) -> None:
    camille, alex, _ = people(services)
    clock.current = FixedClock.on(DUE - dt.timedelta(days=1), hour=9).current
    services.events.add_slot(camille, plan(services, camille), "Cube LED", assignee_id=alex.id)
    services.reminders.run()
    assert reminders(services) == [("alex.martin@bars.fr", "J-7 tomorrow: Cube LED — Nuit Disco")]


def test_nobody_assigned_the_people_the_night_concerns_are_reminded(services: Services) -> None:
    camille, alex, lea = people(services)
    sam = services.users.add(None, "sam@bars.fr", "Sam")
    services.users.add(None, "zoe@bars.fr", "Zoé")  # has nothing to do with the night
    event_id = plan(services, camille)
    services.events.add_slot(camille, event_id, "Poster A3")
    flyer = services.events.add_slot(camille, event_id, "Flyer", assignee_id=sam.id)
    services.comments.add(lea, event_id, "Je peux m'en occuper ?")
    services.assets.upload_version(alex, flyer.id or 0, "flyer.pdf", io.BytesIO(samples.pdf()))
    # the Flyer's assignee left: as if nobody were assigned
    services.users.update(None, sam.id or 0, UserChanges(active=False))
    services.outbox.send_due()

    services.reminders.run()
    assert sorted(reminders(services)) == [
        ("alex.martin@bars.fr", "J-7 in 2 days: Flyer — Nuit Disco"),
        ("alex.martin@bars.fr", "J-7 in 2 days: Poster A3 — Nuit Disco"),
        ("camille@bars.fr", "J-7 dans 2 jours : Flyer — Nuit Disco"),
        ("camille@bars.fr", "J-7 dans 2 jours : Poster A3 — Nuit Disco"),
        ("lea@bars.fr", "J-7 dans 2 jours : Flyer — Nuit Disco"),
        ("lea@bars.fr", "J-7 dans 2 jours : Poster A3 — Nuit Disco"),
    ]


def test_people_who_turned_reminders_off_are_not_reminded(services: Services) -> None:
    camille, alex, _ = people(services)
    assert "reminders" in alex.notifications  # on by default
    services.users.update(alex, alex.id or 0, UserChanges(notifications=["mention"]))
    services.events.add_slot(camille, plan(services, camille), "Poster A3", assignee_id=alex.id)
    assert services.reminders.run().queued == 0
    assert reminders(services) == []


def test_the_reminder_says_what_is_due_when_and_links_to_the_card(services: Services) -> None:
    camille, _, lea = people(services)
    event_id = plan(services, camille)
    services.events.add_slot(camille, event_id, "Poster A3", assignee_id=lea.id)
    services.reminders.run()
    with services.uow(read_only=True) as uow:
        (mail,) = [m for m in uow.outbox.list() if m.kind == "reminders"]  # Léa also heard the poster is hers
    assert mail.text.startswith(
        "« Poster A3 » de « Nuit Disco » (4 décembre 2026) doit être validé au plus tard le 27 novembre 2026 (J-7) ;"
        " statut actuel : À faire."
    )
    assert f"/events/{event_id}" in mail.text and mail.event_id == event_id
