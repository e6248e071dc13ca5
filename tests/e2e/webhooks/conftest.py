"""A real HTTP receiver on localhost for the webhook tests, and a night to hook."""

from tests.support.webhooks import night, receiver  # noqa: F401 (fixtures)
