"""The audit log's filters get their indexes, and digest runs take turns.

``activity`` is read newest first filtered by who acted (``actor_id``) or by what was done (``action``, exactly or
by its start): ``(actor_id, at)`` and ``(action, at)`` serve both the filter and the order. The ``digest`` named
lock makes two ``eventflow digest`` runs at once (two cron hosts) take turns, so the second finds the first's
digests queued and queues none again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

DIGEST_LOCK = "digest"


def upgrade() -> None:
    op.create_index("ix_activity_actor_id_at", "activity", ["actor_id", "at"])
    op.create_index("ix_activity_action_at", "activity", ["action", "at"])
    op.bulk_insert(sa.table("locks", sa.column("name", sa.String)), [{"name": DIGEST_LOCK}])


def downgrade() -> None:
    op.execute(sa.text("DELETE FROM locks WHERE name = :name").bindparams(name=DIGEST_LOCK))
    op.drop_index("ix_activity_action_at", "activity")
    op.drop_index("ix_activity_actor_id_at", "activity")
