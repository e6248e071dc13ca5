"""The outbox repository contract, on every backend: queueing, de-duplication, what is due, claims and failures."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.core.errors import Conflict
from eventflow.core.model import OutboxMessage, OutboxStatus
from eventflow.core.ports import UnitOfWorkFactory

T0 = dt.datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def message(recipient: str = "léa@bars.fr", minutes: float = 0, **fields: object) -> OutboxMessage:
    values: dict[str, object] = {
        "kind": "mention",
        "recipient": recipient,
        "subject": "Camille vous a mentionné·e — Soirée Disco 🎉",
        "text": "Bonjour,\n« Été » ✓\n",
        "html": "<p>« Été » ✓</p>",
        "created_at": at(minutes),
        "next_attempt_at": at(minutes),
        **fields,
    }
    return OutboxMessage(**values)  # type: ignore[arg-type]


def queue(make_uow: UnitOfWorkFactory, *messages: OutboxMessage) -> list[int]:
    with make_uow() as uow:
        ids = [uow.outbox.add(m).id or 0 for m in messages]
        uow.commit()
    return ids


def test_a_queued_message_reads_back_the_same(make_uow: UnitOfWorkFactory) -> None:
    (message_id,) = queue(make_uow, message(event_id=7, dedupe_key="digest:1:2026-11-25"))
    with make_uow() as uow:
        stored = uow.outbox.get(message_id)
    assert stored == message(event_id=7, dedupe_key="digest:1:2026-11-25", id=message_id)
    assert stored is not None and stored.status is OutboxStatus.PENDING and stored.attempts == 0


def test_a_dedupe_key_is_queued_once(make_uow: UnitOfWorkFactory) -> None:
    queue(make_uow, message(dedupe_key="digest:1:2026-11-25"))
    with make_uow() as uow:
        assert uow.outbox.has_key("digest:1:2026-11-25")
        assert not uow.outbox.has_key("digest:1:2026-11-26")
        with pytest.raises(Conflict, match="already queued"):
            uow.outbox.add(message(dedupe_key="digest:1:2026-11-25"))
    queue(make_uow, message(), message())  # messages without a key never clash


def test_due_lists_pending_unheld_messages_whose_time_has_come_oldest_first(make_uow: UnitOfWorkFactory) -> None:
    _, _, first, _, _ = queue(
        make_uow,
        message("later@bars.fr", minutes=10),
        message("sent@bars.fr", status=OutboxStatus.SENT, sent_at=at(0)),
        message("first@bars.fr", minutes=-5),
        message("failed@bars.fr", status=OutboxStatus.FAILED),
        message("held@bars.fr", claim_token="x" * 32, claimed_until=at(3)),
    )
    with make_uow() as uow:
        assert [m.recipient for m in uow.outbox.due(at(1), 10)] == ["first@bars.fr"]
        assert [m.recipient for m in uow.outbox.due(at(11), 10)] == ["first@bars.fr", "held@bars.fr", "later@bars.fr"]
        assert [m.id for m in uow.outbox.due(at(11), 1)] == [first]


def test_a_message_is_claimed_by_one_sender_until_its_lease_ends(make_uow: UnitOfWorkFactory) -> None:
    (message_id,) = queue(make_uow, message())
    with make_uow() as uow:
        assert uow.outbox.claim(message_id, "a" * 32, at(1), at(6))
        uow.commit()
    with make_uow() as uow:
        assert not uow.outbox.claim(message_id, "b" * 32, at(2), at(7))
        assert uow.outbox.due(at(2), 10) == []
        assert uow.outbox.claim(message_id, "c" * 32, at(6), at(11))  # the first sender's lease ran out
        uow.commit()
    with make_uow() as uow:
        stored = uow.outbox.get(message_id)
    assert stored is not None and (stored.claim_token, stored.claimed_until) == ("c" * 32, at(11))


def test_a_claim_left_uncommitted_is_forgotten(make_uow: UnitOfWorkFactory) -> None:
    (message_id,) = queue(make_uow, message())
    with make_uow() as uow:
        assert uow.outbox.claim(message_id, "a" * 32, at(1), at(6))
    with make_uow() as uow:
        assert uow.outbox.claim(message_id, "b" * 32, at(1), at(6))


def test_failing_messages_are_those_unsent_with_an_error_newest_first(make_uow: UnitOfWorkFactory) -> None:
    queue(
        make_uow,
        message("ok@bars.fr", minutes=0),
        message("retrying@bars.fr", minutes=1, attempts=2, last_error="SMTPServerDisconnected: closed"),
        message("gave-up@bars.fr", minutes=2, status=OutboxStatus.FAILED, attempts=8, last_error="timeout"),
        message("sent-at-last@bars.fr", minutes=3, status=OutboxStatus.SENT, last_error="timeout", sent_at=at(4)),
    )
    with make_uow() as uow:
        assert [m.recipient for m in uow.outbox.list(failing_only=True)] == ["gave-up@bars.fr", "retrying@bars.fr"]
        assert [m.recipient for m in uow.outbox.list(limit=2)] == ["sent-at-last@bars.fr", "gave-up@bars.fr"]


def test_a_delivery_state_is_saved(make_uow: UnitOfWorkFactory) -> None:
    (message_id,) = queue(make_uow, message())
    with make_uow() as uow:
        stored = uow.outbox.get(message_id)
        assert stored is not None
        stored.status, stored.attempts, stored.sent_at = OutboxStatus.SENT, 1, at(2)
        uow.outbox.update(stored)
        uow.commit()
    with make_uow() as uow:
        again = uow.outbox.get(message_id)
    assert again is not None and (again.status, again.attempts, again.sent_at) == (OutboxStatus.SENT, 1, at(2))
