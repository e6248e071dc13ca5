"""A real SMTP server on localhost (aiosmtpd) and services whose outbox drains into it, for the notifier's tests."""

from tests.support.mail import *  # noqa: F403 (its fixtures, named in its __all__)
