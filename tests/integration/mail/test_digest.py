"""The daily digest through ``eventflow digest``: per user, late and due this week, grouped by event; nothing when
there is nothing to say; twice on one day sends once. Read back from the real SMTP server."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner, Result

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.services.events import SlotChange
from eventflow.entrypoints.cli import cli
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import Team


def digest(services: Services) -> Result:
    return CliRunner().invoke(cli, ["digest"], obj=services)


def add_event(services: Services, name: str, day: dt.date, *slots: tuple[str, int | None]) -> int:
    bar = services.bars.list()[0]
    event_id = services.events.create(None, name, day, [bar.id or 0]).summary.event.id or 0
    for slot, assignee in slots:
        services.events.add_slot(None, event_id, slot, assignee_id=assignee)
    return event_id


def test_the_digest_lists_late_and_due_slots_grouped_by_event_for_each_user(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    # today 2026-11-25: Soirée Disco (12-05) is due 11-28 (this week); Karaoké (11-30) was due 11-23 (late);
    # Noël (12-24) is due 12-17 (not this week); an approved slot is never listed.
    karaoke = add_event(services, "Karaoké", dt.date(2026, 11, 30), ("Flyer", team.alex.id), ("Story", None))
    add_event(services, "Noël", dt.date(2026, 12, 24), ("Menu", team.alex.id))
    done = add_event(services, "Quiz", dt.date(2026, 11, 29), ("Affiche", team.alex.id))
    services.events.update_slot(None, services.events.card(done).slots[0].slot.id or 0, SlotChange(status="approved"))
    services.outbox.send_due()
    mailbox.received.clear()  # Alex heard of the approval; only the digest counts below

    result = digest(services)
    assert result.exit_code == 0, result.output
    assert "Digest queued for 2 user(s); nothing to say to 0; 0 already had today's." in result.output
    assert "Sent 2 e-mail(s)." in result.output
    assert mailbox.recipients == ["alex.martin@bars.fr", "camille@bars.fr"]  # Léa and Sam did not opt in

    alex = mailbox.to("alex.martin@bars.fr")[0]  # English; only the slots assigned to Alex
    assert alex.subject == "Digest for November 25, 2026: 1 late, 1 due this week"
    text = alex.part("plain")
    assert text.index("Late — Karaoké (November 30, 2026)") < text.index("- Flyer [To do]")
    assert "Due this week (by December 1, 2026) — Soirée Disco (December 5, 2026)" in text
    assert "- Affiche été [To do]" in text
    assert f"{BASE_URL}/events/{karaoke}" in text and f'href="{BASE_URL}/events/{team.event_id}"' in alex.part("html")
    assert "Story" not in text and "Noël" not in text and "Quiz" not in text

    camille = mailbox.to("camille@bars.fr")[0]  # the admin sees every open slot, in French
    assert camille.subject == "Récap du 25 novembre 2026 : 2 en retard, 1 à rendre cette semaine"
    assert "- Story [À faire]" in camille.part("plain")


def test_running_the_digest_twice_on_one_day_sends_once(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    assert digest(services).exit_code == 0
    assert len(mailbox.received) == 2
    clock.advance(hours=9)  # 17:00 the same day
    again = digest(services)
    assert "Digest queued for 0 user(s); nothing to say to 0; 2 already had today's." in again.output
    assert len(mailbox.received) == 2

    clock.advance(days=1)
    digest(services)
    assert len(mailbox.received) == 4


def test_nothing_is_sent_when_there_is_nothing_to_say(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.events.update_slot(None, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    mailbox.received.clear()
    result = digest(services)
    assert "Digest queued for 0 user(s); nothing to say to 2; 0 already had today's." in result.output
    assert mailbox.received == []


def test_outbox_commands_show_admins_what_failed(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.comments.add(team.camille, team.event_id, "@alex regarde")
    runner = CliRunner()
    assert runner.invoke(cli, ["outbox", "list", "--failed"], obj=services).output.strip() == "No failing e-mail."

    mailbox.refuse_with = "451 4.3.0 Mailbox busy, try again later"
    sent = runner.invoke(cli, ["outbox", "send"], obj=services)
    assert sent.exit_code == 0
    assert "Sent 0 e-mail(s)." in sent.stdout
    assert "1 will be retried, 0 given up: see `eventflow outbox list --failed`." in sent.stderr
    failing = runner.invoke(cli, ["outbox", "list", "--failed"], obj=services).output
    assert "pending" in failing and "alex.martin@bars.fr" in failing and "SMTPDataError" in failing
    (entry,) = json.loads(runner.invoke(cli, ["outbox", "list", "--failed", "--json"], obj=services).output)
    assert (entry["recipient"], entry["attempts"], entry["status"]) == ("alex.martin@bars.fr", 1, "pending")
