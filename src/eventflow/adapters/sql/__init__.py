"""SQL persistence (SQLAlchemy 2 Core + Alembic) on SQLite, PostgreSQL and MySQL/MariaDB."""

from eventflow.adapters.sql.engine import DatabaseError
from eventflow.adapters.sql.migrate import DbStatus, status, upgrade
from eventflow.adapters.sql.uow import SqlUnitOfWork, SqlUnitOfWorkFactory

__all__ = ["DatabaseError", "DbStatus", "SqlUnitOfWork", "SqlUnitOfWorkFactory", "status", "upgrade"]
