"""The schema as SQLAlchemy Core tables. Entities stay plain attrs classes (see ``mapping``).

Case-insensitive lookups (user e-mail, bar and template names) go through ``*_key`` columns holding the
lower-cased value, so uniqueness and lookups agree on every backend. Event bars live in ``event_bars``.
Activity keeps ``event_id`` and ``entity_id`` as plain integers: the audit log outlives what it describes.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    false,
)

from eventflow.adapters.sql.types import UtcDateTime, json_value, key_string, long_text

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

#: No table here carries MySQL options (``mysql_engine=...``): SQLAlchemy loads the MySQL dialect to check them, on
#: every start on every backend. The migrations create each table InnoDB in utf8mb4 on MySQL/MariaDB (their
#: ``OPTIONS``), and a new migration's ``create_table`` takes them the same way.


def _id() -> Column[int]:
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _fk(name: str, target: str, *, nullable: bool = True, cascade: bool = False) -> Column[int]:
    return Column(
        name,
        Integer,
        ForeignKey(target, ondelete="CASCADE" if cascade else None),
        nullable=nullable,
        index=True,
    )


users = Table(
    "users",
    metadata,
    _id(),
    Column("email", String(320), nullable=False),
    Column("email_key", key_string(320), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("name_key", key_string(200), nullable=False, index=True),
    Column("role", String(20), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("language", String(5), nullable=False),
    Column("password_hash", String(255)),
    Column("my_bar_ids", json_value(), nullable=False),
    Column("notifications", json_value(), nullable=False),
)

tokens = Table(
    "tokens",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False),
    Column("token_hash", String(128), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("prefix", String(16), index=True),
)

sessions = Table(
    "sessions",
    metadata,
    _id(),
    Column("key_hash", String(128), nullable=False, unique=True),
    _fk("user_id", "users.id", nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

#: Failed logins of the last minutes, shared by every process: throttling counts them by e-mail and by address.
login_failures = Table(
    "login_failures",
    metadata,
    _id(),
    Column("email", key_string(320), nullable=False),
    Column("address", key_string(100), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Index("ix_login_failures_email_at", "email", "at"),
    Index("ix_login_failures_address_at", "address", "at"),
)

bars = Table(
    "bars",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("name_key", key_string(200), nullable=False, unique=True),
    Column("location", String(300), nullable=False),
    Column("hardware", json_value(), nullable=False),
)

themes = Table(
    "themes",
    metadata,
    _id(),
    Column("year", Integer, nullable=False),
    Column("month", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", long_text(), nullable=False),
    UniqueConstraint("year", "month"),
)

templates = Table(
    "templates",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("name_key", key_string(200), nullable=False, unique=True),
    Column("specs", String(500), nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("hardware_kind", String(100)),
)

events = Table(
    "events",
    metadata,
    _id(),
    Column("name", String(200), nullable=False),
    Column("name_key", key_string(200), nullable=False),
    Column("date", Date, nullable=False),
    Column("description", long_text(), nullable=False),
    Column("brief", long_text(), nullable=False),
    Column("notes", long_text(), nullable=False),
    Column("theme_override", String(200)),
    _fk("created_by", "users.id"),
    Column("created_at", UtcDateTime),
    Column("archived_at", UtcDateTime),
    Column("sequence", Integer, nullable=False, server_default="0"),
    Column("updated_at", UtcDateTime),
    Column("cancelled_at", UtcDateTime),
    #: The name case folded and without accents (``rules.search_key``): searches match it on every backend.
    Column("search_key", key_string(400), nullable=False, server_default=""),
    Index("ix_events_date_name_key", "date", "name_key"),
)

event_bars = Table(
    "event_bars",
    metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("bar_id", Integer, ForeignKey("bars.id"), primary_key=True, index=True),
    Column("position", Integer, nullable=False),
)

deliverables = Table(
    "deliverables",
    metadata,
    _id(),
    _fk("event_id", "events.id", nullable=False, cascade=True),
    Column("name", String(200), nullable=False),
    Column("specs", String(500), nullable=False),
    _fk("template_id", "templates.id"),
    _fk("bar_id", "bars.id"),
    Column("screen_label", String(200)),
    _fk("assignee_id", "users.id"),
    Column("status", String(20), nullable=False, index=True),
    Column("enabled", Boolean, nullable=False),
    Column("approved_at", UtcDateTime),
    Column("row_version", Integer, nullable=False, server_default="1"),
    Column("current_version", Integer),
    Column("approved_version", Integer),
    Column("approved_by", Integer),  # a user id, kept as a plain number like the activity record's
    Column("status_since", UtcDateTime),
)

assets = Table(
    "assets",
    metadata,
    _id(),
    _fk("event_id", "events.id", nullable=False, cascade=True),
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("storage_key", String(255), nullable=False),
    _fk("uploaded_by", "users.id"),
    Column("created_at", UtcDateTime, nullable=False),
    _fk("deliverable_id", "deliverables.id", cascade=True),
    Column("version", Integer),
    Column("category", String(20)),
    Column("location", String(10), nullable=False),
    Column("preview_key", String(255)),
    Column("preview_size", BigInteger, nullable=False),
    Column("media_info", json_value(), nullable=False),
    Column("upload_id", String(32)),  # the resumable upload it came from: stored once
    Column("spec_check", json_value()),
    Index("uq_assets_deliverable_id_version", "deliverable_id", "version", unique=True),
    Index("uq_assets_upload_id", "upload_id", unique=True),
)

#: Who keeps temporary files and quota holds alive: a process (renewed by its heartbeat) or an unfinished upload.
leases = Table(
    "leases",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(255), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("host", String(255)),
    Column("pid", Integer),
)

reservations = Table(
    "reservations",
    metadata,
    _id(),
    Column("lease_id", String(32), nullable=False, index=True),
    Column("size", BigInteger, nullable=False),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    _fk("user_id", "users.id"),
)

#: One row per named mutex; ``SELECT ... FOR UPDATE`` on a row serialises a decision across connections.
locks = Table(
    "locks",
    metadata,
    Column("name", String(40), primary_key=True),
)
QUOTA_LOCK = "quota"
REMINDERS_LOCK = "reminders"
DIGEST_LOCK = "digest"

#: One row whose number every committed write increases: what was read under a number is still true while it holds.
revision = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("number", BigInteger, nullable=False),
)
REVISION_ROW = 1  # the one row, seeded by the migration

comments = Table(
    "comments",
    metadata,
    _id(),
    _fk("event_id", "events.id", nullable=False, cascade=True),
    _fk("author_id", "users.id", nullable=False),
    Column("text", long_text(), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _fk("deliverable_id", "deliverables.id", cascade=True),
    _fk("parent_id", "comments.id", cascade=True),
    Column("mention_ids", json_value(), nullable=False),
    Column("edited_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Column("anchor", json_value()),
)

#: The team's settings: one row (``SETTINGS_ROW``), a column per setting.
settings = Table(
    "settings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("second_pair_of_eyes", Boolean, nullable=False, server_default=false()),
)
SETTINGS_ROW = 1

activity = Table(
    "activity",
    metadata,
    _id(),
    Column("action", String(100), nullable=False),
    Column("entity_type", String(50), nullable=False),
    Column("entity_id", Integer),
    Column("at", UtcDateTime, nullable=False, index=True),
    _fk("actor_id", "users.id"),
    Column("event_id", Integer, index=True),
    Column("before", json_value()),
    Column("after", json_value()),
    Index("ix_activity_actor_id_at", "actor_id", "at"),  # the audit log by who acted, newest first
    Index("ix_activity_action_at", "action", "at"),  # ... by what was done (exactly, or by its start)
)

outbox = Table(
    "outbox",
    metadata,
    _id(),
    Column("kind", String(50), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("text", long_text(), nullable=False),
    Column("html", long_text()),
    _fk("user_id", "users.id"),
    Column("event_id", Integer),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", long_text()),
    Column("created_at", UtcDateTime, nullable=False, index=True),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("claim_token", String(32)),
    Column("claimed_until", UtcDateTime),
    Column("dedupe_key", String(200), unique=True),
    Column("group_key", String(100), index=True),
    Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
)

webhooks = Table(
    "webhooks",
    metadata,
    _id(),
    Column("url", String(2000), nullable=False),
    Column("secret", String(200), nullable=False),  # kept in clear: every delivery is signed with it
    Column("events", json_value(), nullable=False),
    Column("format", String(10), nullable=False),
    Column("language", String(5), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _fk("created_by", "users.id"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    _id(),
    _fk("webhook_id", "webhooks.id", nullable=False, cascade=True),
    Column("event_name", String(50), nullable=False),
    Column("body", long_text(), nullable=False),
    Column("status", String(10), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_status_code", Integer),
    Column("last_error", long_text()),
    Column("last_attempt_at", UtcDateTime),
    Column("delivered_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("claim_token", String(32)),
    Column("claimed_until", UtcDateTime),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
)

#: Calendar feeds: a user's own (``user_id``) or a bar's (``bar_id``); only the hash of the address's secret is kept.
feeds = Table(
    "feeds",
    metadata,
    _id(),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("salt", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _fk("user_id", "users.id"),
    _fk("bar_id", "bars.id"),
)

#: Who chose to follow a night, or to stop following it (``following`` false); without a row, whoever planned, is
#: assigned to, uploaded to or commented on a night follows it.
follows = Table(
    "follows",
    metadata,
    _id(),
    _fk("event_id", "events.id", nullable=False, cascade=True),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    Column("following", Boolean, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    UniqueConstraint("event_id", "user_id"),
)

#: Each person's in-app inbox; ``event_id`` stays a plain integer, like the activity's (a line outlives its night).
notifications = Table(
    "notifications",
    metadata,
    _id(),
    _fk("user_id", "users.id", nullable=False, cascade=True),
    Column("kind", String(50), nullable=False),
    Column("text", String(1000), nullable=False),
    Column("event_id", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
    #: What the line says, to be shown in the reader's language (``i18n.message_as_json``); NULL before 0015.
    Column("message", json_value()),
    Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
)
