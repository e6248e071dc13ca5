"""OpenAPI schemas come from the attrs classes of the API: one description of each shape."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any, Literal

import pytest
from attrs import field, frozen

from eventflow.core.model import Status
from eventflow.entrypoints.web.bodies import UNSET
from eventflow.entrypoints.web.openapi import Shape, build_document, many, operation
from eventflow.entrypoints.web.schema import Components, doc


@frozen
class Draft:
    version: int = field(metadata=doc(minimum=1))
    created_at: dt.datetime


@frozen
class Job:
    id: int
    status: Status
    due: dt.date
    assignee_id: int | None
    versions: list[Draft]
    current: Draft | None
    media: dict[str, Any]
    kind: Literal["print", "screen"]


@frozen
class SlotChanges:
    status: Status = UNSET
    assignee_id: int | None = UNSET


@frozen
class SlotCreate:
    name: str = field(metadata=doc(minLength=1))
    specs: str = ""


def test_a_response_class_becomes_a_component_with_every_field_required() -> None:
    components = Components()
    assert components.ref(Job) == {"$ref": "#/components/schemas/Job"}
    slot = components.schemas["Job"]
    assert slot["required"] == ["id", "status", "due", "assignee_id", "versions", "current", "media", "kind"]
    props = slot["properties"]
    assert props["status"] == {"type": "string", "enum": [s.value for s in Status]}
    assert props["due"] == {"type": "string", "format": "date"}
    assert props["assignee_id"] == {"type": "integer", "nullable": True}
    assert props["versions"] == {"type": "array", "items": {"$ref": "#/components/schemas/Draft"}}
    assert props["current"] == {"allOf": [{"$ref": "#/components/schemas/Draft"}], "nullable": True}
    assert props["media"] == {"type": "object", "additionalProperties": True}
    assert props["kind"] == {"type": "string", "enum": ["print", "screen"]}
    assert components.schemas["Draft"]["properties"]["version"] == {"type": "integer", "minimum": 1}


def test_a_request_class_refuses_extra_keys_and_requires_only_fields_without_default() -> None:
    components = Components()
    create = components.object_of(SlotCreate, request=True)
    assert create["required"] == ["name"]
    assert create["additionalProperties"] is False
    assert create["properties"]["name"] == {"type": "string", "minLength": 1}
    changes = components.object_of(SlotChanges, request=True)
    assert "required" not in changes, "a PATCH body names only what it changes"


def test_the_document_resolves_classes_named_by_operations() -> None:
    module = types.ModuleType("jobs")
    module.OPENAPI = {  # type: ignore[attr-defined]
        "paths": {
            "/jobs": {
                "get": operation("Slots", "t", many(Job)),
                "post": operation("Add", "t", Job, status=201, body=SlotCreate),
            }
        }
    }

    document = build_document([module])
    paths = document["paths"]["/jobs"]
    listed = paths["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert listed == {"type": "array", "items": {"$ref": "#/components/schemas/Job"}}
    body = paths["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["name"]
    assert {"Job", "Draft"} <= document["components"]["schemas"].keys()
    assert not any(isinstance(v, Shape) for v in paths["post"].values())


def test_two_classes_with_one_name_cannot_both_be_described() -> None:
    components = Components()
    components.ref(Draft)

    @frozen
    class Draft2:
        n: int

    Draft2.__name__ = "Draft"
    with pytest.raises(TypeError, match="both called 'Draft'"):
        components.ref(Draft2)
