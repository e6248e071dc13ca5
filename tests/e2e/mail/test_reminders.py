"""The J-7 reminders over a real SMTP server: ``eventflow remind`` (CliRunner, then the installed console script on
SQLite as cron runs it) and the web server's worker thread, which reminds from 8:00 without any cron."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from click.testing import CliRunner

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock, SystemClock
from eventflow.core.commands import UserChanges
from eventflow.entrypoints.cli import cli
from eventflow.entrypoints.outbox_worker import start_outbox_worker
from tests.e2e.mail.test_cron import EVENTFLOW
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import Team

FOOTER_FR = "Vous recevez ce message selon vos préférences de notification dans eventflow."
NIGHT = dt.date(2026, 12, 4)  # J-7 on 27 November; today is 25 November


def plan_night(services: Services, team: Team, mailbox: Mailbox) -> int:
    bar = services.bars.list()[0]
    event_id = services.events.create(team.camille, "Nuit Disco", NIGHT, [bar.id or 0]).summary.event.id or 0
    services.events.add_slot(team.camille, event_id, "Poster A3", "A3 PDF 300 dpi", assignee_id=team.alex.id)
    services.events.add_slot(team.camille, event_id, "Flyer", "A5", assignee_id=team.camille.id)
    services.events.add_slot(team.camille, event_id, "Story", "1080x1920", assignee_id=team.lea.id)  # Léa: no reminders
    services.outbox.send_due()  # Alex heard the poster is his: out of the way of the reminders
    mailbox.received.clear()
    return event_id


def test_eventflow_remind_emails_each_assignee_in_their_language_once_a_day(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    event_id = plan_night(services, team, mailbox)
    runner = CliRunner()
    first = runner.invoke(cli, ["remind"], obj=services)
    assert first.exit_code == 0, first.output
    assert first.output == "Reminders queued: 2; already sent: 0.\nSent 2 e-mail(s).\n"

    alex = mailbox.to("alex.martin@bars.fr")[0]
    assert alex.subject == "J-7 in 2 days: Poster A3 — Nuit Disco"
    assert "must be approved by November 27, 2026 (J-7); its status now: To do." in alex.part("plain")
    assert f'href="{BASE_URL}/events/{event_id}"' in alex.part("html")
    assert [m.subject for m in mailbox.to("camille@bars.fr")] == ["J-7 dans 2 jours : Flyer — Nuit Disco"]
    assert mailbox.to("lea@bars.fr") == []  # she kept only the review requests

    clock.advance(hours=10)
    again = runner.invoke(cli, ["remind"], obj=services)
    assert again.output == "Reminders queued: 0; already sent: 2.\nSent 0 e-mail(s).\n"
    clock.advance(days=2)  # 27 November: J-7 of Nuit Disco; no run on the 26th, when Soirée Disco was at J-9
    runner.invoke(cli, ["remind"], obj=services)
    (both,) = mailbox.to("alex.martin@bars.fr")[1:]  # his two reminders of the day in one e-mail
    assert both.subject == "Soirée Disco, Nuit Disco: 2 updates"
    body = both.part("plain")
    assert "J-7 today: Poster A3 — Nuit Disco" in body
    assert "J-7 tomorrow: Affiche été — Soirée Disco" in body  # the missed first reminder, a day late


def test_the_reminders_of_a_night_nobody_is_assigned_to_reach_its_planner_as_one_e_mail(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    bar = services.bars.list()[0]
    event_id = services.events.create(team.camille, "Blind Test", NIGHT, [bar.id or 0]).summary.event.id or 0
    for name in ("Totem", "Door LED", "Story"):
        services.events.add_slot(team.camille, event_id, name, "1080x1920")
    services.outbox.send_due()
    mailbox.received.clear()

    assert CliRunner().invoke(cli, ["remind"], obj=services).exit_code == 0
    (mail,) = mailbox.to("camille@bars.fr")  # not three e-mails at once about the same night
    assert mail.subject == "Blind Test : 3 nouvelles"
    body = mail.part("plain")
    for name in ("Totem", "Door LED", "Story"):
        assert f"J-7 dans 2 jours : {name} — Blind Test" in body
    assert body.count("Personne n'en est encore chargé.") == 3
    assert body.count(f"Ouvrir la fiche : {BASE_URL}/events/{event_id}") == 1  # one night: its card's link once
    assert body.rstrip().endswith(f"Ouvrir la fiche : {BASE_URL}/events/{event_id}\n\n--\n{FOOTER_FR}")
    assert mail.part("html").count(f'href="{BASE_URL}/events/{event_id}"') == 1


def test_the_console_script_reminds_once_from_cron(tmp_path: Path, smtp_server: Controller, mailbox: Mailbox) -> None:
    env = {
        **os.environ,
        "EVENTFLOW_DATA_DIR": str(tmp_path / "data"),
        "EVENTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'eventflow.db'}",
        "EVENTFLOW_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?from=planning@bars.fr",
        "EVENTFLOW_BASE_URL": "https://eventflow.bars.fr",
    }
    factory = SqlUnitOfWorkFactory.from_url(env["EVENTFLOW_DATABASE_URL"])
    try:
        services = bootstrap(Settings.from_env(env), uow=factory, hasher=Argon2Hasher(fast=True))
        lea = services.users.add(None, "lea@bars.fr", "Léa")
        bar = services.bars.add(None, "Le Comptoir")
        night = SystemClock("Europe/Paris").today() + dt.timedelta(days=9)  # J-7 the day after tomorrow
        card = services.events.create(None, "Soirée Mousse", night, [bar.id or 0])
        services.events.add_slot(None, card.summary.event.id or 0, "Vidéo écran", assignee_id=lea.id)
    finally:
        factory.dispose()

    def remind() -> str:
        done = subprocess.run([str(EVENTFLOW), "remind"], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert remind().startswith("Reminders queued: 1; already sent: 0.")
    assert remind().startswith("Reminders queued: 0; already sent: 1.")
    (mail,) = mailbox.received
    assert (mail.rcpt_tos, mail.subject) == (["lea@bars.fr"], "J-7 dans 2 jours : Vidéo écran — Soirée Mousse")


def test_the_served_app_reminds_from_eight_in_the_morning_without_cron(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    plan_night(services, team, mailbox)
    clock.current = FixedClock.on(dt.date(2026, 11, 25), hour=7).current
    worker = start_outbox_worker(services, interval=0.05)
    try:
        time.sleep(0.5)
        assert mailbox.received == []  # not at night: people are reminded in the morning
        clock.advance(hours=1, minutes=30)
        deadline = time.monotonic() + 10
        while len(mailbox.received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # more rounds of the worker bring nothing more
    finally:
        worker.stop()
    assert sorted(m.subject for m in mailbox.received) == [
        "J-7 dans 2 jours : Flyer — Nuit Disco",
        "J-7 in 2 days: Poster A3 — Nuit Disco",
    ]


def test_a_reminder_leaves_a_line_in_the_inbox_of_whoever_it_e_mails_once(
    services: Services, team: Team, mailbox: Mailbox, clock: FixedClock
) -> None:
    event_id = plan_night(services, team, mailbox)
    assert services.reminders.run().queued == 2
    alex, lea = (services.users.get(u.id or 0) for u in (team.alex, team.lea))
    [line] = [n for n in services.inbox.notifications(alex) if n.kind == "reminder"]
    assert (line.event_id, line.read) == (event_id, False)
    assert line.text == (
        "“Poster A3” of “Nuit Disco” (December 4, 2026) must be approved by November 27, 2026 (J-7); "
        "its status now: To do."
    )
    assert [n for n in services.inbox.notifications(lea) if n.kind == "reminder"] == []  # not e-mailed: no line

    clock.advance(hours=4)
    assert services.reminders.run().queued == 0
    assert len([n for n in services.inbox.notifications(alex) if n.kind == "reminder"]) == 1  # not twice
    clock.advance(days=2)  # J-7 itself: the second reminder, its second line
    services.reminders.run()
    lines = [n for n in services.inbox.notifications(alex) if n.kind == "reminder" and n.event_id == event_id]
    assert len(lines) == 2


def test_reminder_lines_are_read_in_the_language_chosen_since(services: Services, team: Team, mailbox: Mailbox) -> None:
    """Camille read French when reminded of her flyer and of a slot nobody took; in English now, so are both lines."""
    event_id = plan_night(services, team, mailbox)
    services.events.add_slot(team.camille, event_id, "Vidéo écran", "1920x1080")
    services.reminders.run()
    camille = services.users.get(team.camille.id or 0)
    assert all("doit être validé" in n.text for n in services.inbox.notifications(camille) if n.kind == "reminder")

    camille = services.users.update(camille, camille.id or 0, UserChanges(language="en"))

    texts = sorted(n.text for n in services.inbox.notifications(camille) if n.kind == "reminder")
    assert texts == [
        "“Flyer” of “Nuit Disco” (December 4, 2026) must be approved by November 27, 2026 (J-7); its status now: "
        "To do.",
        "“Vidéo écran” of “Nuit Disco” (December 4, 2026) must be approved by November 27, 2026 (J-7); its status now: "
        "To do. Nobody is assigned to it yet.",
    ]
