"""The outbox sender as a background thread of the web server, so e-mails and webhook deliveries leave within
seconds of the change, and the J-7 reminders go out without cron.

Start it once per server process (after gunicorn forks, in the worker). Several processes, or cron's
``eventflow outbox send`` / ``eventflow remind`` at the same time, are safe: each message and delivery is claimed
by one sender only, and each reminder is queued once.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from attrs import define

from eventflow.bootstrap import Services
from eventflow.core.ports import Clock

log = logging.getLogger("eventflow.mail")
INTERVAL_SECONDS = 15.0
#: The served app reminds people from this hour of the team's day (not at midnight), then every ``REMIND_EVERY``.
REMIND_FROM = dt.timedelta(hours=8)
REMIND_EVERY = dt.timedelta(hours=1)


@define
class ReminderSchedule:
    """When the served app runs the reminders: once the team's day reaches 8:00, then hourly (a run is cheap and
    queues only what is new: a deliverable added or assigned during the day)."""

    clock: Clock
    last_run: dt.datetime | None = None

    def due(self) -> bool:
        now = self.clock.now()
        if now - self.clock.start_of(self.clock.today()) < REMIND_FROM:
            return False
        return self.last_run is None or now - self.last_run >= REMIND_EVERY

    def ran(self) -> None:
        self.last_run = self.clock.now()


class OutboxWorker:
    def __init__(self, services: Services, interval: float = INTERVAL_SECONDS) -> None:
        self._services = services
        self._interval = interval
        self._reminders = ReminderSchedule(services.clock)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="eventflow-outbox", daemon=True)

    def start(self) -> OutboxWorker:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the message under way, then end the thread."""
        self._stopping.set()
        self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stopping.is_set():
            for job in (self._remind, self._send_mail, self._deliver_webhooks):
                self._safely(job)
            self._stopping.wait(self._interval)

    def _safely(self, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:  # a database hiccup must not end the thread: log it and try again next round
            log.exception("%s failed; trying again in %.0f s", job.__name__.strip("_"), self._interval)

    def _remind(self) -> None:
        if self._reminders.due():
            report = self._services.reminders.run()
            self._reminders.ran()
            if report.queued:
                log.info("reminders: %d queued", report.queued)

    def _send_mail(self) -> None:
        report = self._services.outbox.send_due()
        if report.sent or report.retrying or report.given_up:
            log.info("outbox: %d sent, %d to retry, %d given up", report.sent, report.retrying, report.given_up)

    def _deliver_webhooks(self) -> None:
        report = self._services.webhooks.deliver_due()
        if report.sent or report.retrying or report.given_up:
            log.info("webhooks: %d delivered, %d to retry, %d given up", report.sent, report.retrying, report.given_up)


def start_outbox_worker(services: Services, interval: float = INTERVAL_SECONDS) -> OutboxWorker:
    """Drain the outbox (and run what is due) now and then every ``interval`` seconds until ``stop()``."""
    return OutboxWorker(services, interval).start()
