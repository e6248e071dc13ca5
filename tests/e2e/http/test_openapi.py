"""/api/openapi.json is true to the code: every API route is documented, every documented path is routed."""

from __future__ import annotations

import re

import falcon
import falcon.inspect
import falcon.testing
import schemathesis

from eventflow.entrypoints.web.app import api_document
from tests.support.web import Api

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}


def routed_operations(app: falcon.App) -> set[tuple[str, str]]:
    operations = set()
    for route in falcon.inspect.inspect_routes(app):
        if not route.path.startswith("/api/"):
            continue
        path = re.sub(r"\{(\w+):[^}]+\}", r"{\1}", route.path)
        operations |= {(path, m.method.lower()) for m in route.methods if not m.internal}
    return operations


def documented_operations(document: dict[str, dict[str, object]]) -> set[tuple[str, str]]:
    return {(path, method) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS}


def test_the_document_is_public_openapi_3(client: falcon.testing.TestClient) -> None:
    resp = client.simulate_get("/api/openapi.json")
    assert resp.status_code == 200
    assert resp.json["openapi"].startswith("3.")
    assert resp.json["paths"]


def test_the_document_is_valid_openapi_3_0() -> None:
    schemathesis.openapi.from_dict(api_document()).validate()  # raises on any violation of the 3.0 schema


def test_every_api_route_is_documented_and_every_documented_path_routed(
    app: falcon.App, client: falcon.testing.TestClient
) -> None:
    document = client.simulate_get("/api/openapi.json").json
    assert routed_operations(app) == documented_operations(document)


def test_path_parameters_match_the_route_fields(client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json").json
    for path, item in document["paths"].items():
        in_path = set(re.findall(r"\{(\w+)\}", path))
        for method, op in item.items():
            declared = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, f"{method.upper()} {path}"


def test_every_reference_resolves(client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json")
    components = document.json["components"]
    for kind, name in re.findall(r'"#/components/(\w+)/(\w+)"', document.text):
        assert name in components[kind], f"#/components/{kind}/{name}"


def test_public_operations_are_exactly_login_logout_and_the_document(client: falcon.testing.TestClient) -> None:
    document = client.simulate_get("/api/openapi.json").json
    public = {
        (path, method)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if op.get("security") == []
    }
    assert public == {("/api/session", "post"), ("/api/session", "delete"), ("/api/openapi.json", "get")}


def test_private_operations_answer_401_without_credentials(client: falcon.testing.TestClient, as_admin: Api) -> None:
    document = client.simulate_get("/api/openapi.json").json
    for path, item in document["paths"].items():
        for method, op in item.items():
            if op.get("security") == []:
                continue
            concrete = re.sub(r"\{\w+\}", "1", re.sub(r"\{month\}", "2026-12", path))
            resp = client.simulate_request(method.upper(), concrete)
            assert resp.status_code == 401, f"{method.upper()} {path}"
            assert "401" in op["responses"]
