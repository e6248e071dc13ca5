"""Outgoing webhooks: admins register addresses; changes are queued to them in the change's own transaction (the
``WebhookPlanner`` activity hook) and delivered by the outbox's sender with the same claims, retries and back-off.

Each delivery is a JSON POST signed in ``X-Eventflow-Signature: t=UNIX_SECONDS,v1=HEX`` (``rules_webhooks``), made
when it is sent: ``t`` is the time of that attempt, so a receiver may refuse old ones. ``format`` makes the body
what Slack's or Microsoft Teams' incoming webhooks accept instead of eventflow's JSON.
"""

from __future__ import annotations

import builtins
import uuid
from typing import Any

from attrs import define, frozen

from eventflow.core import errors
from eventflow.core.model import Activity, Language, OutboxStatus, Webhook, WebhookDelivery, WebhookFormat
from eventflow.core.ports import UnitOfWork, WebhookPoster
from eventflow.core.rules_webhooks import (
    SIGNATURE_HEADER,
    TEST_EVENT,
    check_events,
    check_secret,
    check_url,
    chosen_event,
    names_for,
    signature,
)
from eventflow.core.services import Actor, Context, record, require_admin
from eventflow.core.services.outbox import BATCH, LEASE, MAX_ATTEMPTS, SendReport, backoff
from eventflow.core.services.webhook_payloads import Change, body_for, test_change

#: Deliveries shown with each webhook (the delivery log).
RECENT = 10
USER_AGENT = "eventflow-webhooks/1"


@frozen
class WebhookView:
    webhook: Webhook
    recent: list[WebhookDelivery]  # newest first


def parse_format(value: str) -> WebhookFormat:
    try:
        return WebhookFormat(value)
    except ValueError:
        allowed = ", ".join(f.value for f in WebhookFormat)
        raise errors.InvalidInput(
            "format must be one of %(allowed)s, not %(value)r", "format", allowed=allowed, value=value
        ) from None


def _parse_language(value: str) -> Language:
    try:
        return Language(value)
    except ValueError:
        raise errors.InvalidInput("language must be fr or en", "language") from None


def public(webhook: Webhook) -> dict[str, Any]:
    """A webhook as the audit log keeps it: never its secret."""
    return {"url": webhook.url, "events": list(webhook.events), "format": webhook.format.value}


@define
class WebhookService:
    ctx: Context
    poster: WebhookPoster
    base_url: str

    def add(self, actor: Actor, url: str, secret: str, events: list[str], format: str = "json",
            language: str | None = None) -> Webhook:  # fmt: skip
        """A new webhook; its language (for the chat formats' sentences) is the admin's unless given."""
        require_admin(actor)
        webhook = Webhook(
            url=check_url(url),
            secret=check_secret(secret),
            events=check_events(events),
            created_at=self.ctx.clock.now(),
            format=parse_format(format),
            language=_parse_language(language) if language is not None else _language_of(actor),
            created_by=actor.id if actor is not None else None,
        )
        with self.ctx.uow() as uow:
            uow.webhooks.add(webhook)
            record(self.ctx, uow, actor, "webhook.created", "webhook", webhook.id, after=public(webhook))
            uow.commit()
        return webhook

    def list(self, actor: Actor) -> list[WebhookView]:
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            return [WebhookView(w, uow.deliveries.list_for(w.id or 0, RECENT)) for w in uow.webhooks.list()]

    def get(self, actor: Actor, webhook_id: int) -> WebhookView:
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            webhook = self._webhook(uow.webhooks.get(webhook_id), webhook_id)
            return WebhookView(webhook, uow.deliveries.list_for(webhook_id, RECENT))

    def remove(self, actor: Actor, webhook_id: int) -> None:
        """Delete a webhook; deliveries not yet sent are dropped with it."""
        require_admin(actor)
        with self.ctx.uow() as uow:
            webhook = self._webhook(uow.webhooks.get(webhook_id), webhook_id)
            uow.webhooks.delete(webhook_id)
            record(self.ctx, uow, actor, "webhook.deleted", "webhook", webhook_id, before=public(webhook))
            uow.commit()

    def deliveries(self, actor: Actor, webhook_id: int, limit: int = 50) -> builtins.list[WebhookDelivery]:
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            self._webhook(uow.webhooks.get(webhook_id), webhook_id)
            return uow.deliveries.list_for(webhook_id, limit)

    def test(self, actor: Actor, webhook_id: int) -> WebhookDelivery:
        """Send a ``webhook.test`` delivery now and give its outcome (a failure is retried later like any other).

        The delivery is stored already claimed by this call, so the background sender leaves it alone meanwhile."""
        require_admin(actor)
        now, token = self.ctx.clock.now(), uuid.uuid4().hex
        with self.ctx.uow() as uow:
            webhook = self._webhook(uow.webhooks.get(webhook_id), webhook_id)
            body = body_for(self.ctx, webhook, TEST_EVENT, test_change(actor, now), self.base_url)
            delivery = uow.deliveries.add(
                WebhookDelivery(webhook_id, TEST_EVENT, body, now, now, claim_token=token, claimed_until=now + LEASE)
            )
            uow.commit()
        self._settle(delivery.id or 0, token, *self._post(webhook, delivery))
        with self.ctx.uow(read_only=True) as uow:
            return self._delivery(uow.deliveries.get(delivery.id or 0), delivery.id or 0)

    # -- delivering ----------------------------------------------------------------------------------------------
    def deliver_due(self, limit: int = BATCH) -> SendReport:
        """POST every delivery due now (up to ``limit``); never raises for a receiver's failure."""
        token = uuid.uuid4().hex
        with self.ctx.uow(read_only=True) as uow:
            due = [d.id for d in uow.deliveries.due(self.ctx.clock.now(), limit) if d.id is not None]
        outcomes = [self._deliver(delivery_id, token) for delivery_id in due]
        return SendReport(
            sent=outcomes.count(OutboxStatus.SENT),
            retrying=outcomes.count(OutboxStatus.PENDING),
            given_up=outcomes.count(OutboxStatus.FAILED),
        )

    def _deliver(self, delivery_id: int, token: str) -> OutboxStatus | None:
        claimed = self._claim(delivery_id, token)
        if claimed is None:
            return None
        delivery, webhook = claimed
        status, error = self._post(webhook, delivery)
        return self._settle(delivery_id, token, status, error)

    def _claim(self, delivery_id: int, token: str) -> tuple[WebhookDelivery, Webhook] | None:
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            if not uow.deliveries.claim(delivery_id, token, now, now + LEASE):
                return None
            delivery = uow.deliveries.get(delivery_id)
            webhook = uow.webhooks.get(delivery.webhook_id) if delivery is not None else None
            uow.commit()
        return (delivery, webhook) if delivery is not None and webhook is not None else None

    def _post(self, webhook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str | None]:
        """The status code the receiver answered (None: no answer) and the error to log (None: delivered)."""
        body = delivery.body.encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Eventflow-Event": delivery.event_name,
            "X-Eventflow-Delivery": str(delivery.id),
            SIGNATURE_HEADER: signature(webhook.secret, int(self.ctx.clock.now().timestamp()), body),
        }
        try:
            answer = self.poster.post(webhook.url, body, headers)
        except Exception as error:  # whatever the network or the receiver did, the delivery stays queued
            return None, f"{type(error).__name__}: {error}"
        if 200 <= answer.status < 300:
            return answer.status, None
        return answer.status, f"HTTP {answer.status} {answer.excerpt}".strip()

    def _settle(self, delivery_id: int, token: str, status: int | None, error: str | None) -> OutboxStatus | None:
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            delivery = uow.deliveries.get(delivery_id)
            if delivery is None or delivery.claim_token != token:
                return None
            delivery.attempts += 1
            delivery.claim_token = delivery.claimed_until = None
            delivery.last_status_code, delivery.last_attempt_at, delivery.last_error = status, now, error
            if error is None:
                delivery.status, delivery.delivered_at = OutboxStatus.SENT, now
            else:
                delivery.last_error = error[:1000]
                delivery.next_attempt_at = now + backoff(delivery.attempts)
                if delivery.attempts >= MAX_ATTEMPTS:
                    delivery.status = OutboxStatus.FAILED
            uow.deliveries.update(delivery)
            uow.commit()
        return delivery.status

    @staticmethod
    def _webhook(webhook: Webhook | None, webhook_id: int) -> Webhook:
        if webhook is None:
            raise errors.NotFound("webhook", webhook_id)
        return webhook

    @staticmethod
    def _delivery(delivery: WebhookDelivery | None, delivery_id: int) -> WebhookDelivery:
        if delivery is None:
            raise errors.NotFound("webhook delivery", delivery_id)
        return delivery


def _language_of(actor: Actor) -> Language:
    return actor.language if actor is not None else Language.FR


@define
class WebhookPlanner:
    """The ``Context.on_activity`` hook: a change some webhooks listen to is queued to each of them."""

    ctx: Context
    base_url: str

    def __call__(self, uow: UnitOfWork, entry: Activity) -> None:
        candidates = names_for(entry)
        if not candidates:
            return
        targets = [(w, name) for w in uow.webhooks.list() if (name := chosen_event(w.events, candidates)) is not None]
        change = Change.read(uow, entry) if targets else None
        if change is None:
            return
        now = self.ctx.clock.now()
        for webhook, name in targets:
            body = body_for(self.ctx, webhook, name, change, self.base_url)
            uow.deliveries.add(WebhookDelivery(webhook.id or 0, name, body, now, now))
