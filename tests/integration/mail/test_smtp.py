"""The SMTP notifier against a real SMTP server on localhost: encoding, parts, STARTTLS, SSL and login."""

from __future__ import annotations

import smtplib
import ssl

import pytest
from aiosmtpd.controller import Controller

from eventflow.adapters.smtp import SmtpConfig, SmtpNotifier
from eventflow.config import ConfigError
from tests.support.mail import SMTP_PASSWORD, SMTP_USER, Mailbox, check_login, free_port

SUBJECT = "Récap du 25 novembre : 2 en retard — Soirée Disco 🎉"
TEXT = "Bonjour Léa,\nl'affiche « Été » est validée.\nOuvrir la fiche : https://eventflow.example.org/events/7\n"
HTML = '<p>Bonjour Léa, l\'affiche « Été » est validée.</p><a href="https://eventflow.example.org/events/7">Ouvrir</a>'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.local", SmtpConfig("mail.local", 25, sender="eventflow@mail.local")),
        (
            "smtp://mail.local:587?starttls=1&from=planning@bars.fr",
            SmtpConfig("mail.local", 587, starttls=True, sender="planning@bars.fr"),
        ),
        ("smtp+starttls://mail.local", SmtpConfig("mail.local", 587, starttls=True, sender="eventflow@mail.local")),
        (
            "smtp+starttls://mailer:pw@mail.local",  # a login that is no address: eventflow@ the server
            SmtpConfig(
                "mail.local", 587, starttls=True, username="mailer", password="pw", sender="eventflow@mail.local"
            ),
        ),
        (
            "smtps://me%40bars.fr:p%C3%A4ss%3Aw@mail.local?timeout=5",
            SmtpConfig(
                "mail.local",
                465,
                ssl=True,
                username="me@bars.fr",
                password="päss:w",
                sender="me@bars.fr",  # providers refuse another sender from this login
                timeout=5.0,
            ),
        ),
    ],
)
def test_the_smtp_url_says_how_to_connect(url: str, expected: SmtpConfig) -> None:
    assert SmtpConfig.from_url(url) == expected


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://user:hunter2@mail.local", "must start with smtp://"),
        ("smtp://", "has no host"),
        ("smtp://user:hunter2@mail.local:port", "must be numbers"),
    ],
)
def test_an_unusable_smtp_url_is_a_clear_error_without_the_password(url: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words) as caught:
        SmtpConfig.from_url(url)
    assert "hunter2" not in str(caught.value)


def test_a_message_arrives_with_accents_intact_as_text_and_html(smtp_server: Controller, mailbox: Mailbox) -> None:
    notifier = SmtpNotifier.from_url(f"smtp://127.0.0.1:{smtp_server.port}?from=planning@bars.fr")
    notifier.send(["lea@bars.fr"], SUBJECT, TEXT, HTML)

    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["lea@bars.fr"]
    assert b"=?utf-8?" in mail.raw.split(b"\r\n\r\n", 1)[0]  # the subject went as RFC 2047 encoded words
    assert mail.subject == SUBJECT
    assert mail.message.get_content_type() == "multipart/alternative"
    assert mail.part("plain") == TEXT
    assert mail.part("html").strip() == HTML
    assert mail.message["From"] == "planning@bars.fr"


def test_a_text_only_message_is_a_single_utf8_part(smtp_server: Controller, mailbox: Mailbox) -> None:
    SmtpNotifier.from_url(f"smtp://127.0.0.1:{smtp_server.port}").send(["a@bars.fr", "b@bars.fr"], "Accès", "Déjà vu")
    (mail,) = mailbox.received
    assert mail.rcpt_tos == ["a@bars.fr", "b@bars.fr"]
    assert mail.message.get_content_type() == "text/plain"
    assert mail.message.get_content_charset() == "utf-8"
    assert (mail.subject, mail.part("plain").strip()) == ("Accès", "Déjà vu")


@pytest.fixture
def starttls_server(mailbox: Mailbox, server_tls: ssl.SSLContext) -> Controller:
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=free_port(), tls_context=server_tls, require_starttls=True,
        authenticator=check_login, auth_required=True,
    )  # fmt: skip
    controller.start()
    yield controller
    controller.stop()


def test_starttls_with_login_delivers(
    starttls_server: Controller, mailbox: Mailbox, client_tls: ssl.SSLContext
) -> None:
    url = f"smtp://{SMTP_USER}:s3cret-%C3%A9@127.0.0.1:{starttls_server.port}?starttls=1"
    assert SmtpConfig.from_url(url).password == SMTP_PASSWORD
    SmtpNotifier.from_url(url, tls=client_tls).send(["lea@bars.fr"], "Validé", "ok")
    assert [m.subject for m in mailbox.received] == ["Validé"]


def test_a_wrong_password_is_refused_and_nothing_is_delivered(
    starttls_server: Controller, mailbox: Mailbox, client_tls: ssl.SSLContext
) -> None:
    url = f"smtp+starttls://{SMTP_USER}:wrong@127.0.0.1:{starttls_server.port}"
    with pytest.raises(smtplib.SMTPAuthenticationError):
        SmtpNotifier.from_url(url, tls=client_tls).send(["lea@bars.fr"], "Validé", "ok")
    assert mailbox.received == []


def test_a_server_that_requires_starttls_refuses_plain_smtp(starttls_server: Controller, mailbox: Mailbox) -> None:
    with pytest.raises(smtplib.SMTPException):
        SmtpNotifier.from_url(f"smtp://127.0.0.1:{starttls_server.port}").send(["lea@bars.fr"], "Validé", "ok")
    assert mailbox.received == []


def test_smtps_delivers_over_tls_from_the_first_byte(
    mailbox: Mailbox, server_tls: ssl.SSLContext, client_tls: ssl.SSLContext
) -> None:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ssl_context=server_tls)
    controller.start()
    try:
        SmtpNotifier.from_url(f"smtps://127.0.0.1:{controller.port}", tls=client_tls).send(["lea@bars.fr"], "Été", "ok")
    finally:
        controller.stop()
    assert [m.subject for m in mailbox.received] == ["Été"]


def test_an_untrusted_certificate_is_refused(mailbox: Mailbox, server_tls: ssl.SSLContext) -> None:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ssl_context=server_tls)
    controller.start()
    try:
        with pytest.raises(ssl.SSLError):
            SmtpNotifier.from_url(f"smtps://127.0.0.1:{controller.port}").send(["lea@bars.fr"], "Été", "ok")
    finally:
        controller.stop()
    assert mailbox.received == []
