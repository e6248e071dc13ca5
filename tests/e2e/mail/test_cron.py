"""Cron's path: the installed ``eventflow digest`` on a SQLite database, e-mailing through a real local SMTP server
configured by ``EVENTFLOW_SMTP_URL`` alone."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from aiosmtpd.controller import Controller

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.core.clock import SystemClock
from tests.support.mail import Mailbox

EVENTFLOW = Path(sys.executable).parent / "eventflow"


def test_the_console_script_sends_the_digest_once_a_day(
    tmp_path: Path, smtp_server: Controller, mailbox: Mailbox
) -> None:
    env = {
        **os.environ,
        "EVENTFLOW_DATA_DIR": str(tmp_path / "data"),
        "EVENTFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'eventflow.db'}",
        "EVENTFLOW_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}?from=planning@bars.fr",
        "EVENTFLOW_BASE_URL": "https://eventflow.bars.fr",
        "EVENTFLOW_TIMEZONE": "Europe/Paris",
    }
    factory = SqlUnitOfWorkFactory.from_url(env["EVENTFLOW_DATABASE_URL"])
    try:
        services = bootstrap(Settings.from_env(env), uow=factory, hasher=Argon2Hasher(fast=True))
        lea = services.users.add(None, "lea@bars.fr", "Léa")
        bar = services.bars.add(None, "Le Comptoir")
        night = SystemClock("Europe/Paris").today() + dt.timedelta(days=3)  # J-7 is past: late
        card = services.events.create(None, "Soirée Mousse", night, [bar.id or 0])
        services.events.add_slot(None, card.summary.event.id or 0, "Vidéo écran", assignee_id=lea.id)
    finally:
        factory.dispose()

    def digest() -> str:
        done = subprocess.run([str(EVENTFLOW), "digest"], env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Digest queued for 1 user(s)" in digest()
    assert "0 user(s); nothing to say to 0; 1 already had today's." in digest()
    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["lea@bars.fr"]
    assert mail.subject.endswith(": 1 en retard, 0 à rendre cette semaine")
    assert "- Vidéo écran [À faire]" in mail.part("plain")
    assert f"https://eventflow.bars.fr/events/{card.summary.event.id}" in mail.part("plain")
