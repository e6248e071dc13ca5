"""Delivering the outbox: claim each due message, send it, mark it sent; retry failures with exponential back-off.

A sender first *claims* a message in its own committed transaction (only one sender can win a claim), then talks to
the mail server outside any transaction, then records the outcome. Two senders (cron and the web server's thread,
or two gunicorn workers) therefore never send the same message. A sender that dies between sending and recording
leaves a claim that expires after ``LEASE``; only then can the message go out a second time.

Messages with a ``group_key`` (e-mails about changes, queued to wait a minute) leave together: whoever claims the first
one due claims every pending message of its group too, due or not yet, and sends them as one e-mail.

The sender also keeps the delivery logs from growing forever (``prune``): sent e-mails and delivered webhook calls go
after ``KEEP_SENT``, those given up on after ``KEEP_FAILED`` (long enough for an admin to see and retry them),
pending ones never. Every sender does it at most once per ``PRUNE_EVERY``: cron's ``digest``, ``remind`` and
``outbox send`` once per run, the web server's thread hourly.
"""

from __future__ import annotations

import builtins
import datetime as dt
import uuid
from collections.abc import Callable

from attrs import define, field, frozen

from eventflow.core import errors
from eventflow.core.model import Language, OutboxMessage, OutboxStatus
from eventflow.core.ports import DeliveryRepository, Notifier, OutboxRepository, UnitOfWork
from eventflow.core.services import Actor, Context, record, require_admin
from eventflow.core.services.mail_layout import Mail, bundle

MAX_ATTEMPTS = 8
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=5)
BATCH = 100
KEEP_SENT = dt.timedelta(days=30)
KEEP_FAILED = dt.timedelta(days=90)
PRUNE_BATCH = 500  # rows deleted per transaction, so a first prune of a large log never holds locks for long
PRUNE_EVERY = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt after ``attempts`` failures: 1, 2, 4, 8… minutes, at most 6 hours."""
    wait: dt.timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


@frozen
class SendReport:
    sent: int
    retrying: int
    given_up: int


@frozen
class PruneReport:
    mail: int
    deliveries: int


def prune(ctx: Context, batch: int = PRUNE_BATCH) -> PruneReport:
    """Delete the sent e-mails and webhook deliveries older than ``KEEP_SENT`` and those given up on more than
    ``KEEP_FAILED`` ago, ``batch`` rows per transaction; how many of each went."""
    now = ctx.clock.now()

    def drain(table: Callable[[UnitOfWork], OutboxRepository | DeliveryRepository]) -> int:
        total, removed = 0, batch
        while removed == batch:
            with ctx.uow() as uow:
                removed = table(uow).prune(now - KEEP_SENT, now - KEEP_FAILED, batch)
                uow.commit()
            total += removed
        return total

    return PruneReport(mail=drain(lambda uow: uow.outbox), deliveries=drain(lambda uow: uow.deliveries))


@define
class OutboxService:
    ctx: Context
    notifier: Notifier
    _pruned_at: dt.datetime | None = field(default=None, init=False)

    def send_due(self, limit: int = BATCH) -> SendReport:
        """Send every message due now (up to ``limit``), then prune the delivery logs when that is due; never raises
        for a mail-server failure."""
        token = uuid.uuid4().hex
        with self.ctx.uow(read_only=True) as uow:
            due = [m.id for m in uow.outbox.due(self.ctx.clock.now(), limit) if m.id is not None]
        outcomes = [self._send_one(message_id, token) for message_id in due]
        now = self.ctx.clock.now()
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            prune(self.ctx)
            self._pruned_at = now
        return SendReport(
            sent=outcomes.count(OutboxStatus.SENT),
            retrying=outcomes.count(OutboxStatus.PENDING),
            given_up=outcomes.count(OutboxStatus.FAILED),
        )

    def list(self, actor: Actor, failing_only: bool = False, limit: int | None = 200) -> list[OutboxMessage]:
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            return uow.outbox.list(failing_only=failing_only, limit=limit)

    def retry(self, actor: Actor, message_id: int) -> OutboxMessage:
        """Put a message that was given up on back in the queue, due now, with a fresh set of attempts."""
        require_admin(actor)
        with self.ctx.uow() as uow:
            message = uow.outbox.get(message_id)
            if message is None:
                raise errors.NotFound("outbox message", message_id)
            if message.status is not OutboxStatus.FAILED:
                raise errors.Conflict(
                    "message %(message_id)s is %(value)s, not failed: nothing to retry",
                    message_id=message_id,
                    value=message.status.value,
                )
            message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING, 0, self.ctx.clock.now()
            uow.outbox.update(message)
            record(self.ctx, uow, actor, "outbox.retried", "outbox", message_id, message.event_id)
            uow.commit()
        return message

    def _send_one(self, message_id: int, token: str) -> OutboxStatus | None:
        claimed = self._claim(message_id, token)
        if claimed is None:
            return None
        messages, mail = claimed
        try:
            self.notifier.send([messages[0].recipient], mail.subject, mail.text, mail.html or None)
        except Exception as error:  # whatever the mail server or the network says, the messages stay queued
            return self._settle([m.id or 0 for m in messages], token, f"{type(error).__name__}: {error}")
        return self._settle([m.id or 0 for m in messages], token, None)

    def _claim(self, message_id: int, token: str) -> tuple[builtins.list[OutboxMessage], Mail] | None:
        """Take the message (and the rest of its group) for this sender, and the one e-mail they make."""
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            if not uow.outbox.claim(message_id, token, now, now + LEASE):
                return None
            message = uow.outbox.get(message_id)
            if message is None:
                return None
            group = [message]
            if message.group_key is not None:
                group = uow.outbox.claim_group(message.group_key, token, now, now + LEASE) or group
            mail = self._one_mail(uow, group)
            uow.commit()
        return group, mail

    def _one_mail(self, uow: UnitOfWork, group: builtins.list[OutboxMessage]) -> Mail:
        mails = [Mail(m.subject, m.text, m.html or "") for m in group]
        if len(mails) == 1:
            return mails[0]
        reader = uow.users.get(group[0].user_id) if group[0].user_id is not None else None
        events = (uow.events.get(event_id) for event_id in dict.fromkeys(m.event_id for m in group if m.event_id))
        nights = [event.name for event in events if event is not None]
        return bundle(self.ctx.translations(reader.language if reader else Language.FR), mails, nights)

    def _settle(self, message_ids: builtins.list[int], token: str, error: str | None) -> OutboxStatus | None:
        """Record the outcome of our attempt: sent, or failed and due again later (or given up)."""
        now = self.ctx.clock.now()
        outcome = None
        with self.ctx.uow() as uow:
            for message_id in message_ids:
                message = uow.outbox.get(message_id)
                if message is None or message.claim_token != token:
                    continue
                message.attempts += 1
                message.claim_token = message.claimed_until = None
                if error is None:
                    message.status, message.sent_at = OutboxStatus.SENT, now
                else:
                    message.last_error = error[:1000]
                    message.next_attempt_at = now + backoff(message.attempts)
                    if message.attempts >= MAX_ATTEMPTS:
                        message.status = OutboxStatus.FAILED
                uow.outbox.update(message)
                outcome = outcome or message.status
            uow.commit()
        return outcome
