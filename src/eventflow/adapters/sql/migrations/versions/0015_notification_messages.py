"""Inbox lines say what happened, to be read in the reader's language of the moment.

``notifications.message`` keeps what a line says as JSON (its English msgid and values: names, days, nested
messages such as "someone", a quoted comment), so a person who switches to English reads their earlier lines in
English. Lines written before have none (NULL): they keep showing their ``text``, as written then.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("message", sa.JSON(none_as_null=True)))


def downgrade() -> None:
    op.drop_column("notifications", "message")
