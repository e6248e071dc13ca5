"""``eventflow serve`` sends queued e-mails by itself, from a thread of its worker."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.support.live import live_server
from tests.support.mail import Mailbox


@pytest.mark.slow
def test_the_served_app_sends_the_queued_mention_without_any_cron(
    tmp_path: Path, mailbox: Mailbox, smtp_server: Controller, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTFLOW_SMTP_URL", f"smtp://127.0.0.1:{smtp_server.port}")
    monkeypatch.setenv("EVENTFLOW_MAIL_GROUP_SECONDS", "0")  # sent at once, not a minute later with others
    with live_server(tmp_path):
        deadline = time.monotonic() + 20
        while not mailbox.to("max@bars.fr") and time.monotonic() < deadline:
            time.sleep(0.2)
    assert [m.subject for m in mailbox.to("max@bars.fr")] != []
    assert mailbox.recipients == ["max@bars.fr"]
