"""The OpenAPI document: each route module describes its own paths; this module merges them.

A route module may expose ``OPENAPI = {"paths": {...}, "components": {"schemas": {...}}}``;
``build_document`` merges every fragment with the shared schemas of ``schema``. An operation names its body and
response by their attrs classes (``operation(..., EventCard, body=EventCreate)``, ``many(EventSummary)`` for a
list): ``build_document`` generates their schemas (``schema.Components``), so a shape is written once, as a class.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import attrs
import falcon

from eventflow import __version__
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.schema import SCHEMAS, Components, Json, ref

ERROR_REASONS = {
    400: "Malformed JSON",
    401: "Not logged in (no or expired session, invalid token, deactivated account)",
    403: "Not allowed: the role does not allow it, a cookie write lacks its CSRF token or comes from another site",
    404: "No such object",
    409: "Clashes with existing data",
    412: "Changed by someone else since it was read (If-Match does not match its ETag)",
    413: "File too large",
    415: "Unsupported media type",
    422: "Missing or invalid field (named in `field`)",
    429: "Too many failed logins",
    503: "The database stayed busy with concurrent changes to the same data; try again after Retry-After seconds",
    507: "Storage quota reached",
}
#: Every private operation may answer 401; a write with a body also 400, 403 (CSRF or role), 413, 415 and 422, and
#: 503 when concurrent changes kept the database busy.
COMMON_ERRORS = (401,)
BODY_ERRORS = (400, 403, 413, 415, 422, 503)


@attrs.frozen
class Shape:
    """An attrs class in an operation, described when the document is built: a response (or a list of them with
    ``many``), or a request body (defaulted fields optional; extra keys refused in JSON, ignored in a ``form``)."""

    cls: type
    many: bool = False
    request: bool = False
    form: bool = False

    @property
    def media_type(self) -> str:
        return "multipart/form-data" if self.form else "application/json"

    def describe(self, components: Components) -> Json:
        if self.request:
            return components.object_of(self.cls, request=True, closed=not self.form)
        one = components.ref(self.cls)
        return {"type": "array", "items": one} if self.many else one


def many(cls: type) -> Shape:
    """A response that is a JSON array of ``cls``."""
    return Shape(cls, many=True)


def form(cls: type) -> Shape:
    """A ``multipart/form-data`` request body: ``cls``'s fields, its files typed ``schema.FilePart``."""
    return Shape(cls, request=True, form=True)


def _schema(value: Json | type | Shape) -> Json | Shape:
    if isinstance(value, type):
        return Shape(value)
    return value


def path_id(name: str, description: str = "") -> Json:
    """A typed ``{name:id}`` path parameter (an integer between 1 and 2**31-1)."""
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description or name.replace("_", " "),
        "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
    }


def follow(*operation_ids: str, param: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Links from a creation to operations on what it created, whose id is the response's ``id``."""
    return {op[0].upper() + op[1:]: (op, {param: "$response.body#/id"}) for op in operation_ids}


def query(name: str, schema: Json, description: str) -> Json:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


def operation(
    summary: str,
    tag: str,
    response: Json | type | Shape | None,
    *,
    status: int = 200,
    body: Json | type | Shape | None = None,
    params: Iterable[Json] = (),
    errors: Iterable[int] = (),
    public: bool = False,
    operation_id: str | None = None,
    links: dict[str, tuple[str, dict[str, str]]] | None = None,
    headers: Json | None = None,
) -> Json:
    """One operation: its success response (``None`` for 204) and its ``headers``, body schema, parameters and error
    statuses.

    ``links`` name the operations a client may call next with values of the response, e.g.
    ``{"GetEvent": ("getEvent", {"event_id": "$response.body#/id"})}`` (used by stateful fuzzing).
    """
    codes = set(errors) | (set() if public else set(COMMON_ERRORS)) | (set(BODY_ERRORS) if body else set())
    success: Json = {"description": summary}
    if response is not None:
        success["content"] = {"application/json": {"schema": _schema(response)}}
    if headers:
        success["headers"] = headers
    if links:
        success["links"] = {
            name: {"operationId": target, "parameters": parameters} for name, (target, parameters) in links.items()
        }
    responses: Json = {str(status): success}
    for code in sorted(codes):
        responses[str(code)] = {"$ref": f"#/components/responses/E{code}"}
    op: Json = {"summary": summary, "tags": [tag], "responses": responses}
    if operation_id:
        op["operationId"] = operation_id
    if params:
        op["parameters"] = list(params)
    if body is not None:
        schema = Shape(body, request=True) if isinstance(body, type) else body
        media = schema.media_type if isinstance(schema, Shape) else "application/json"
        op["requestBody"] = {"required": True, "content": {media: {"schema": schema}}}
    if public:
        op["security"] = []
    return op


def body_schema(required: Iterable[str], **props: Json) -> Json:
    """A request body: an object with exactly those properties (extra keys are refused with 422)."""
    schema: Json = {"type": "object", "properties": props, "additionalProperties": False}
    if required:  # OpenAPI 3.0 forbids an empty "required" list
        schema["required"] = list(required)
    return schema


def build_document(modules: Iterable[ModuleType]) -> Json:
    paths: Json = {}
    components = Components()
    for shape in presenters.SHAPES:
        components.ref(shape)
    schemas: Json = copy.deepcopy(SCHEMAS)
    for module in modules:
        fragment: Json = getattr(module, "OPENAPI", {})
        paths.update(_resolve(copy.deepcopy(fragment.get("paths", {})), components))
        schemas.update(copy.deepcopy(fragment.get("components", {}).get("schemas", {})))
    clashes = schemas.keys() & components.schemas.keys()
    if clashes:
        raise TypeError(f"schemas described both by hand and by a class: {sorted(clashes)}")
    schemas.update(components.schemas)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "eventflow API",
            "version": __version__,
            "description": "Plan themed nights across bars and get every asset approved by J-7. "
            "Authenticate with a session cookie (POST /api/session; writes then need the X-CSRF-Token header) "
            "or a personal token (Authorization: Bearer TOKEN, from `eventflow token create EMAIL`).",
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": schemas,
            "responses": {
                f"E{code}": {"description": reason, "content": {"application/json": {"schema": ref("Error")}}}
                for code, reason in ERROR_REASONS.items()
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "eventflow_session"},
            },
        },
    }


def _resolve(node: Any, components: Components) -> Any:
    """``node`` with every :class:`Shape` in it replaced by its schema."""
    if isinstance(node, Shape):
        return node.describe(components)
    if isinstance(node, dict):
        return {key: _resolve(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(value, components) for value in node]
    return node


class OpenApiResource:
    auth_required = False

    def __init__(self, document: Json) -> None:
        self._document = document

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = self._document


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/openapi.json": {
            "get": operation(
                "This OpenAPI document", "meta", {"type": "object"}, public=True, operation_id="getOpenApi"
            )
        }
    }
}
