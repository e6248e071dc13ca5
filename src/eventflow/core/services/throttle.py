"""Throttling of failed logins, per e-mail and per client address.

The failures are rows in the database, so every worker process and every host behind a load balancer counts the
same ones: a password-guessing run gets its few attempts per window in all, not per process. An attempt is
written (and committed) as a failure *before* its password is checked and counted after, so guesses sent all at
once cannot slip past the count together; a success then forgets the e-mail's failures, this one included. Rows
older than the window are pruned as new attempts come in.
"""

from __future__ import annotations

import datetime as dt
import math

from attrs import define

from eventflow.core.errors import TooManyAttempts
from eventflow.core.model import LoginFailure
from eventflow.core.services import Context

PER_EMAIL = 5
PER_ADDRESS = 20
WINDOW = dt.timedelta(minutes=15)
#: Keys are cut to the columns' length (an attacker may type anything as an e-mail).
EMAIL_LENGTH = 320
ADDRESS_LENGTH = 100


def email_key(email: str) -> str:
    return (email or "").strip().lower()[:EMAIL_LENGTH]


def address_key(address: str) -> str:
    return address[:ADDRESS_LENGTH]


@define
class LoginThrottle:
    ctx: Context
    per_email: int = PER_EMAIL
    per_address: int = PER_ADDRESS
    window: dt.timedelta = WINDOW

    def attempt(self, email: str, address: str) -> None:
        """Count a login attempt as a failure until it succeeds; ``TooManyAttempts`` (and nothing counted) when this
        e-mail or this address failed too often lately."""
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            uow.login_failures.delete_older_than(now - self.window)
            attempt = uow.login_failures.add(LoginFailure(email_key(email), address_key(address), now))
            uow.commit()
        with self.ctx.uow(read_only=True) as uow:  # after the commit: sees every attempt committed before it
            by_email = uow.login_failures.times(now - self.window, email=attempt.email)
            by_address = uow.login_failures.times(now - self.window, address=attempt.address)
        for times, limit in ((by_email, self.per_email), (by_address, self.per_address)):
            if len(times) > limit:
                self._forget(attempt)
                raise TooManyAttempts(self._retry_after(times, limit, now))

    def _forget(self, attempt: LoginFailure) -> None:
        with self.ctx.uow() as uow:
            uow.login_failures.delete(attempt.id or 0)
            uow.commit()

    def succeeded(self, email: str) -> None:
        """The e-mail's failures are forgotten, the attempt that succeeded included (the address's others still
        count)."""
        with self.ctx.uow() as uow:
            uow.login_failures.delete_for_email(email_key(email))
            uow.commit()

    def _retry_after(self, times: list[dt.datetime], limit: int, now: dt.datetime) -> int:
        """Seconds until fewer than ``limit`` of the failures before this attempt (``times`` but the newest, this
        one) remain in the window."""
        freed_at = times[len(times) - 1 - limit] + self.window
        return max(1, math.ceil((freed_at - now).total_seconds()))
