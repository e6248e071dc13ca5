"""Webhook deliveries to a real HTTP receiver on localhost: queued with the change, signed so the receiver can check
them, the most specific event a webhook asked for, retried with back-off, never redirected, Slack and Teams bodies."""

from __future__ import annotations

import time

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges
from eventflow.core.model import OutboxStatus, WebhookDelivery
from eventflow.core.services.events import SlotChange
from eventflow.core.services.outbox import MAX_ATTEMPTS
from eventflow.entrypoints.outbox_worker import start_outbox_worker
from tests.support.mail import free_port
from tests.support.receiver import Receiver, signature_is_valid
from tests.support.webhooks import SECRET, Night

BASE_URL = "http://127.0.0.1:8000"


def deliveries(services: Services, webhook_id: int) -> list[WebhookDelivery]:
    return services.webhooks.deliveries(None, webhook_id)


def test_an_approval_reaches_the_receiver_signed_so_that_it_can_verify_it(
    services: Services, night: Night, receiver: Receiver, clock: FixedClock
) -> None:
    hook = services.webhooks.add(night.ada, f"{receiver.url}/hooks/eventflow", SECRET, ["deliverable.approved"])
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    assert receiver.received == []  # queued with the change; sent by the outbox's sender

    assert services.webhooks.deliver_due().sent == 1
    (got,) = receiver.received
    assert got.path == "/hooks/eventflow"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["x-eventflow-event"] == "deliverable.approved"
    now = clock.now().timestamp()
    assert signature_is_valid(SECRET, got.headers, got.body, now)
    assert not signature_is_valid("another-secret-of-32-characters!", got.headers, got.body, now)
    assert not signature_is_valid(SECRET, got.headers, got.body.replace(b"approved", b"rejected"), now)
    assert not signature_is_valid(SECRET, got.headers, got.body, now + 3600)  # an old delivery replayed later

    payload = got.json()
    assert payload["type"] == "deliverable.approved"
    assert payload["text"] == "Ada Admin a validé « Poster A3 » de « Nuit Disco » (12 décembre 2026)."
    assert payload["url"] == f"{BASE_URL}/events/{night.event_id}"
    assert payload["event"] == {"id": night.event_id, "name": "Nuit Disco", "date": "2026-12-12", "bar_ids": [1]}
    assert payload["deliverable"]["name"] == "Poster A3" and payload["deliverable"]["status"] == "approved"
    assert payload["changes"] == {"before": {"status": "todo"}, "after": {"status": "approved"}}
    assert payload["actor"] == {"id": night.ada.id, "name": "Ada Admin"}
    (logged,) = deliveries(services, hook.id or 0)
    assert (logged.status, logged.last_status_code, logged.last_error) == (OutboxStatus.SENT, 200, None)


def test_each_webhook_hears_the_most_specific_event_it_asked_for_and_nothing_else(
    services: Services, night: Night, receiver: Receiver
) -> None:
    url = receiver.url
    statuses = services.webhooks.add(night.ada, f"{url}/statuses", SECRET, ["deliverable.status_changed"])
    comments = services.webhooks.add(night.ada, f"{url}/comments", SECRET, ["comment.added"])
    both = services.webhooks.add(night.ada, f"{url}/both", SECRET, ["deliverable.approved", "version.uploaded"])
    dates = services.webhooks.add(night.ada, f"{url}/dates", SECRET, ["event.moved", "event.updated"])

    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    services.comments.add(night.ada, night.event_id, "Superbe, merci !")
    services.events.update(night.ada, night.event_id, EventChanges(date="2026-12-13"))
    services.events.update(night.ada, night.event_id, EventChanges(name="Nuit Disco Fever"))
    services.webhooks.deliver_due()

    heard = {(d.path, d.json()["type"]) for d in receiver.received}
    assert heard == {
        ("/statuses", "deliverable.status_changed"),
        ("/both", "deliverable.approved"),
        ("/comments", "comment.added"),
        ("/dates", "event.moved"),
        ("/dates", "event.updated"),
    }
    moved = next(d.json() for d in receiver.received if d.json()["type"] == "event.moved")
    assert moved["text"] == "Ada Admin a déplacé « Nuit Disco » du 12 décembre 2026 au 13 décembre 2026."
    assert [len(deliveries(services, h.id or 0)) for h in (statuses, comments, both, dates)] == [1, 1, 1, 2]


def test_a_refused_delivery_is_retried_with_back_off_and_then_given_up(
    services: Services, night: Night, receiver: Receiver, clock: FixedClock
) -> None:
    hook = services.webhooks.add(night.ada, receiver.url, SECRET, ["deliverable.approved"])
    receiver.answers = [500]
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))

    assert services.webhooks.deliver_due().retrying == 1
    (failed,) = deliveries(services, hook.id or 0)
    assert (failed.status, failed.attempts, failed.last_status_code) == (OutboxStatus.PENDING, 1, 500)
    assert failed.last_error == "HTTP 500 receiver says no"
    assert services.webhooks.deliver_due().sent == 0  # not due again for a minute
    clock.advance(minutes=1)
    assert services.webhooks.deliver_due().sent == 1

    first, second = receiver.received
    assert first.body == second.body  # the same delivery (same "id"): a receiver can drop the repeat
    assert signature_is_valid(SECRET, second.headers, second.body, clock.now().timestamp(), tolerance=0)

    receiver.answers = [503] * MAX_ATTEMPTS
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="review"))
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    for _ in range(MAX_ATTEMPTS):
        services.webhooks.deliver_due()
        clock.advance(hours=6)
    latest = deliveries(services, hook.id or 0)[0]
    assert (latest.status, latest.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert services.webhooks.deliver_due().given_up == 0 and len(receiver.received) == 2 + MAX_ATTEMPTS


def test_no_answer_and_redirects_are_failures_logged_with_what_happened(
    services: Services, night: Night, receiver: Receiver
) -> None:
    silent = services.webhooks.add(night.ada, f"http://127.0.0.1:{free_port()}/hook", SECRET, ["comment.added"])
    moved = services.webhooks.add(night.ada, f"{receiver.url}/old", SECRET, ["comment.added"])
    receiver.answers = [302]
    services.comments.add(night.ada, night.event_id, "Nouvelle idée")
    assert services.webhooks.deliver_due().retrying == 2

    (nobody,) = deliveries(services, silent.id or 0)
    assert nobody.last_status_code is None and "Connection refused" in (nobody.last_error or "")
    (redirected,) = deliveries(services, moved.id or 0)
    assert (redirected.last_status_code, redirected.status) == (302, OutboxStatus.PENDING)
    assert [d.path for d in receiver.received] == ["/old"]  # the signed body never went to the Location


def test_slack_and_teams_get_a_message_their_incoming_webhooks_accept(
    services: Services, night: Night, receiver: Receiver
) -> None:
    services.webhooks.add(night.ada, f"{receiver.url}/slack", SECRET, ["deliverable.approved"], "slack", "en")
    services.webhooks.add(night.ada, f"{receiver.url}/teams", SECRET, ["deliverable.approved"], "teams")
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    services.webhooks.deliver_due()

    bodies = {d.path: d.json() for d in receiver.received}
    link = f"{BASE_URL}/events/{night.event_id}"
    assert bodies["/slack"] == {
        "text": f"Ada Admin approved “Poster A3” of “Nuit Disco” (December 12, 2026). <{link}|Open the card>"
    }
    assert bodies["/teams"] == {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": "Ada Admin a validé « Poster A3 » de « Nuit Disco » (12 décembre 2026).",
        "text": f"Ada Admin a validé « Poster A3 » de « Nuit Disco » (12 décembre 2026).\n\n[Ouvrir la fiche]({link})",
    }


def test_a_deleted_night_is_told_from_its_last_snapshot(services: Services, night: Night, receiver: Receiver) -> None:
    services.webhooks.add(night.ada, receiver.url, SECRET, ["event.created", "event.deleted"], language="en")
    services.events.delete(night.ada, night.event_id)
    services.webhooks.deliver_due()
    (got,) = receiver.received
    payload = got.json()
    assert payload["type"] == "event.deleted" and payload["url"] is None
    assert payload["event"] == {"id": night.event_id, "name": "Nuit Disco", "date": "2026-12-12", "bar_ids": [1]}
    assert payload["text"] == "Ada Admin deleted “Nuit Disco” (December 12, 2026)."


def test_deleting_a_webhook_drops_what_it_had_not_received(
    services: Services, night: Night, receiver: Receiver
) -> None:
    hook = services.webhooks.add(night.ada, receiver.url, SECRET, ["deliverable.approved"])
    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    services.webhooks.remove(night.ada, hook.id or 0)
    assert services.webhooks.deliver_due().sent == 0
    assert receiver.received == []


def test_the_served_apps_worker_delivers_within_seconds(services: Services, night: Night, receiver: Receiver) -> None:
    services.webhooks.add(night.ada, receiver.url, SECRET, ["deliverable.approved"])
    worker = start_outbox_worker(services, interval=0.05)
    try:
        services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
    assert [d.json()["type"] for d in receiver.received] == ["deliverable.approved"]


def test_the_background_sender_leaves_a_test_under_way_alone(
    services: Services, night: Night, receiver: Receiver
) -> None:
    hook = services.webhooks.add(night.ada, receiver.url, SECRET, ["comment.added"])
    receiver.meanwhile = services.webhooks.deliver_due  # the worker's round comes while the test is being answered
    tested = services.webhooks.test(night.ada, hook.id or 0)
    assert (tested.status, tested.attempts, tested.last_status_code) == (OutboxStatus.SENT, 1, 200)
    assert [d.json()["type"] for d in receiver.received] == ["webhook.test"]  # sent once, not twice
