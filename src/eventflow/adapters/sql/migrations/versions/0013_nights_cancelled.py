"""Cancelled nights (kept in history, hidden by default).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the branch that owns this migration


def downgrade() -> None:
    pass
