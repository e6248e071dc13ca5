"""Notifications that matter, read back from a real SMTP server on localhost: by default a person hears only about
what concerns them (slots assigned to them, their uploads reviewed, mentions, nights they follow); the inbox keeps
a line for each; bursts of e-mails to one person leave as one message."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UserChanges
from eventflow.core.model import DEFAULT_NOTIFICATIONS
from eventflow.core.services.events import SlotChange
from eventflow.core.services.inbox import InboxService
from tests.support import samples
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import EVENT_DAY, Team


def night_planned_by_lea(services: Services, team: Team) -> tuple[int, int]:
    """Léa (who keeps the defaults here) plans a night and assigns its poster to Alex."""
    services.users.update(None, team.lea.id or 0, UserChanges(notifications=list(DEFAULT_NOTIFICATIONS)))
    lea = services.users.get(team.lea.id or 0)
    bar = services.bars.list()[0]
    event_id = services.events.create(lea, "Karaoké", EVENT_DAY, [bar.id or 0]).summary.event.id or 0
    slot = services.events.add_slot(lea, event_id, "Poster", "A3", assignee_id=team.alex.id)
    return event_id, slot.id or 0


def test_a_new_version_tells_the_assignee_and_the_creator_and_nobody_it_does_not_concern(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    event_id, slot_id = night_planned_by_lea(services, team)
    services.outbox.send_due()
    assert [(m.rcpt_tos, m.subject) for m in mailbox.received] == [
        (["alex.martin@bars.fr"], "Assigned to you: Poster — Karaoké")
    ]
    mailbox.received.clear()

    services.assets.upload_version(team.sam, slot_id, "poster-v1.png", io.BytesIO(samples.png()))
    services.outbox.send_due()

    # Camille validates (opted in to every review); Alex is assigned; Léa planned it. Sam sent it; Zoé is gone.
    assert mailbox.recipients == ["alex.martin@bars.fr", "camille@bars.fr", "lea@bars.fr"]
    assert mailbox.to("lea@bars.fr")[0].subject == "Nouvelle version : Poster — Karaoké"
    assert "Sam a envoyé la v1 de « Poster » de « Karaoké »" in mailbox.to("lea@bars.fr")[0].part("plain")
    assert mailbox.to("alex.martin@bars.fr")[0].subject == "New version: Poster — Karaoké"
    assert mailbox.to("camille@bars.fr")[0].subject == "À valider : Poster — Karaoké"
    assert f"{BASE_URL}/events/{event_id}" in mailbox.to("lea@bars.fr")[0].part("plain")


def test_a_member_who_keeps_the_defaults_hears_nothing_of_nights_that_are_not_theirs(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.users.update(None, team.sam.id or 0, UserChanges(notifications=list(DEFAULT_NOTIFICATIONS)))
    sam = services.users.get(team.sam.id or 0)
    services.assets.upload_version(team.alex, team.slot_id, "v1.png", io.BytesIO(samples.png()))
    services.comments.add(team.camille, team.event_id, "Belle affiche")
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    assert mailbox.to("sam@bars.fr") == []
    assert services.inbox.notifications(sam) == []


def test_following_a_night_brings_its_news_and_unfollowing_stops_them(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.users.update(None, team.sam.id or 0, UserChanges(notifications=list(DEFAULT_NOTIFICATIONS)))
    sam = services.users.get(team.sam.id or 0)
    inbox: InboxService = services.inbox
    assert inbox.follow(sam, team.event_id).following is True
    services.comments.add(team.camille, team.event_id, "On garde le doré ?")
    services.outbox.send_due()
    (mail,) = mailbox.to("sam@bars.fr")
    assert mail.subject == "Nouveau commentaire — Soirée Disco"
    assert "On garde le doré ?" in mail.part("plain")

    assert inbox.follow(sam, team.event_id, following=False).following is False
    services.comments.add(team.camille, team.event_id, "Et le rouge ?")
    services.outbox.send_due()
    assert len(mailbox.to("sam@bars.fr")) == 1
    assert [n.kind for n in inbox.notifications(sam)] == ["comment"]


def test_a_creator_who_unfollows_hears_no_more_of_the_night(services: Services, team: Team, mailbox: Mailbox) -> None:
    _, slot_id = night_planned_by_lea(services, team)
    lea = services.users.get(team.lea.id or 0)
    services.outbox.send_due()
    services.inbox.follow(lea, services.events.slot(slot_id).slot.event_id, following=False)
    services.assets.upload_version(team.alex, slot_id, "poster-v1.png", io.BytesIO(samples.png()))
    services.outbox.send_due()
    assert mailbox.to("lea@bars.fr") == []


def test_whoever_uploaded_hears_the_outcome_and_the_reason_comes_once(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.users.update(None, team.sam.id or 0, UserChanges(notifications=list(DEFAULT_NOTIFICATIONS)))
    services.assets.upload_version(team.sam, team.slot_id, "v1.png", io.BytesIO(samples.png()))
    services.outbox.send_due()
    mailbox.received.clear()
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="changes_requested", reason="Logo"))
    services.outbox.send_due()
    assert [m.subject for m in mailbox.to("sam@bars.fr")] == ["Modifications demandées : Affiche été — Soirée Disco"]
    assert [m.subject for m in mailbox.to("alex.martin@bars.fr")] == ["Changes requested: Affiche été — Soirée Disco"]


def test_a_request_for_changes_carries_its_reason_cleaned_in_the_e_mail_and_the_inbox(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    reason = 'Le <b>logo</b> est trop petit <script>alert("x")</script><img src=x onerror=alert(1)>'
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="changes_requested", reason=reason))
    services.outbox.send_due()
    [mail] = mailbox.to("alex.martin@bars.fr")
    assert mail.subject == "Changes requested: Affiche été — Soirée Disco"
    plain_text, page = mail.part("plain"), mail.part("html")
    assert "> Le logo est trop petit" in plain_text and "<b>" not in plain_text
    assert "<b>logo</b> est trop petit" in page
    assert "script" not in page and "onerror" not in page and "alert" not in plain_text + page
    alex = services.users.get(team.alex.id or 0)
    [line] = [n for n in services.inbox.notifications(alex) if n.kind == "changes_requested"]
    assert line.text == (
        "Camille requested changes to “Affiche été” of “Soirée Disco” (December 5, 2026). Le logo est trop petit"
    )


def test_the_inbox_keeps_a_line_for_each_change_even_when_the_e_mail_is_off(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.users.update(team.alex, team.alex.id or 0, UserChanges(notifications=[]))
    alex = services.users.get(team.alex.id or 0)
    services.comments.add(team.camille, team.event_id, "@alex.martin le logo ?")
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    assert mailbox.to("alex.martin@bars.fr") == []
    lines = services.inbox.notifications(alex)
    assert [(n.kind, n.event_id, n.read) for n in lines] == [
        ("approved", team.event_id, False),
        ("mention", team.event_id, False),
    ]
    assert lines[0].text == "Camille approved “Affiche été” of “Soirée Disco” (December 5, 2026)."
    assert services.inbox.unread(alex) == 2
    assert services.inbox.mark_read(alex, [lines[1].id or 0]) == 1
    assert services.inbox.unread(alex) == 1
    assert services.inbox.mark_read(alex) == 1
    assert services.inbox.unread(alex) == 0


def test_ten_uploads_within_a_minute_reach_each_person_as_one_e_mail(
    burst_services: Services, mailbox: Mailbox, clock: FixedClock
) -> None:
    services = burst_services
    team = Team.make(services)
    for n in range(10):
        services.assets.upload_version(team.alex, team.slot_id, f"affiche-v{n + 1}.png", io.BytesIO(samples.png()))
        clock.advance(seconds=5)
    assert services.outbox.send_due().sent == 0  # the first e-mail waits a minute for the others
    clock.advance(seconds=15)  # a minute after the first upload
    report = services.outbox.send_due()
    assert report.sent == 2 and services.outbox.send_due().sent == 0
    (mail,) = mailbox.to("camille@bars.fr")
    assert mail.subject == "Soirée Disco : 10 nouvelles"  # which night, seen in the list of e-mails
    body = mail.part("plain")
    assert body.count("Alex Martin a mis « Affiche été » de « Soirée Disco » (5 décembre 2026) en validation.") == 10
    assert body.count("Vous recevez ce message") == 1
    # one heading and one link for the ten lines about the same slot, not ten times each
    assert body.count("À valider : Affiche été — Soirée Disco") == 1
    assert body.count(f"Ouvrir la fiche : {BASE_URL}/events/{team.event_id}") == 1
    page = mail.part("html")
    assert page.count(f'href="{BASE_URL}/events/{team.event_id}"') == 1 and page.count("<h2>") == 1
    assert page.index("Alex Martin") < page.index(f'href="{BASE_URL}/events/{team.event_id}"')
    (lea,) = mailbox.to("lea@bars.fr")
    assert lea.subject == "Soirée Disco : 10 nouvelles"

    clock.advance(minutes=5)
    services.comments.add(team.camille, team.event_id, "@alex.martin super, merci")
    clock.advance(minutes=1)
    services.outbox.send_due()
    assert [m.subject for m in mailbox.to("alex.martin@bars.fr")] == ["Camille mentioned you — Soirée Disco"]


def test_links_point_where_eventflow_serves_when_no_base_url_is_set(tmp_path: object) -> None:
    from eventflow.config import Settings

    unset = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path)})
    assert unset.served_at("127.0.0.1", 8123).base_url == "http://127.0.0.1:8123"
    assert unset.served_at("::1", 8123).base_url == "http://[::1]:8123"
    given = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_BASE_URL": "https://ef.bars.fr"})
    assert given.served_at("127.0.0.1", 8123).base_url == "https://ef.bars.fr"
    assert dt.timedelta(seconds=unset.mail_group_seconds) == dt.timedelta(minutes=1)


def test_eventflow_serve_on_another_port_writes_that_port_in_the_e_mails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from eventflow.entrypoints.cli import cli
    from eventflow.entrypoints.web import server

    served: list[Services] = []
    monkeypatch.delenv("EVENTFLOW_BASE_URL", raising=False)
    monkeypatch.delenv("EVENTFLOW_DATABASE_URL", raising=False)
    monkeypatch.setattr(server, "run", lambda services, host, port: served.append(services))
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    (services,) = served
    try:
        ada = services.users.add(None, "ada@bars.fr", "Ada", role="admin")
        max_ = services.users.add(None, "max@bars.fr", "Max")
        bar = services.bars.add(None, "Le Comptoir")
        event_id = services.events.create(ada, "Soirée Disco", EVENT_DAY, [bar.id or 0]).summary.event.id
        services.comments.add(ada, event_id or 0, "@max tu es dispo ?")
        (mail,) = [m for m in services.outbox.list(None) if m.recipient == max_.email]
        assert f"http://127.0.0.1:8123/events/{event_id}" in mail.text
    finally:
        services.database.dispose()  # type: ignore[attr-defined]


def test_cron_s_digest_links_where_eventflow_serve_last_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from eventflow.bootstrap import bootstrap
    from eventflow.config import Settings
    from eventflow.core.clock import SystemClock
    from eventflow.entrypoints.cli import cli
    from eventflow.entrypoints.web import server

    monkeypatch.delenv("EVENTFLOW_BASE_URL", raising=False)
    monkeypatch.delenv("EVENTFLOW_DATABASE_URL", raising=False)
    monkeypatch.setenv("EVENTFLOW_TIMEZONE", "Europe/Paris")
    served: list[Services] = []
    monkeypatch.setattr(server, "run", lambda services, host, port: served.append(services))
    assert CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "serve", "--port", "8123"]).exit_code == 0
    (services,) = served
    try:
        lea = services.users.add(None, "lea@bars.fr", "Léa")
        bar = services.bars.add(None, "Le Comptoir")
        night = SystemClock("Europe/Paris").today() + dt.timedelta(days=3)  # J-7 is past: late, in the digest
        event_id = services.events.create(None, "Soirée Mousse", night, [bar.id or 0]).summary.event.id
        services.events.add_slot(None, event_id or 0, "Vidéo écran", assignee_id=lea.id)
    finally:
        services.database.dispose()  # type: ignore[attr-defined]

    digest = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "digest", "--queue-only"])  # cron, a new process
    assert digest.exit_code == 0, digest.output
    later = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path)}))
    try:
        (mail,) = [m for m in later.outbox.list(None) if m.kind == "digest"]
        assert f"http://127.0.0.1:8123/events/{event_id}" in mail.text
        assert "127.0.0.1:8000" not in mail.text
    finally:
        later.database.dispose()  # type: ignore[attr-defined]
