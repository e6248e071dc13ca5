"""The page reads (``ReadModels``): several SELECTs answered by one SQL statement.

Each SELECT becomes a scalar subquery aggregating its rows into a JSON array of arrays (``json_group_array`` on
SQLite, ``json_agg`` on PostgreSQL, ``JSON_ARRAYAGG`` on MySQL/MariaDB), so a page costs one round trip and reads
one snapshot. Rows travel as arrays (no column names repeated in every row: a third of the text, and faster to
parse); each value is turned back into what the driver would have given for its column (dates, aware datetimes,
booleans, nested JSON), then mapped to entities like any other row. Aggregates keep no order a query can rely on on
every backend, so rows are sorted here, the way the single repositories sort them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from operator import itemgetter
from typing import Any

from attrs import frozen
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Select, bindparam, extract, func, select, type_coerce
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from eventflow.adapters.sql import repositories as r
from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.mapping import EntityMap
from eventflow.core.ports import CalendarRows, CardRows, HistoryNight, HistoryRows, HistoryWindow, StatusChange, Upload
from eventflow.core.rules_history import STATUS_ACTIONS

Row = dict[str, Any]
Convert = Callable[[Any], Any]

#: (aggregate into a JSON array, JSON array of values) per dialect.
AGGREGATES = {
    "sqlite": (func.json_group_array, func.json_array),
    "postgresql": (func.json_agg, func.json_build_array),
    "mysql": (func.json_arrayagg, func.json_array),
    "mariadb": (func.json_arrayagg, func.json_array),
}


@frozen
class _Built:
    statement: Select[Any]
    keys: dict[str, list[str]]  # per query, its column names in order
    converters: dict[str, list[tuple[str, Convert]]]  # per query, the columns whose JSON value needs converting


class Together:
    """Named SELECTs (with bound parameters) answered by one statement, built once per dialect."""

    def __init__(self, queries: Mapping[str, Select[Any]]) -> None:
        self._queries = queries
        self._built: dict[str, _Built] = {}

    def fetch(self, db: r.Db, **params: Any) -> dict[str, list[Row]]:
        """The rows of every query, by name."""
        dialect = db.connection.dialect
        built = self._built.get(dialect.name) or self._build(dialect)
        found = db.run(built.statement, params).one()._mapping
        out = {}
        for name, keys in built.keys.items():
            rows = [dict(zip(keys, values, strict=True)) for values in found[name] or ()]
            for key, to_python in built.converters[name]:
                for row in rows:
                    row[key] = to_python(row[key])
            out[name] = rows
        return out

    def _build(self, dialect: Dialect) -> _Built:
        array_of, values_of = AGGREGATES[dialect.name]
        columns, keys, converters = [], {}, {}
        for name, query in self._queries.items():
            rows = query.subquery(name)
            array = select(array_of(values_of(*rows.c))).select_from(rows).scalar_subquery()
            columns.append(type_coerce(array, JSON).label(name))
            keys[name] = [str(c.key) for c in query.selected_columns]
            found = ((str(c.key), _converter(c.type, dialect)) for c in query.selected_columns)
            converters[name] = [(key, convert) for key, convert in found if convert is not None]
        self._built[dialect.name] = built = _Built(select(*columns), keys, converters)
        return built


def _converter(type_: TypeEngine[Any], dialect: Dialect) -> Convert | None:
    """JSON value -> the Python value the column's type gives when read normally (None: the JSON value is it)."""
    if isinstance(type_, TypeDecorator):
        inner = _converter(type_.impl_instance, dialect) or (lambda value: value)
        return lambda value: type_.process_result_value(inner(value), dialect)
    if isinstance(type_, DateTime):
        return lambda value: None if value is None else dt.datetime.fromisoformat(value)
    if isinstance(type_, Date):
        return lambda value: None if value is None else dt.date.fromisoformat(value[:10])
    if isinstance(type_, Boolean):
        return lambda value: None if value is None else bool(value)
    if isinstance(type_, JSON):  # SQLite and MariaDB hand nested documents over as text
        return lambda value: json.loads(value) if isinstance(value, str) else value
    return None


def _history() -> dict[str, Select[Any]]:
    """The history of the nights from ``history_start`` to ``history_end`` (keys prefixed ``history_``)."""
    in_window = r.event_filters(
        bindparam("history_start", type_=Date), bindparam("history_end", type_=Date), None, cancelled=False
    )
    event_ids = select(t.events.c.id).where(*in_window)
    a = t.activity.c
    return {
        "history_nights": select(t.events.c.id, t.events.c.date, t.events.c.created_at).where(*in_window),
        "history_slots": select(t.deliverables).where(t.deliverables.c.event_id.in_(event_ids)),
        "history_uploads": select(t.assets.c.deliverable_id.label("slot_id"), t.assets.c.created_at.label("at")).where(
            t.assets.c.event_id.in_(event_ids), t.assets.c.deliverable_id.is_not(None)
        ),
        "history_changes": select(
            a.id, a.entity_id.label("slot_id"), a.at, a.action, a.after["status"].as_string().label("status")
        ).where(
            a.event_id.in_(event_ids),
            a.entity_type == "deliverable",
            a.entity_id.is_not(None),
            a.action.in_(STATUS_ACTIONS),
        ),
    }


def _calendar(at_bar: bool, with_history: bool, with_cancelled: bool) -> Together:
    bar_id = bindparam("bar_id", type_=Integer) if at_bar else None
    cancelled = None if with_cancelled else False
    in_period = r.event_filters(bindparam("start", type_=Date), bindparam("end", type_=Date), bar_id, cancelled)
    event_ids = select(t.events.c.id).where(*in_period)
    month = t.themes.c.year * 12 + t.themes.c.month
    return Together(
        {
            "events": select(t.events).where(*in_period),
            "links": select(t.event_bars).where(t.event_bars.c.event_id.in_(event_ids)),
            "slots": select(t.deliverables).where(t.deliverables.c.event_id.in_(event_ids)),
            "bars": select(t.bars),
            "themes": select(t.themes).where(month >= bindparam("first_month"), month <= bindparam("last_month")),
            **(_history() if with_history else {}),
        }
    )


def _card(limited: bool, with_history: bool) -> Together:
    event_id = bindparam("event_id", type_=Integer)
    activity = select(t.activity).where(t.activity.c.event_id == event_id)
    event_date = select(t.events.c.date).where(t.events.c.id == event_id).scalar_subquery()
    return Together(
        {
            "events": select(t.events).where(t.events.c.id == event_id),
            "links": select(t.event_bars).where(t.event_bars.c.event_id == event_id),
            "slots": select(t.deliverables).where(t.deliverables.c.event_id == event_id),
            "assets": select(t.assets).where(t.assets.c.event_id == event_id),
            "comments": select(t.comments).where(t.comments.c.event_id == event_id),
            "activity": activity.order_by(t.activity.c.at.desc(), t.activity.c.id.desc()).limit(bindparam("limit"))
            if limited
            else activity,
            "bars": select(t.bars),
            "themes": select(t.themes).where(
                t.themes.c.year == extract("year", event_date), t.themes.c.month == extract("month", event_date)
            ),
            "users": select(t.users),
            "settings": select(t.settings).where(t.settings.c.id == t.SETTINGS_ROW),
            "follows": select(t.follows).where(t.follows.c.event_id == event_id),
            **(_history() if with_history else {}),
        }
    )


BOTH = (False, True)
CALENDAR = {
    (at_bar, history, cancelled): _calendar(at_bar, history, cancelled)
    for at_bar in BOTH
    for history in BOTH
    for cancelled in BOTH
}
CARD = {(limited, history): _card(limited, history) for limited in BOTH for history in BOTH}
HISTORY = Together(_history())


class SqlReadModels:
    def __init__(self, db: r.Db) -> None:
        self._db = db

    def calendar(
        self,
        start: dt.date,
        end: dt.date,
        bar_id: int | None = None,
        history: HistoryWindow | None = None,
        with_cancelled: bool = False,
    ) -> CalendarRows:
        found = CALENDAR[(bar_id is not None, history is not None, with_cancelled)].fetch(
            self._db,
            start=start,
            end=end,
            first_month=_month_number(start),
            last_month=_month_number(end),
            bar_id=bar_id,
            **_window(history),
        )
        return CalendarRows(
            events=_events(found["events"], found["links"]),
            slots=_entities(r.DELIVERABLES, found["slots"], "id"),
            bars=_entities(r.BARS, found["bars"], "name_key", "id"),
            themes=_entities(r.THEMES, found["themes"], "year", "month", "id"),
            history=_history_rows(found) if history else None,
        )

    def card(
        self, event_id: int, activity_limit: int | None = None, history: HistoryWindow | None = None
    ) -> CardRows | None:
        found = CARD[(activity_limit is not None, history is not None)].fetch(
            self._db, event_id=event_id, limit=activity_limit, **_window(history)
        )
        if not found["events"]:
            return None
        return CardRows(
            event=_events(found["events"], found["links"])[0],
            slots=_entities(r.DELIVERABLES, found["slots"], "id"),
            assets=_entities(r.ASSETS, found["assets"], "created_at", "id"),
            comments=_entities(r.COMMENTS, found["comments"], "created_at", "id"),
            activity=_entities(r.ACTIVITY, found["activity"], "at", "id", newest_first=True),
            bars=_entities(r.BARS, found["bars"], "name_key", "id"),
            themes=_entities(r.THEMES, found["themes"], "year", "month", "id"),
            users=_entities(r.USERS, found["users"], "name_key", "id"),
            settings=r.settings_of(found["settings"][0] if found["settings"] else None),
            history=_history_rows(found) if history else None,
            follows=_entities(r.FOLLOWS, found["follows"], "at", "id"),
        )

    def history(self, start: dt.date, end: dt.date) -> HistoryRows:
        return _history_rows(HISTORY.fetch(self._db, **_window((start, end))))


def _window(history: HistoryWindow | None) -> dict[str, dt.date]:
    return {"history_start": history[0], "history_end": history[1]} if history else {}


def _history_rows(found: dict[str, list[Row]]) -> HistoryRows:
    return HistoryRows(
        nights=[HistoryNight(**row) for row in sorted(found["history_nights"], key=itemgetter("date", "id"))],
        slots=_entities(r.DELIVERABLES, found["history_slots"], "id"),
        uploads=[Upload(**row) for row in sorted(found["history_uploads"], key=itemgetter("at", "slot_id"))],
        changes=[StatusChange(**row) for row in sorted(found["history_changes"], key=itemgetter("at", "id"))],
    )


def _entities(mapping: EntityMap[Any], rows: list[Row], *order: str, newest_first: bool = False) -> list[Any]:
    rows.sort(key=itemgetter(*order), reverse=newest_first)
    return [mapping.to_entity(row) for row in rows]


def _events(rows: list[Row], links: list[Row]) -> list[Any]:
    bar_ids: dict[int, list[int]] = {}
    for link in sorted(links, key=itemgetter("event_id", "position")):
        bar_ids.setdefault(link["event_id"], []).append(link["bar_id"])
    events = _entities(r.EVENTS, rows, "date", "name_key", "id")
    for event in events:
        event.bar_ids = bar_ids.get(event.id, [])
    return events


def _month_number(day: dt.date) -> int:
    return day.year * 12 + day.month
