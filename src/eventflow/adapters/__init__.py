"""Adapters: one module per technology, each implementing ports of ``eventflow.core.ports``."""

#: Stores no cached page shows (sessions sliding, tokens' last use, e-mails being sent, quota holds and the leases
#: that keep them, named locks, failed logins, webhooks and their deliveries, calendar feed secrets,
#: in-app notifications: pages are kept per unread count instead): a commit that
#: writes only these leaves the database's revision, and so every page cache, as it was.
VOLATILE_TABLES = frozenset(
    {
        "sessions",
        "tokens",
        "outbox",
        "leases",
        "reservations",
        "locks",
        "revision",
        "login_failures",
        "webhooks",
        "webhook_deliveries",
        "feeds",
        "notifications",
    }
)
