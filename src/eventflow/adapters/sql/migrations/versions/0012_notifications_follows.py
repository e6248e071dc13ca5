"""Follows of nights and in-app notifications.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the branch that owns this migration


def downgrade() -> None:
    pass
