"""Who gets which e-mail, end to end: a change queues messages in the outbox, the sender delivers them to a real
SMTP server on localhost, and the test reads what arrived."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from eventflow.bootstrap import Services
from eventflow.config import ConfigError, Settings
from eventflow.core.commands import UserChanges
from eventflow.core.model import OutboxStatus
from eventflow.core.services import record
from eventflow.core.services.events import SlotChange
from tests.support import samples
from tests.support.mail import BASE_URL, Mailbox
from tests.support.team import Team


def card_url(team: Team) -> str:
    return f"{BASE_URL}/events/{team.event_id}"


def test_a_slot_moved_to_review_mails_the_admins_and_the_opted_in_validators_only(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="review"))

    assert services.outbox.send_due().sent == 2
    assert mailbox.recipients == ["camille@bars.fr", "lea@bars.fr"]  # not Alex (the actor), Sam (opted out), Zoé
    mail = mailbox.to("camille@bars.fr")[0]
    assert mail.subject == "À valider : Affiche été — Soirée Disco"
    assert "Alex Martin a mis « Affiche été » de « Soirée Disco » (5 décembre 2026) en validation." in mail.part(
        "plain"
    )
    assert card_url(team) in mail.part("plain")
    assert f'<a href="{card_url(team)}">Ouvrir la fiche</a>' in mail.part("html")


def test_a_new_version_sends_the_slot_to_review_and_tells_the_validators(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="in_progress"))
    services.outbox.send_due()
    assert mailbox.received == []  # in progress concerns nobody

    services.assets.upload_version(team.alex, team.slot_id, "affiche-v1.png", io.BytesIO(samples.png()))
    services.outbox.send_due()
    assert mailbox.recipients == ["camille@bars.fr", "lea@bars.fr"]
    assert "Alex Martin a mis « Affiche été »" in mailbox.received[0].part("plain")


def test_the_assignee_who_opted_in_hears_of_a_review_requested_by_someone_else(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.events.update_slot(team.sam, team.slot_id, SlotChange(status="review"))
    services.outbox.send_due()
    assert mailbox.recipients == ["alex.martin@bars.fr", "camille@bars.fr", "lea@bars.fr"]
    assert mailbox.to("alex.martin@bars.fr")[0].subject == "To review: Affiche été — Soirée Disco"


def test_the_outcome_of_a_review_goes_to_the_assignee_in_their_language(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="review"))
    services.outbox.send_due()
    mailbox.received.clear()

    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="changes_requested", reason="Logo"))
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()

    assert [m.rcpt_tos for m in mailbox.received] == [["alex.martin@bars.fr"], ["alex.martin@bars.fr"]]
    changes, approved = mailbox.received
    assert changes.subject == "Changes requested: Affiche été — Soirée Disco"
    assert approved.subject == "Approved: Affiche été — Soirée Disco"
    assert "Camille approved “Affiche été” of “Soirée Disco” (December 5, 2026)." in approved.part("plain")
    assert card_url(team) in approved.part("html")


def test_nobody_hears_about_their_own_approval(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    assert mailbox.received == []


def test_an_assignee_who_opted_out_gets_no_outcome(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.users.update(team.alex, team.alex.id or 0, UserChanges(notifications=["mention"]))
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    assert mailbox.received == []


def test_a_mention_mails_the_mentioned_only_with_the_comment(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.comments.add(
        team.camille, team.event_id, "<p>@alex.martin le logo est <b>trop petit</b>, @Sam tu valides ?</p>"
    )
    services.outbox.send_due()

    assert mailbox.recipients == ["alex.martin@bars.fr"]  # Sam is mentioned but opted out; Léa is not mentioned
    mail = mailbox.received[0]
    assert mail.subject == "Camille mentioned you — Soirée Disco"
    assert "le logo est trop petit" in mail.part("plain")
    assert "<b>trop petit</b>" in mail.part("html")
    assert card_url(team) in mail.part("plain")


def test_the_change_and_its_messages_are_one_transaction(services: Services, team: Team) -> None:
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="review"))
    queued = services.outbox.list(team.camille)
    assert [(m.recipient, m.kind, m.status) for m in queued] == [
        ("lea@bars.fr", "review_requested", OutboxStatus.PENDING),
        ("camille@bars.fr", "review_requested", OutboxStatus.PENDING),
    ]
    assert all(m.event_id == team.event_id for m in queued)


def test_a_storage_alert_goes_to_every_active_admin_whatever_their_preferences(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    services.users.update(None, team.camille.id or 0, UserChanges(notifications=[]))
    with services.uow() as uow:
        after = {"percent": 81, "used_bytes": 81 * 1024**3 // 100 * 30, "quota_bytes": 30 * 1024**3}
        record(services.ctx, uow, None, "storage.alert", "storage", None, after=after)
        uow.commit()
    services.outbox.send_due()
    assert mailbox.recipients == ["camille@bars.fr"]
    assert mailbox.received[0].subject == "eventflow : stockage à 81 % du quota"
    body = " ".join(mailbox.received[0].part("plain").split())  # French sizes: a decimal comma, a no-break space
    assert "Les fichiers occupent maintenant 24,3 Go sur 30 Go (81 %)." in body


def test_a_change_rolled_back_queues_nothing(services: Services, team: Team) -> None:
    with services.uow() as uow:
        slot = uow.deliverables.get(team.slot_id)
        assert slot is not None
        after = {"status": "review"}
        record(services.ctx, uow, team.alex, "slot.updated", "deliverable", slot.id, team.event_id, {}, after)
        assert len(uow.outbox.list()) == 2  # queued inside the transaction…
    assert services.outbox.list(team.camille) == []  # …and gone with it


def test_a_deactivated_user_gets_nothing(services: Services, team: Team, mailbox: Mailbox) -> None:
    services.users.update(None, team.alex.id or 0, UserChanges(active=False))
    services.comments.add(team.camille, team.event_id, "@alex.martin tu es là ?")
    services.events.update_slot(team.camille, team.slot_id, SlotChange(status="approved"))
    services.outbox.send_due()
    assert mailbox.received == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, "http://127.0.0.1:8000"), ("https://eventflow.bars.fr/", "https://eventflow.bars.fr")],
)
def test_the_base_url_of_links_is_configurable(tmp_path: Path, value: str | None, expected: str) -> None:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path)} | ({"EVENTFLOW_BASE_URL": value} if value else {})
    assert Settings.from_env(env).base_url == expected


def test_a_base_url_that_is_not_http_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="EVENTFLOW_BASE_URL"):
        Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path), "EVENTFLOW_BASE_URL": "eventflow.bars.fr"})
