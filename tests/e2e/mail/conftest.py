"""A real SMTP server on localhost (aiosmtpd) and services whose outbox drains into it, for the mail journeys
through HTTP, the command line and the served app."""

from tests.support.mail import (  # noqa: F401 (fixtures)
    burst_services,
    certificate,
    client_tls,
    clock,
    mailbox,
    notifier,
    server_tls,
    services,
    smtp_server,
    team,
)
