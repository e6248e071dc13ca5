"""The repositories of webhooks, their deliveries and calendar feeds, on every backend (memory, SQLite, PostgreSQL,
MariaDB): round trips, the delivery queue's claims, cascades and the unique feed secret."""

from __future__ import annotations

import datetime as dt

import pytest

from eventflow.core.errors import Conflict
from eventflow.core.model import (
    Bar,
    Event,
    Feed,
    Language,
    OutboxStatus,
    User,
    Webhook,
    WebhookDelivery,
    WebhookFormat,
)
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory

T0 = dt.datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def add_webhook(uow: UnitOfWork, url: str = "https://hooks.bars.fr/é?x=1") -> Webhook:
    return uow.webhooks.add(
        Webhook(url, "s3cret-of-sixteen+", ["deliverable.approved", "comment.added"], T0, WebhookFormat.TEAMS,
                Language.EN)
    )  # fmt: skip


def delivery(webhook_id: int, minutes: float = 0, **fields: object) -> WebhookDelivery:
    values: dict[str, object] = {"body": '{"text": "Léa a validé « Affiche » 🎉"}', **fields}
    return WebhookDelivery(webhook_id, "deliverable.approved", created_at=at(minutes), next_attempt_at=at(minutes),
                           **values)  # type: ignore[arg-type]  # fmt: skip


def test_a_webhook_and_its_deliveries_read_back_the_same(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        hook = add_webhook(uow)
        sent = uow.deliveries.add(delivery(hook.id or 0, status=OutboxStatus.SENT, attempts=2, last_status_code=204,
                                           last_attempt_at=at(3), delivered_at=at(3), last_error=None))  # fmt: skip
        uow.commit()
    with make_uow() as uow:
        assert uow.webhooks.get(hook.id or 0) == hook
        assert uow.webhooks.list() == [hook]
        assert uow.deliveries.get(sent.id or 0) == sent


def test_deliveries_are_listed_newest_first_and_due_oldest_first(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        hook, other = add_webhook(uow), add_webhook(uow, "http://127.0.0.1:9/other")
        old, new = uow.deliveries.add(delivery(hook.id or 0, 0)), uow.deliveries.add(delivery(hook.id or 0, 5))
        later = uow.deliveries.add(delivery(hook.id or 0, 60))
        done = uow.deliveries.add(delivery(other.id or 0, 1, status=OutboxStatus.SENT))
        uow.commit()
    with make_uow() as uow:
        assert [d.id for d in uow.deliveries.list_for(hook.id or 0, 2)] == [later.id, new.id]
        assert [d.id for d in uow.deliveries.due(at(10), 10)] == [old.id, new.id]
        assert done.id not in [d.id for d in uow.deliveries.due(at(100), 10)]


def test_a_delivery_is_claimed_by_one_sender_until_its_lease_ends(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        first = uow.deliveries.add(delivery(add_webhook(uow).id or 0))
        uow.commit()
    with make_uow() as uow:
        assert uow.deliveries.claim(first.id or 0, "a" * 32, at(1), at(6))
        uow.commit()
    with make_uow() as uow:
        assert not uow.deliveries.claim(first.id or 0, "b" * 32, at(2), at(7))
        assert uow.deliveries.due(at(2), 10) == []
        assert uow.deliveries.claim(first.id or 0, "b" * 32, at(6), at(11))  # the first sender's lease ran out


def test_deleting_a_webhook_deletes_its_deliveries(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        hook, kept = add_webhook(uow), add_webhook(uow, "https://kept.bars.fr")
        gone = uow.deliveries.add(delivery(hook.id or 0))
        stays = uow.deliveries.add(delivery(kept.id or 0))
        uow.commit()
    with make_uow() as uow:
        uow.webhooks.delete(hook.id or 0)
        uow.commit()
    with make_uow() as uow:
        assert uow.webhooks.list() == [kept]
        assert uow.deliveries.get(gone.id or 0) is None and uow.deliveries.get(stays.id or 0) is not None


def test_feeds_are_found_by_secret_hash_owner_or_bar(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user = uow.users.add(User(email="lea@bars.fr", name="Léa"))
        bar = uow.bars.add(Bar(name="Le Comptoir"))
        mine = uow.feeds.add(Feed("a" * 64, "1" * 32, T0, user_id=user.id))
        staff = uow.feeds.add(Feed("b" * 64, "2" * 32, T0, bar_id=bar.id))
        uow.commit()
    with make_uow() as uow:
        assert uow.feeds.get_by_hash("a" * 64) == mine
        assert uow.feeds.for_user(user.id or 0) == mine and uow.feeds.for_bar(bar.id or 0) == staff
        assert uow.feeds.get_by_hash("c" * 64) is None
        uow.feeds.delete(mine.id or 0)
        uow.commit()
    with make_uow() as uow:
        assert uow.feeds.for_user(user.id or 0) is None and uow.feeds.get_by_hash("a" * 64) is None
        with pytest.raises(Conflict, match="calendar feed already exists"):
            uow.feeds.add(Feed("b" * 64, "3" * 32, T0, user_id=user.id))


def test_an_events_change_counter_and_time_read_back(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        bar = uow.bars.add(Bar(name="Le Comptoir"))
        event = uow.events.add(Event(name="Nuit Disco", date=dt.date(2026, 12, 12), bar_ids=[bar.id or 0]))
        assert (event.sequence, event.updated_at) == (0, None)
        event.sequence, event.updated_at = 3, at(5)
        uow.events.update(event)
        uow.commit()
    with make_uow() as uow:
        stored = uow.events.get(event.id or 0)
        assert stored is not None and (stored.sequence, stored.updated_at) == (3, at(5))
        (shown,) = uow.read_models.calendar(dt.date(2026, 12, 1), dt.date(2026, 12, 31)).events
        assert (shown.sequence, shown.updated_at) == (3, at(5))
