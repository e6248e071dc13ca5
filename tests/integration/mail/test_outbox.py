"""Reliable sending: a request never waits on the mail server; failures are retried with back-off, shown to admins,
given up on after the last attempt, and no message is sent twice, even by two senders at once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.notifier import RecordingNotifier
from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.model import OutboxStatus
from eventflow.core.services.events import SlotChange
from eventflow.core.services.outbox import MAX_ATTEMPTS, OutboxService, backoff
from eventflow.entrypoints.outbox_worker import start_outbox_worker
from tests.support.mail import SEPARATE_MAILS, Mailbox, free_port
from tests.support.team import Team


@pytest.fixture
def mail_port() -> int:
    return free_port()


@pytest.fixture
def dead_server_services(tmp_path: Path, clock: FixedClock, mail_port: int) -> Services:
    """Services whose SMTP URL points at a port where nothing listens (yet)."""
    url = f"smtp://127.0.0.1:{mail_port}?timeout=2"
    settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_SMTP_URL": url} | SEPARATE_MAILS
    )
    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))


def test_the_back_off_doubles_from_a_minute_up_to_six_hours() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [dt.timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == dt.timedelta(hours=6)


def test_a_change_succeeds_while_the_mail_server_is_down_and_the_failure_is_kept(
    dead_server_services: Services, clock: FixedClock
) -> None:
    services = dead_server_services
    team = Team.make(services)
    slot = services.events.update_slot(team.alex, team.slot_id, SlotChange(status="review"))  # no mail server: fine
    assert slot.status.value == "review"

    report = services.outbox.send_due()
    assert (report.sent, report.retrying, report.given_up) == (0, 2, 0)
    failing = services.outbox.list(team.camille, failing_only=True)
    assert {m.recipient for m in failing} == {"camille@bars.fr", "lea@bars.fr"}
    assert all(m.attempts == 1 and "ConnectionRefusedError" in (m.last_error or "") for m in failing)
    assert all(m.next_attempt_at == clock.now() + dt.timedelta(minutes=1) for m in failing)
    assert services.outbox.send_due().retrying == 0  # not due again before its back-off


def test_a_failed_message_is_sent_once_the_server_is_back(
    dead_server_services: Services, mail_port: int, mailbox: Mailbox, clock: FixedClock
) -> None:
    services = dead_server_services
    team = Team.make(services)
    services.events.update_slot(team.alex, team.slot_id, SlotChange(status="review"))
    assert services.outbox.send_due().retrying == 2

    server = Controller(mailbox, hostname="127.0.0.1", port=mail_port)
    server.start()
    try:
        clock.advance(minutes=1)
        assert services.outbox.send_due().sent == 2
        assert services.outbox.send_due().sent == 0
    finally:
        server.stop()
    assert mailbox.recipients == ["camille@bars.fr", "lea@bars.fr"]
    assert services.outbox.list(team.camille, failing_only=True) == []


class FlakyNotifier(RecordingNotifier):
    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        raise ConnectionResetError("connection reset by peer")


def test_after_the_last_attempt_the_message_is_given_up_and_an_admin_can_retry_it(
    services: Services, team: Team, clock: FixedClock, mailbox: Mailbox
) -> None:
    services.comments.add(team.camille, team.event_id, "@alex regarde ça")
    flaky = OutboxService(services.ctx, FlakyNotifier())
    for attempt in range(1, MAX_ATTEMPTS + 1):
        report = flaky.send_due()
        assert report.given_up == (1 if attempt == MAX_ATTEMPTS else 0)
        clock.advance(hours=6)
    (message,) = services.outbox.list(team.camille, failing_only=True)
    assert (message.status, message.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert message.last_error == "ConnectionResetError: connection reset by peer"
    assert flaky.send_due().given_up == 0  # given up: not tried again on its own

    with pytest.raises(errors.Forbidden):
        services.outbox.retry(team.alex, message.id or 0)
    services.outbox.retry(team.camille, message.id or 0)
    assert services.outbox.send_due().sent == 1
    assert mailbox.recipients == ["alex.martin@bars.fr"]
    with pytest.raises(errors.Conflict, match="is sent, not failed"):
        services.outbox.retry(team.camille, message.id or 0)


def test_only_admins_see_the_outbox(services: Services, team: Team) -> None:
    with pytest.raises(errors.Forbidden):
        services.outbox.list(team.alex)


class SlowNotifier(RecordingNotifier):
    """Records what it sends, slowly, so that two senders overlap."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        time.sleep(0.01)
        with self.lock:
            super().send(to, subject, text, html)


def test_two_senders_on_sqlite_never_send_the_same_message_twice(tmp_path: Path, clock: FixedClock) -> None:
    factory = SqlUnitOfWorkFactory.from_url(f"sqlite:///{tmp_path / 'eventflow.db'}")
    try:
        settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(tmp_path / "data")} | SEPARATE_MAILS)
        services = bootstrap(settings, uow=factory, clock=clock, hasher=Argon2Hasher(fast=True))
        team = Team.make(services)
        for n in range(30):
            services.comments.add(team.camille, team.event_id, f"@alex message {n}")
        notifier = SlowNotifier()
        senders = [OutboxService(services.ctx, notifier) for _ in range(3)]
        threads = [threading.Thread(target=s.send_due) for s in senders]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        bodies = [m.text for m in notifier.sent]
        assert len(bodies) == 30
        assert len(set(bodies)) == 30
        assert all(m.status is OutboxStatus.SENT for m in services.outbox.list(team.camille))
    finally:
        factory.dispose()


def test_the_web_servers_worker_sends_within_moments_and_stops(
    services: Services, team: Team, mailbox: Mailbox
) -> None:
    worker = start_outbox_worker(services, interval=0.05)
    try:
        services.comments.add(team.camille, team.event_id, "@alex c'est parti")
        deadline = time.monotonic() + 5
        while not mailbox.received and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        worker.stop()
    assert mailbox.recipients == ["alex.martin@bars.fr"]
    assert not worker.running
