"""Schema building blocks for the OpenAPI fragments written by hand (query parameters, request fields)."""

from __future__ import annotations

import datetime as dt
from typing import Any

Json = dict[str, Any]


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def array_of(name: str) -> Json:
    return {"type": "array", "items": ref(name)}


def _obj(required: list[str], **props: Json) -> Json:
    return {"type": "object", "required": required, "properties": props}


STR: Json = {"type": "string"}
INT: Json = {"type": "integer"}
BOOL: Json = {"type": "boolean"}
DATE: Json = {"type": "string", "format": "date"}
DATETIME: Json = {"type": "string", "format": "date-time"}
ANY_OBJECT: Json = {"type": "object", "additionalProperties": True}
ID: Json = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
#: A name or label: some visible text, at most 200 characters (the core's ``require_text``).
NAME: Json = {"type": "string", "minLength": 1, "maxLength": 200, "pattern": r"\S"}
MONTH: Json = {"type": "string", "pattern": r"^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$", "example": "2026-12"}
EMAIL: Json = {"type": "string", "pattern": r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "example": "alex@bars.fr"}
HARDWARE: Json = {
    "type": "object",
    "description": 'the screens of the venue: {"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "..."}]}',
    "properties": {
        "screens": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["kind"],
                "properties": {"kind": {"type": "string", "pattern": r"\S"}, "label": STR, "specs": STR},
            },
        }
    },
}


def nullable(schema: Json) -> Json:
    return {**schema, "nullable": True}


SCHEMAS: dict[str, Json] = {
    "Error": _obj(
        ["title", "description"],
        title=STR,
        description=STR,
        field={"type": "string", "description": "the faulty field, when known"},
    ),
}
