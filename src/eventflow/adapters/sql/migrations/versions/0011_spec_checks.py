"""Spec checks of versions: each slot's version keeps how it compares to the slot's specs (a JSON document).

Versions stored before have none; they are checked from their media facts when shown.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assets", sa.Column("spec_check", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    op.drop_column("assets", "spec_check")
