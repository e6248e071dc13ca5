"""The delivery logs do not grow forever, on every backend: sent e-mails and delivered webhook calls go after 30 days,
those given up on after 90, pending ones never; the sender prunes them in batches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import OutboxMessage, OutboxStatus, Webhook, WebhookDelivery
from eventflow.core.ports import UnitOfWorkFactory
from eventflow.core.services.outbox import KEEP_FAILED, KEEP_SENT, PruneReport, prune

TODAY = dt.date(2026, 11, 25)
NOW = FixedClock.on(TODAY).now()
SENT_BEFORE, FAILED_BEFORE = NOW - KEEP_SENT, NOW - KEEP_FAILED


def days_ago(days: float) -> dt.datetime:
    return NOW - dt.timedelta(days=days)


def mail(subject: str, status: OutboxStatus, days: float) -> OutboxMessage:
    """A message queued ``days`` ago and, unless pending, sent or given up on then."""
    when = days_ago(days)
    return OutboxMessage(
        kind="mention", recipient="léa@bars.fr", subject=subject, text="…", html=None, created_at=when,
        next_attempt_at=when, status=status, sent_at=when if status is OutboxStatus.SENT else None,
    )  # fmt: skip


def delivery(webhook_id: int, name: str, status: OutboxStatus, days: float) -> WebhookDelivery:
    when = days_ago(days)
    return WebhookDelivery(
        webhook_id=webhook_id, event_name=name, body="{}", created_at=when, next_attempt_at=when, status=status,
        delivered_at=when if status is OutboxStatus.SENT else None,
    )  # fmt: skip


#: (name, status, days ago, kept?) — the log an admin sees the day of the prune.
LOG = [
    ("sent last week", OutboxStatus.SENT, 7, True),
    ("sent 29 days ago", OutboxStatus.SENT, 29, True),
    ("sent 31 days ago", OutboxStatus.SENT, 31, False),
    ("sent a year ago", OutboxStatus.SENT, 365, False),
    ("given up 31 days ago", OutboxStatus.FAILED, 31, True),
    ("given up 91 days ago", OutboxStatus.FAILED, 91, False),
    ("still retrying since 200 days", OutboxStatus.PENDING, 200, True),
]
KEPT = sorted(name for name, _, _, kept in LOG if kept)


def fill(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        webhook = uow.webhooks.add(Webhook("https://hooks.example/x", "s3cr3t", ["event.created"], days_ago(400)))
        for name, status, days, _ in LOG:
            uow.outbox.add(mail(name, status, days))
            uow.deliveries.add(delivery(webhook.id or 0, name, status, days))
        uow.commit()


def left(make_uow: UnitOfWorkFactory) -> tuple[list[str], list[str]]:
    with make_uow(read_only=True) as uow:
        webhook_id = uow.webhooks.list()[0].id or 0
        return (
            sorted(m.subject for m in uow.outbox.list()),
            sorted(d.event_name for d in uow.deliveries.list_for(webhook_id, 100)),
        )


def test_prune_deletes_old_sent_and_long_given_up_rows_at_most_a_batch_at_a_time(make_uow: UnitOfWorkFactory) -> None:
    fill(make_uow)
    with make_uow() as uow:
        assert uow.outbox.prune(SENT_BEFORE, FAILED_BEFORE, limit=2) == 2
        assert uow.deliveries.prune(SENT_BEFORE, FAILED_BEFORE, limit=2) == 2
        uow.commit()
    with make_uow() as uow:
        assert uow.outbox.prune(SENT_BEFORE, FAILED_BEFORE, limit=2) == 1
        assert uow.deliveries.prune(SENT_BEFORE, FAILED_BEFORE, limit=2) == 1
        assert uow.outbox.prune(SENT_BEFORE, FAILED_BEFORE, limit=2) == 0
        uow.commit()
    assert left(make_uow) == (KEPT, KEPT)


def test_prune_left_uncommitted_deletes_nothing(make_uow: UnitOfWorkFactory) -> None:
    fill(make_uow)
    with make_uow() as uow:
        assert uow.outbox.prune(SENT_BEFORE, FAILED_BEFORE, limit=100) == 3
    assert len(left(make_uow)[0]) == len(LOG)


def services_on(make_uow: UnitOfWorkFactory, data_dir: Path) -> Services:
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(data_dir)})
    return bootstrap(settings, uow=make_uow, clock=FixedClock.on(TODAY), hasher=Argon2Hasher(fast=True))


def test_prune_goes_through_the_whole_log_a_batch_per_transaction(make_uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    fill(make_uow)
    assert prune(services_on(make_uow, tmp_path).ctx, batch=1) == PruneReport(mail=3, deliveries=3)
    assert left(make_uow) == (KEPT, KEPT)


def test_the_mail_sender_prunes_both_logs_and_still_sends(make_uow: UnitOfWorkFactory, tmp_path: Path) -> None:
    fill(make_uow)
    report = services_on(make_uow, tmp_path).outbox.send_due()  # what cron's `outbox send`, `digest`, `remind` run
    assert report.sent == 1  # the pending message still went out; just sent, it stays 30 days
    assert left(make_uow) == (KEPT, KEPT)
