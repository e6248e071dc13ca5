"""Notifiers without SMTP: one that logs (e-mail off, ``EVENTFLOW_SMTP_URL`` unset) and one that records (tests)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from attrs import define, field, frozen

log = logging.getLogger("eventflow.mail")


@frozen
class Message:
    to: tuple[str, ...]
    subject: str
    text: str
    html: str | None = None


class LoggingNotifier:
    """E-mail is off: each message is written to the log instead, so an operator can still see it."""

    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        log.info("e-mail off (EVENTFLOW_SMTP_URL unset); would send to %s: %s\n%s", ", ".join(to), subject, text)


@define
class RecordingNotifier:
    """Keeps every message it is given, for tests to read."""

    sent: list[Message] = field(factory=list)

    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        self.sent.append(Message(tuple(to), subject, text, html))
