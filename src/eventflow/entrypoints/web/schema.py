"""OpenAPI schemas generated from the attrs classes that carry the API's requests and responses.

A class is described once, by its annotations: ``int``, ``str``, ``bool``, ``float``, dates and instants, enums
(their values become the ``enum``), ``Literal[...]``, ``X | None`` (nullable), ``list[X]``, ``dict[str, X]``, nested
attrs classes (a ``$ref`` to their own component) and ``FilePart`` (a file of a multipart form). A field's
``metadata={"openapi": {...}}`` adds what a type cannot say (bounds, patterns, a description). In a request class, a
field without a default is required, and a field whose default is ``UNSET`` (a PATCH body) is optional; a JSON request
refuses keys it does not list (a form ignores them); in a response every field is always present.
"""

from __future__ import annotations

import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

Json = dict[str, Any]
#: The key of a field's metadata that holds OpenAPI keywords.
OPENAPI = "openapi"


def doc(**keywords: Any) -> dict[str, Json]:
    """Field metadata adding OpenAPI keywords: ``field(metadata=doc(minimum=1))``."""
    return {OPENAPI: keywords}


class FilePart:
    """The type of a multipart form's file field: its bytes, streamed by the resource (never structured)."""


_SCALARS: Mapping[Any, Json] = {
    FilePart: {"type": "string", "format": "binary"},
    int: {"type": "integer"},
    str: {"type": "string"},
    bool: {"type": "boolean"},
    float: {"type": "number"},
    dt.date: {"type": "string", "format": "date"},
    dt.datetime: {"type": "string", "format": "date-time"},
}


class Components:
    """The component schemas met while describing types; each attrs class is described once, by its name."""

    def __init__(self) -> None:
        self.schemas: dict[str, Json] = {}
        self._owners: dict[str, type] = {}

    def ref(self, cls: type, request: bool = False) -> Json:
        """A ``$ref`` to ``cls``'s component, described on first use (as a request body part with ``request``)."""
        name = cls.__name__
        if self._owners.setdefault(name, cls) is not cls:
            raise TypeError(f"two classes are both called {name!r} in the API")
        if name not in self.schemas:
            self.schemas[name] = {}  # placeholder first: a class may refer to itself
            self.schemas[name] = self.object_of(cls, request)
        return {"$ref": f"#/components/schemas/{name}"}

    def object_of(self, cls: type, request: bool = False, closed: bool | None = None) -> Json:
        """The object schema of an attrs class; ``request`` makes defaulted fields optional, in the classes it nests
        too, and refuses extra keys unless ``closed`` is False (a form's text fields)."""
        hints = typing.get_type_hints(cls)
        properties: Json = {}
        required: list[str] = []
        for field in attrs.fields(cls):
            properties[field.name] = self.of(hints[field.name], request) | field.metadata.get(OPENAPI, {})
            if not request or field.default is attrs.NOTHING:
                required.append(field.name)
        schema: Json = {"type": "object", "properties": properties}
        if required:  # OpenAPI 3.0 forbids an empty "required" list
            schema["required"] = required
        if request if closed is None else closed:
            schema["additionalProperties"] = False
        return schema

    def of(self, annotation: Any, request: bool = False) -> Json:
        """The schema of one annotation (in a request body with ``request``)."""
        if annotation in _SCALARS:
            return dict(_SCALARS[annotation])
        if annotation is Any:
            return {}
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return {"type": "string", "enum": [member.value for member in annotation]}
        if attrs.has(annotation):
            return self.ref(annotation, request)
        origin, args = typing.get_origin(annotation), typing.get_args(annotation)
        if origin in (types.UnionType, typing.Union):
            present = [a for a in args if a is not type(None)]
            if len(present) != 1:
                raise TypeError(f"only X | None unions can be described, not {annotation}")
            inner = self.of(present[0], request)
            return {"allOf": [inner], "nullable": True} if "$ref" in inner else inner | {"nullable": True}
        if origin is typing.Literal:
            return {"type": "string" if all(isinstance(a, str) for a in args) else "integer", "enum": list(args)}
        if origin in (list, tuple, Sequence):
            return {"type": "array", "items": self.of(args[0], request)}
        if origin is dict:
            return {"type": "object", "additionalProperties": self.of(args[1], request) or True}
        raise TypeError(f"cannot describe {annotation!r} in OpenAPI")


# -- building blocks for the schemas still written by hand (query parameters, some request fields) --------------
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
