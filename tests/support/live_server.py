"""A seeded eventflow served by ``web.server.run`` (gunicorn), for tests that need a real HTTP server.

``python -m tests.support.live_server PORT DATA_DIR [memory|sqlite]`` seeds an admin, a bar with a screen, two
templates and an event with a comment mentioning Max (one e-mail queued, sent when ``EVENTFLOW_SMTP_URL`` is
set), writes the admin's API token to ``DATA_DIR/token`` and serves until SIGTERM. Started again on the SQLite database
it made, it keeps that database (and the token).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.model import Screen
from eventflow.core.ports import UnitOfWorkFactory
from eventflow.entrypoints.web.server import run
from tests.support.receiver import LoopbackPoster

ADMIN_EMAIL = "ada@bars.fr"
#: Settings a test may give the server through its environment.
PASSED_THROUGH = (
    "EVENTFLOW_SMTP_URL",
    "EVENTFLOW_MAIL_GROUP_SECONDS",
    "EVENTFLOW_BODY_TIMEOUT_SECONDS",
    # a second app server on the same database and stores (tests/e2e/http/test_two_servers.py)
    "EVENTFLOW_DATABASE_URL",
    "EVENTFLOW_SECRET_KEY",
    "EVENTFLOW_HOT_URL",
    "EVENTFLOW_COLD_URL",
)


def build(data_dir: Path, backend: str = "memory", uow: UnitOfWorkFactory | None = None) -> Services:
    passed = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    settings = Settings.from_env({"EVENTFLOW_DATA_DIR": str(data_dir), **passed})
    if uow is None and backend == "memory":
        uow = memory_uow_factory()
    # the fuzzer registers webhooks with made-up addresses: deliveries may only reach this machine
    return bootstrap(settings, uow=uow, hasher=Argon2Hasher(fast=True), poster=LoopbackPoster())


def seed(services: Services) -> str:
    """Sample data; returns the admin's API token."""
    language = os.environ.get("EVENTFLOW_TEST_ADMIN_LANGUAGE", "fr")
    admin = services.users.add(
        None, ADMIN_EMAIL, "Ada Admin", role="admin", password="correct horse battery", language=language
    )
    services.users.add(None, "max@bars.fr", "Max Member", password="correct horse battery")
    screens = [Screen("cube_led", "Cube LED", "1024x1024 mp4")]
    bar = services.bars.add(None, "Le Perchoir", "Paris 11", screens)
    services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True)
    services.templates.add(None, "Cube LED", "1024x1024 mp4", is_default=True, hardware_kind="cube_led")
    card = services.events.create(admin, "Soirée Disco", services.clock.today(), [bar.id or 0])
    services.comments.add(admin, card.summary.event.id or 0, "Première idée @max")
    return services.users.create_token(None, ADMIN_EMAIL)


def main(port: int, data_dir: Path, backend: str = "memory") -> None:
    services = build(data_dir, backend)
    token_file = data_dir / "token"
    if not token_file.exists():  # a restart on a kept data folder keeps its token
        seeded = any(u.email == ADMIN_EMAIL for u in services.users.list())  # by another server on the same database
        partial = data_dir / "token.partial"
        partial.write_text(services.users.create_token(None, ADMIN_EMAIL) if seeded else seed(services))
        partial.rename(token_file)  # the test waits for this file: it appears whole or not at all
    run(services, "127.0.0.1", port)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), *sys.argv[3:])
