"""Hand mapping between table rows and the plain attrs entities of ``core.model``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import Any, Generic, Protocol, TypeVar, cast

import attrs
from sqlalchemy import Table

from eventflow.core.rules import search_key

E = TypeVar("E", bound=attrs.AttrsInstance)


class ColumnValues(Protocol):
    """A row's values by column name: SQLAlchemy's ``RowMapping`` (whose keys may also be columns) or a plain dict."""

    def __getitem__(self, name: str, /) -> Any: ...


@attrs.frozen
class Codec:
    """A value object kept in a JSON column: how it becomes JSON, and back (``None`` stays NULL)."""

    dump: Callable[[Any], Any]
    load: Callable[[Any], Any]


@attrs.frozen
class EntityMap(Generic[E]):
    """One entity class over one table: same-named columns, enums stored as their value, value objects in JSON
    columns through their ``codecs``, ``keys`` columns holding the lower-cased copy of a field for
    case-insensitive lookups, ``folded`` columns holding it as searches compare it, and ``renamed`` fields kept in a
    column of another name (field → column)."""

    entity: type[E]
    table: Table
    enums: Mapping[str, type[StrEnum]] = attrs.field(factory=dict)
    keys: Mapping[str, str] = attrs.field(factory=dict)
    #: Columns holding a field as searches compare it (``rules.search_key``: no case, no accents).
    folded: Mapping[str, str] = attrs.field(factory=dict)
    codecs: Mapping[str, Codec] = attrs.field(factory=dict)
    renamed: Mapping[str, str] = attrs.field(factory=dict)
    columns: tuple[str, ...] = attrs.field(init=False)

    @columns.default
    def _shared_columns(self) -> tuple[str, ...]:
        fields = (f.name for f in attrs.fields(self.entity) if f.name != "id")
        return tuple(name for name in fields if self.renamed.get(name, name) in self.table.c)

    def to_row(self, entity: E) -> dict[str, Any]:
        row = {name: getattr(entity, name) for name in self.columns}
        for name, enum in self.enums.items():
            row[name] = None if row[name] is None else enum(row[name]).value
        for name, codec in self.codecs.items():
            row[name] = None if row[name] is None else codec.dump(row[name])
        for column, source in self.keys.items():
            row[column] = row[source].lower()
        for column, source in self.folded.items():
            row[column] = search_key(row[source])
        for name, column in self.renamed.items():
            row[column] = row.pop(name)
        return row

    def to_entity(self, row: ColumnValues) -> E:
        values = {name: row[self.renamed.get(name, name)] for name in self.columns}
        for name, enum in self.enums.items():
            values[name] = None if values[name] is None else enum(values[name])
        for name, codec in self.codecs.items():
            values[name] = None if values[name] is None else codec.load(values[name])
        build = cast(Any, self.entity)
        entity: E = build(id=row["id"], **values)
        return entity
