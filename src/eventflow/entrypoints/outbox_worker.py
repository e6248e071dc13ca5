"""The outbox sender as a background thread of the web server, so e-mails leave within seconds of the change.

Start it once per server process (after gunicorn forks, in the worker). Several processes, or cron's
``eventflow outbox send`` at the same time, are safe: each message is claimed by one sender only.
"""

from __future__ import annotations

import logging
import threading

from eventflow.bootstrap import Services

log = logging.getLogger("eventflow.mail")
INTERVAL_SECONDS = 15.0


class OutboxWorker:
    def __init__(self, services: Services, interval: float = INTERVAL_SECONDS) -> None:
        self._services = services
        self._interval = interval
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
            try:
                report = self._services.outbox.send_due()
                if report.sent or report.retrying or report.given_up:
                    log.info("outbox: %d sent, %d to retry, %d given up", report.sent, report.retrying, report.given_up)
            except Exception:  # a database hiccup must not end the thread: log it and try again next round
                log.exception("outbox: sending failed; trying again in %.0f s", self._interval)
            self._stopping.wait(self._interval)


def start_outbox_worker(services: Services, interval: float = INTERVAL_SECONDS) -> OutboxWorker:
    """Drain the outbox now and then every ``interval`` seconds until ``stop()``."""
    return OutboxWorker(services, interval).start()
