"""Cancelled nights (kept in history, hidden by default) and the search key of each night's name.

``events.cancelled_at`` says when a night was cancelled (NULL: it is on). ``events.search_key`` holds the name case
folded and without accents, so ``GET /api/events?q=`` finds "Café" from "cafe" on every backend (MariaDB's
collations ignore accents, PostgreSQL's and SQLite's do not): existing nights get theirs here.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql, postgresql

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MYSQL = ("mysql", "mariadb")
#: The search key as this revision defines it (``rules.search_key`` at the time), kept here so the migration
#: stays what it was when the code changes.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def search_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def utc() -> sa.types.TypeEngine[Any]:
    return sa.DateTime(timezone=True).with_variant(mysql.DATETIME(fsp=6), *MYSQL)


def key(length: int) -> sa.types.TypeEngine[str]:
    return (
        sa.String(length)
        .with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
    )


def upgrade() -> None:
    op.add_column("events", sa.Column("cancelled_at", utc()))
    op.add_column("events", sa.Column("search_key", key(400), nullable=False, server_default=""))
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("search_key"))
    connection = op.get_bind()
    for row in connection.execute(sa.select(events.c.id, events.c.name)).all():
        connection.execute(events.update().where(events.c.id == row.id).values(search_key=search_key(row.name)))


def downgrade() -> None:
    op.drop_column("events", "search_key")
    op.drop_column("events", "cancelled_at")
