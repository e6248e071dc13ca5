"""The repositories of follows and in-app notifications, and the outbox's grouped claims, on every backend (memory,
SQLite, PostgreSQL, MariaDB): round trips, one choice per person and night, unread counts read with the session,
marks that touch only the owner's lines, cascades, and a group claimed by one sender only."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.core.errors import Conflict
from eventflow.core.i18n import Message
from eventflow.core.model import Follow, Notification, OutboxMessage, OutboxStatus, Session
from eventflow.core.ports import UnitOfWorkFactory
from tests.integration.sql.test_repositories import T0, add_event, add_user, at


def line(
    user_id: int, minutes: int, text: str = "Léa a validé « Affiche » 🎉", event_id: int | None = None
) -> Notification:
    return Notification(user_id, "approved", text, at(minutes), event_id)


def test_a_follow_reads_back_and_is_one_per_person_and_night(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        lea, sam = add_user(uow, "lea@bars.fr", "Léa"), add_user(uow, "sam@bars.fr", "Sam")
        night = add_event(uow)
        chosen = uow.follows.add(Follow(night.id or 0, lea.id or 0, True, at(1)))
        uow.follows.add(Follow(night.id or 0, sam.id or 0, False, at(2)))
        uow.commit()
    with make_uow() as uow:
        assert uow.follows.get(night.id or 0, lea.id or 0) == chosen
        assert uow.follows.get(night.id or 0, 999) is None
        assert [(f.user_id, f.following) for f in uow.follows.list_for_event(night.id or 0)] == [
            (lea.id, True), (sam.id, False)
        ]  # fmt: skip
        chosen.following, chosen.at = False, at(5)
        uow.follows.update(chosen)
        uow.commit()
    with make_uow() as uow:
        assert uow.follows.get(night.id or 0, lea.id or 0) == chosen
        with pytest.raises(Conflict, match="already follows"):
            uow.follows.add(Follow(night.id or 0, lea.id or 0, True, at(6)))


def test_a_nights_follows_go_with_it_and_the_card_reads_them(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        lea = add_user(uow, "lea@bars.fr", "Léa")
        night, other = add_event(uow), add_event(uow, "Karaoké", 13)
        uow.follows.add(Follow(night.id or 0, lea.id or 0, True, at(1)))
        uow.follows.add(Follow(other.id or 0, lea.id or 0, False, at(1)))
        uow.commit()
    with make_uow() as uow:
        card = uow.read_models.card(night.id or 0)
        assert card is not None and [(f.user_id, f.following) for f in card.follows] == [(lea.id, True)]
        uow.events.delete(night.id or 0)
        uow.commit()
    with make_uow() as uow:
        assert uow.follows.list_for_event(night.id or 0) == []
        assert len(uow.follows.list_for_event(other.id or 0)) == 1


def test_notifications_newest_first_unread_counted_and_marked_for_their_owner_only(
    make_uow: UnitOfWorkFactory,
) -> None:
    with make_uow() as uow:
        lea, sam = add_user(uow, "lea@bars.fr", "Léa"), add_user(uow, "sam@bars.fr", "Sam")
        night = add_event(uow)
        first = uow.notifications.add(line(lea.id or 0, 1, event_id=night.id))
        second = uow.notifications.add(line(lea.id or 0, 2, "Sam a commenté « Soirée Disco »"))
        third = uow.notifications.add(line(lea.id or 0, 3))
        theirs = uow.notifications.add(line(sam.id or 0, 2))
        uow.commit()
    with make_uow() as uow:
        assert uow.notifications.list_for_user(lea.id or 0) == [third, second, first]
        assert uow.notifications.list_for_user(lea.id or 0, limit=1) == [third]
        assert uow.notifications.unread_count(lea.id or 0) == 3
        assert uow.notifications.mark_read(lea.id or 0, at(10), [first.id or 0, theirs.id or 0]) == 1
        assert uow.notifications.mark_read(lea.id or 0, at(11), []) == 0
        uow.commit()
    with make_uow() as uow:
        assert uow.notifications.get(first.id or 0).read_at == at(10)  # type: ignore[union-attr]
        assert uow.notifications.unread_count(sam.id or 0) == 1
        assert uow.notifications.mark_read(lea.id or 0, at(12)) == 2
        assert uow.notifications.mark_read(lea.id or 0, at(13)) == 0
        uow.commit()
    with make_uow() as uow:
        assert [n.read for n in uow.notifications.list_for_user(lea.id or 0)] == [True, True, True]
        assert uow.notifications.get(first.id or 0).read_at == at(10)  # type: ignore[union-attr]


def test_what_a_line_says_reads_back_whole_and_older_lines_have_only_their_text(make_uow: UnitOfWorkFactory) -> None:
    intro = Message(
        "%(actor)s requested changes to “%(slot)s” of “%(event)s” (%(date)s).",
        {"actor": Message("Someone"), "slot": "Affiche", "event": "Soirée « Disco » 🎉", "date": dt.date(2026, 12, 12),
         "version": 2},
    )  # fmt: skip
    said = Message("%(first)s %(then)s", {"first": intro, "then": "Plus gros, le logo — et en <b>gras</b> " * 20})
    with make_uow() as uow:
        lea = add_user(uow, "lea@bars.fr", "Léa")
        kept = uow.notifications.add(
            Notification(lea.id or 0, "changes_requested", "Quelqu'un demande des modifications", at(2), message=said)
        )
        older = uow.notifications.add(line(lea.id or 0, 1))
        uow.commit()
    with make_uow() as uow:
        assert uow.notifications.list_for_user(lea.id or 0) == [kept, older]
        assert uow.notifications.get(kept.id or 0).message == said  # type: ignore[union-attr]
        assert uow.notifications.get(older.id or 0).message is None  # type: ignore[union-attr]


def test_the_session_read_brings_the_users_unread_count(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        lea = add_user(uow, "lea@bars.fr", "Léa")
        uow.sessions.add(Session("h" * 64, lea.id or 0, T0, T0 + dt.timedelta(days=30)))
        for minutes in (1, 2):
            uow.notifications.add(line(lea.id or 0, minutes))
        uow.commit()
    with make_uow(read_only=True) as uow:
        caller = uow.sessions.get_with_user("h" * 64)
        assert caller is not None and caller.unread == 2


def message(recipient: str, minutes: float, group_key: str | None) -> OutboxMessage:
    return OutboxMessage("assigned", recipient, "Pour vous : Affiche", "…", created_at=at(int(minutes)),
                         next_attempt_at=at(int(minutes) + 1), group_key=group_key)  # fmt: skip


def test_a_group_is_claimed_whole_by_one_sender_due_or_not(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        first = uow.outbox.add(message("lea@bars.fr", 0, "user:1"))
        later = uow.outbox.add(message("lea@bars.fr", 5, "user:1"))
        sent = uow.outbox.add(message("lea@bars.fr", 0, "user:1"))
        sent.status = OutboxStatus.SENT
        uow.outbox.update(sent)
        other = uow.outbox.add(message("sam@bars.fr", 0, "user:2"))
        uow.commit()
    with make_uow() as uow:
        assert uow.outbox.claim(first.id or 0, "a" * 32, at(1), at(6))
        taken = uow.outbox.claim_group("user:1", "a" * 32, at(1), at(6))
        assert [m.id for m in taken] == [first.id, later.id]  # not the sent one, nor Sam's
        uow.commit()
    with make_uow() as uow:
        assert uow.outbox.claim_group("user:1", "b" * 32, at(2), at(7)) == []  # held by the first sender
        assert [m.id for m in uow.outbox.claim_group("user:1", "b" * 32, at(7), at(12))] == [first.id, later.id]
        assert uow.outbox.get(other.id or 0).claim_token is None  # type: ignore[union-attr]
