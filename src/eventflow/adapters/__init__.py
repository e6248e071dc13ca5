"""Adapters: one module per technology, each implementing ports of ``eventflow.core.ports``."""

#: Stores no cached page shows (sessions sliding, tokens' last use, e-mails being sent, quota holds, named locks,
#: webhooks and their deliveries, calendar feed secrets): a commit that writes only these leaves the database's
#: revision, and so every page cache, as it was.
VOLATILE_TABLES = frozenset(
    {"sessions", "tokens", "outbox", "reservations", "locks", "revision", "webhooks", "webhook_deliveries", "feeds"}
)
