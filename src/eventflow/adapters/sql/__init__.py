"""SQL persistence (SQLAlchemy 2 Core + Alembic) on SQLite, PostgreSQL and MySQL/MariaDB.

The package itself loads nothing: import what you use from its modules (``uow.SqlUnitOfWorkFactory``,
``migrate.status``/``upgrade``, ``engine.DatabaseError``), so that ``eventflow db status`` does not load the
repositories, tables and read models it never uses.
"""
