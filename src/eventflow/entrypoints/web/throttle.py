"""Throttling of failed logins, per e-mail and per client address, on the injected clock.

The counts live in the process: each server worker throttles on its own, which still caps a
password-guessing run at a few attempts per window per worker.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import defaultdict, deque

from eventflow.core.ports import Clock


class TooManyAttempts(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {math.ceil(retry_after / 60)} minute(s)")
        self.retry_after = retry_after


class LoginThrottle:
    def __init__(
        self, clock: Clock, per_email: int = 5, per_address: int = 20, window: dt.timedelta = dt.timedelta(minutes=15)
    ) -> None:
        self._clock = clock
        self._limits = {"email": per_email, "address": per_address}
        self._window = window
        self._failures: dict[tuple[str, str], deque[dt.datetime]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, email: str, address: str) -> None:
        """Raise ``TooManyAttempts`` when this e-mail or address failed too often lately."""
        now = self._clock.now()
        with self._lock:
            for key in self._keys(email, address):
                failures = self._recent(key, now)
                if not failures:
                    del self._failures[key]  # forget quiet keys so the table stays small
                elif len(failures) >= self._limits[key[0]]:
                    raise TooManyAttempts(max(1, math.ceil((failures[0] + self._window - now).total_seconds())))

    def failed(self, email: str, address: str) -> None:
        now = self._clock.now()
        with self._lock:
            for key in self._keys(email, address):
                self._recent(key, now).append(now)

    def succeeded(self, email: str) -> None:
        with self._lock:
            self._failures.pop(("email", email.strip().lower()), None)

    def _recent(self, key: tuple[str, str], now: dt.datetime) -> deque[dt.datetime]:
        failures = self._failures[key]
        while failures and failures[0] + self._window <= now:
            failures.popleft()
        return failures

    @staticmethod
    def _keys(email: str, address: str) -> tuple[tuple[str, str], ...]:
        return (("email", email.strip().lower()), ("address", address))
