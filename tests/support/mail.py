"""A real SMTP server on localhost (aiosmtpd) and services whose outbox drains into it; what it received.

``tests/integration/mail`` and ``tests/e2e/mail`` take the fixtures in their ``conftest.py``."""

from __future__ import annotations

import datetime as dt
import email
import socket
import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword
from attrs import define, field

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.smtp import SmtpNotifier
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from tests.support.team import Team

BASE_URL = "https://eventflow.example.org"
#: Each e-mail sent on its own, at once (``test_bursts`` checks how bursts are grouped).
SEPARATE_MAILS = {"EVENTFLOW_MAIL_GROUP_SECONDS": "0"}
SMTP_USER, SMTP_PASSWORD = "mailer", "s3cret-é"

#: The fixtures a folder's ``conftest.py`` takes with ``from tests.support.mail import *``.
__all__ = [
    "burst_services",
    "certificate",
    "client_tls",
    "clock",
    "mailbox",
    "notifier",
    "server_tls",
    "services",
    "smtp_server",
    "team",
]


@define
class Received:
    """One message as the server got it: the envelope recipients, the raw bytes and the parsed message."""

    rcpt_tos: list[str]
    raw: bytes
    message: EmailMessage = field(init=False)

    def __attrs_post_init__(self) -> None:
        parsed = email.message_from_bytes(self.raw, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.message = parsed

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        content = body.get_content()
        assert isinstance(content, str)
        return content.replace("\r\n", "\n")


@define
class Mailbox:
    """What the local SMTP server received, in order."""

    received: list[Received] = field(factory=list)
    #: While set, the server answers every message with this temporary failure.
    refuse_with: str | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Envelope) -> str:
        if self.refuse_with is not None:
            return self.refuse_with
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        self.received.append(Received([str(r) for r in envelope.rcpt_tos], raw))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.received if address in m.rcpt_tos]

    @property
    def recipients(self) -> list[str]:
        return sorted(r for m in self.received for r in m.rcpt_tos)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # not handled: the server answers 535 itself


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def smtp_url(smtp_server: Controller) -> str:
    """The address of a real SMTP server on a free localhost port, delivering into ``mailbox``."""
    return f"smtp://127.0.0.1:{smtp_server.port}?from=planning@bars.fr"


@pytest.fixture
def smtp_server(mailbox: Mailbox) -> Iterator[Controller]:
    """A plain SMTP server on a free localhost port."""
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (made with openssl)."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def server_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def client_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """What the notifier trusts: our self-signed certificate only."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.on(dt.date(2026, 11, 25), hour=8)


@pytest.fixture
def services(tmp_path: Path, clock: FixedClock, smtp_server: Controller) -> Services:
    """Services on the memory fakes whose notifier is the real SMTP notifier, pointed at the local server."""
    url = f"smtp://{smtp_server.hostname}:{smtp_server.port}?from=planning@bars.fr"
    settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_SMTP_URL": url, "EVENTFLOW_BASE_URL": BASE_URL}
        | SEPARATE_MAILS
    )
    return bootstrap(settings, uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))


@pytest.fixture
def team(services: Services) -> Team:
    return Team.make(services)


@pytest.fixture
def notifier(services: Services) -> SmtpNotifier:
    assert isinstance(services.files.notifier, SmtpNotifier)
    return services.files.notifier


@pytest.fixture
def burst_services(tmp_path: Path, clock: FixedClock, smtp_server: Controller) -> Services:
    """Like ``services``, with e-mails about changes grouped as when served (a minute's wait)."""
    url = f"smtp://{smtp_server.hostname}:{smtp_server.port}?from=planning@bars.fr"
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_SMTP_URL": url, "EVENTFLOW_BASE_URL": BASE_URL}
    return bootstrap(Settings.from_env(env), uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))
