"""Column types that behave the same on SQLite, PostgreSQL and MySQL/MariaDB."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, VARCHAR, DateTime, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

MYSQL = ("mysql", "mariadb")


class UtcDateTime(TypeDecorator[dt.datetime]):
    """An aware datetime, stored in UTC and always read back as an aware UTC datetime.

    PostgreSQL keeps the offset (``timestamptz``); SQLite and MySQL store naive UTC (MySQL with
    microseconds), and the offset is put back on reading.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in MYSQL:
            from sqlalchemy.dialects import mysql  # only on MySQL: every other start would pay for loading it

            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"refusing to store the naive datetime {value.isoformat()}: give it a time zone")
        utc = value.astimezone(dt.UTC)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class MediumText(Text):
    """MySQL's MEDIUMTEXT by name: MySQL's type compiler renders it, without loading that dialect to declare it."""

    __visit_name__ = "MEDIUMTEXT"


def key_string(length: int) -> TypeEngine[str]:
    """A lower-cased lookup key compared and sorted by code point on every backend.

    MySQL's default collations ignore case *and accents* ('Café' = 'cafe') and PostgreSQL's sort by locale,
    so keys use the binary collation there; SQLite compares bytes already. The generic VARCHAR with a collation is
    what each dialect's VARCHAR is, without loading those dialects.
    """
    return (
        String(length)
        .with_variant(VARCHAR(length, collation="utf8mb4_bin"), *MYSQL)
        .with_variant(VARCHAR(length, collation="C"), "postgresql")
    )


def long_text() -> TypeEngine[str]:
    """Rich text: MySQL's TEXT stops at 64 KB, so MEDIUMTEXT there."""
    return Text().with_variant(MediumText(), *MYSQL)


def json_value() -> TypeEngine[Any]:
    """A JSON document; Python ``None`` is stored as SQL NULL."""
    return JSON(none_as_null=True)
