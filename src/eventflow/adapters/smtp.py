"""The e-mail notifier over SMTP, configured by one URL (``EVENTFLOW_SMTP_URL``).

- ``smtp://host:25`` plain SMTP; ``smtp://host:587?starttls=1`` or ``smtp+starttls://host:587`` upgrades with STARTTLS;
- ``smtps://host:465`` SMTP over TLS from the first byte;
- ``smtp://user:password@host`` logs in (user and password percent-encoded in the URL);
- ``?from=eventflow@example.org`` sets the sender (default: the login when it is an address, as mail providers
  refuse another sender from it; else ``eventflow@<host>``); ``?timeout=20`` in seconds.

Messages are multipart (plain text, plus HTML when given), UTF-8 throughout: accented subjects are encoded as
RFC 2047 words and bodies as UTF-8, so "Récap" reads "Récap" in every mail client.
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from attrs import frozen

from eventflow.config import TRUE_WORDS, ConfigError

SCHEMES = ("smtp", "smtp+starttls", "smtps")
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@frozen
class SmtpConfig:
    host: str
    port: int
    ssl: bool = False
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    sender: str = "eventflow@localhost"
    timeout: float = 20.0

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        """Read an ``EVENTFLOW_SMTP_URL``; ConfigError (password never shown) when it cannot be used."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        shown = f"{scheme}://{parts.hostname or ''}"
        if scheme not in SCHEMES:
            raise ConfigError(
                "EVENTFLOW_SMTP_URL must start with smtp://, smtp+starttls:// or smtps://, not %(shown)r", shown=shown
            )
        if not parts.hostname:
            raise ConfigError("EVENTFLOW_SMTP_URL has no host (e.g. smtp://mail.example.org:587?starttls=1)")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
            timeout = float(query.get("timeout", 20))
        except ValueError:
            raise ConfigError(
                "EVENTFLOW_SMTP_URL (%(shown)s): the port and timeout must be numbers", shown=shown
            ) from None
        username = unquote(parts.username) if parts.username else None
        login_address = username if username and "@" in username else None
        return cls(
            host=parts.hostname,
            port=port,
            ssl=scheme == "smtps",
            starttls=scheme == "smtp+starttls" or query.get("starttls", "").lower() in TRUE_WORDS,
            username=username,
            password=unquote(parts.password) if parts.password else None,
            sender=query.get("from") or login_address or f"eventflow@{parts.hostname}",
            timeout=timeout,
        )


def build_message(sender: str, to: Sequence[str], subject: str, text: str, html: str | None) -> EmailMessage:
    """A UTF-8 message: plain text alone, or multipart/alternative with the HTML after the text."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    message.set_content(text, charset="utf-8")
    if html is not None:
        message.add_alternative(html, subtype="html", charset="utf-8")
    return message


def login(server: smtplib.SMTP, username: str, password: str) -> None:
    """Log in; smtplib encodes credentials as ASCII, so non-ASCII ones go as AUTH PLAIN in UTF-8 (RFC 4616)."""
    if (username + password).isascii():
        server.login(username, password)
        return
    server.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = server.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


class SmtpNotifier:
    """Sends each message in its own SMTP session: the outbox sender calls it, never a request."""

    def __init__(self, config: SmtpConfig, tls: ssl.SSLContext | None = None) -> None:
        self.config = config
        self._tls = tls or ssl.create_default_context()

    @classmethod
    def from_url(cls, url: str, tls: ssl.SSLContext | None = None) -> SmtpNotifier:
        return cls(SmtpConfig.from_url(url), tls)

    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        message = build_message(self.config.sender, to, subject, text, html)
        with self._connect() as server:
            if self.config.starttls:
                server.starttls(context=self._tls)
            if self.config.username is not None:
                login(server, self.config.username, self.config.password or "")
            server.send_message(message, to_addrs=list(to))

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        if c.ssl:
            return smtplib.SMTP_SSL(c.host, c.port, timeout=c.timeout, context=self._tls)
        return smtplib.SMTP(c.host, c.port, timeout=c.timeout)
