"""Alembic environment: eventflow runs migrations on a connection it passes in (see ``migrate.py``)."""

from __future__ import annotations

from alembic import context

from eventflow.adapters.sql.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run eventflow's migrations with `eventflow db upgrade`, not the alembic command")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
