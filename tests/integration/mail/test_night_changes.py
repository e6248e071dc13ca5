"""A night moved to another date, cancelled or restored tells the people who follow it (its creator, assignees,
uploaders, commenters and those who chose to follow it): a line in their inbox, and the e-mail when they kept the
``following`` preference, grouped with the others of the minute. Whoever made the change hears nothing of it."""

from __future__ import annotations

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges, UserChanges
from eventflow.core.model import DEFAULT_NOTIFICATIONS, Notification, User
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import Team


def lines(services: Services, user: User, kind: str) -> list[Notification]:
    me = services.users.get(user.id or 0)
    return [n for n in services.inbox.notifications(me) if n.kind == kind]


def test_a_moved_night_tells_its_followers_but_not_the_mover(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.comments.add(team.sam, team.event_id, "J'apporte la boule à facettes")  # Sam: no e-mail at all
    services.inbox.follow(services.users.get(team.lea.id or 0), team.event_id)  # Léa: by choice, no such e-mail
    services.outbox.send_due()
    mailbox.received.clear()

    services.events.update(team.camille, team.event_id, EventChanges(date="2026-12-12"))
    services.outbox.send_due()

    assert mailbox.recipients == ["alex.martin@bars.fr"]  # the assignee, in English; not Camille, who moved it
    [mail] = mailbox.received
    assert mail.subject == "Moved to December 12, 2026: Soirée Disco"
    assert (
        "Camille moved “Soirée Disco” from December 5, 2026 to December 12, 2026; its deliverables are now due by "
        "December 5, 2026 (J-7)." in mail.part("plain")
    )
    assert f'href="{BASE_URL}/events/{team.event_id}"' in mail.part("html")
    [sam] = lines(services, team.sam, "moved")
    assert sam.text == (
        "Camille a déplacé « Soirée Disco » du 5 décembre 2026 au 12 décembre 2026 ; ses livrables sont maintenant "
        "à rendre pour le 5 décembre 2026 (J-7)."
    )
    assert sam.event_id == team.event_id and len(lines(services, team.lea, "moved")) == 1
    assert lines(services, team.camille, "moved") == []

    services.events.update(team.alex, team.event_id, EventChanges(date="2026-12-13"))  # Alex moves it himself
    services.outbox.send_due()
    assert len(mailbox.to("alex.martin@bars.fr")) == 1 and len(lines(services, team.alex, "moved")) == 1
    assert len(lines(services, team.sam, "moved")) == 2


def test_other_edits_of_a_night_tell_nobody(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.events.update(team.camille, team.event_id, EventChanges(name="Soirée Disco Fever", notes="Bring ice"))
    services.events.update(team.camille, team.event_id, EventChanges(date="2026-12-05"))  # the same date
    services.outbox.send_due()
    assert mailbox.received == []
    alex = services.users.get(team.alex.id or 0)
    assert services.inbox.notifications(alex) == []


def test_cancelling_and_restoring_a_night_tell_its_followers(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.events.update(team.camille, team.event_id, EventChanges(cancelled=True))
    services.events.update(team.camille, team.event_id, EventChanges(cancelled=True))  # again: no news
    services.events.update(team.camille, team.event_id, EventChanges(cancelled=False))
    services.outbox.send_due()
    assert [m.subject for m in mailbox.to("alex.martin@bars.fr")] == [
        "Cancelled: Soirée Disco (December 5, 2026)",
        "Back on: Soirée Disco (December 5, 2026)",
    ]
    assert "Camille cancelled “Soirée Disco” (December 5, 2026)." in mailbox.received[0].part("plain")
    assert "Camille restored “Soirée Disco” (December 5, 2026): the night is on again." in mailbox.received[1].part(
        "plain"
    )
    assert mailbox.recipients == ["alex.martin@bars.fr"] * 2
    assert [len(lines(services, team.alex, kind)) for kind in ("cancelled", "restored")] == [1, 1]


def test_the_news_of_a_night_leaves_grouped_with_the_other_e_mails_of_the_minute(
    burst_services: Services, mailbox: Mailbox, clock: FixedClock
) -> None:
    services = burst_services
    team = Team.make(services)
    lea = services.users.update(None, team.lea.id or 0, UserChanges(notifications=list(DEFAULT_NOTIFICATIONS)))
    services.comments.add(lea, team.event_id, "Je m'occupe du son")
    services.events.update(team.camille, team.event_id, EventChanges(date="2026-12-12"))
    clock.advance(seconds=10)
    services.events.update(team.camille, team.event_id, EventChanges(cancelled=True))
    assert services.outbox.send_due().sent == 0  # waiting a minute for the others
    clock.advance(minutes=1)
    services.outbox.send_due()
    [mail] = mailbox.to("alex.martin@bars.fr")  # the comment, the move and the cancel as one message
    assert mail.subject == "Soirée Disco: 3 updates"
    body = mail.part("plain")
    assert "Moved to December 12, 2026: Soirée Disco" in body and "Cancelled: Soirée Disco" in body
    assert mailbox.to("camille@bars.fr") == []  # she made both changes
