"""Every failure is a JSON error with the right status, a readable message and no stack trace."""

from __future__ import annotations

import logging

import falcon
import falcon.testing
import pytest

from eventflow.core import errors
from tests.support import english
from tests.support.web import Api

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


DOMAIN_ERRORS = {
    "invalid": (errors.InvalidInput("name must not be empty", "name"), 422),
    "missing": (errors.NotFound("event", 7), 404),
    "conflict": (errors.Conflict("a bar named 'A' already exists"), 409),
    "anonymous": (errors.NotAuthenticated("log in"), 401),
    "forbidden": (errors.Forbidden("only an admin may do this"), 403),
    "too-large": (errors.FileTooLarge(500 * 1024 * 1024), 413),
    "quota": (errors.QuotaExceeded(10, 2), 507),
    "media": (errors.UnsupportedMedia("only images here"), 415),
    "cut": (errors.UploadCut(), 400),
    "disk-full": (errors.StorageFull("hot store", 0), 507),
    "outdated": (errors.Outdated("deliverable", 7), 412),
    "clash": (errors.TryAgain("the database cancelled this change"), 503),
    "busy": (errors.Unavailable("the database is busy; try again in a moment", retry_after=2), 503),
}


class Raiser:
    """Stands in for a resource whose use case fails."""

    auth_required = False

    def on_get(self, req: falcon.Request, resp: falcon.Response, kind: str) -> None:
        if kind == "bug":
            raise RuntimeError("secret internals: password=hunter2")
        if kind == "page-bug":
            resp.content_type = falcon.MEDIA_HTML  # as a page does before rendering
            raise RuntimeError("template exploded: password=hunter2")
        raise DOMAIN_ERRORS[kind][0]


@pytest.fixture
def raising(app: falcon.App) -> falcon.testing.TestClient:
    app.add_route("/test/raise/{kind}", Raiser())
    return falcon.testing.TestClient(app)


@pytest.mark.parametrize("kind", sorted(DOMAIN_ERRORS))
def test_domain_errors_map_to_their_status_with_the_message(raising: falcon.testing.TestClient, kind: str) -> None:
    exc, status = DOMAIN_ERRORS[kind]
    resp = raising.simulate_get(f"/test/raise/{kind}")
    assert resp.status_code == status
    assert resp.json["description"] == str(exc)
    assert resp.json["title"]


@pytest.mark.parametrize(("kind", "seconds"), [("clash", "1"), ("busy", "2")])
def test_a_busy_database_says_when_to_try_again(raising: falcon.testing.TestClient, kind: str, seconds: str) -> None:
    assert raising.simulate_get(f"/test/raise/{kind}").headers["Retry-After"] == seconds


def test_invalid_input_names_the_field(raising: falcon.testing.TestClient) -> None:
    assert raising.simulate_get("/test/raise/invalid").json["field"] == "name"


def test_a_bug_is_a_500_with_a_request_id_and_no_trace(
    raising: falcon.testing.TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="eventflow.web"):
        resp = raising.simulate_get("/test/raise/bug")
    assert resp.status_code == 500
    request_id = resp.headers["X-Request-Id"]
    assert resp.json == {
        "title": "Internal error",
        "description": f"something went wrong on our side; tell the admin the request id {request_id}",
    }
    assert "hunter2" not in resp.text and "Traceback" not in resp.text
    assert resp.headers["X-Content-Type-Options"] == "nosniff"  # the security headers hold on failures too
    assert request_id in caplog.text and "hunter2" in caplog.text  # the log keeps what the response hides


def test_a_bug_on_a_page_is_a_500_page_not_json(raising: falcon.testing.TestClient) -> None:
    resp = raising.simulate_get("/test/raise/page-bug")
    assert resp.status_code == 500 and resp.headers["Content-Type"].startswith("text/html")
    assert resp.headers["X-Request-Id"] in resp.text and "hunter2" not in resp.text


def test_a_sane_incoming_request_id_is_kept(raising: falcon.testing.TestClient) -> None:
    resp = raising.simulate_get("/test/raise/missing", headers={"X-Request-Id": "proxy-1234abcd"})
    assert resp.headers["X-Request-Id"] == "proxy-1234abcd"
    forged = raising.simulate_get("/test/raise/missing", headers={"X-Request-Id": "<script>"})
    assert forged.headers["X-Request-Id"] != "<script>"


def test_malformed_json_is_400(as_admin: Api) -> None:
    resp = as_admin.post("/api/bars", body='{"name": ', headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json["description"] == "the body is not valid JSON"


def test_absurdly_nested_json_is_400_not_a_crash(as_admin: Api) -> None:
    resp = as_admin.post("/api/bars", body="[" * 100_000, headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json["description"] == "the body is not valid JSON"


def test_a_json_body_over_a_megabyte_is_413_before_it_is_read(as_admin: Api) -> None:
    huge = '{"name": "' + "x" * (1024 * 1024) + '"}'
    resp = as_admin.post("/api/bars", body=huge, headers={"Content-Type": "application/json"})
    assert resp.status_code == 413
    assert resp.json == {"title": "Too large", "description": "a JSON body may hold at most 1 MB"}


def test_missing_body_is_400(as_admin: Api) -> None:
    resp = as_admin.post("/api/bars", headers={"Content-Type": "application/json"})
    assert resp.status_code == 400
    assert "needs a JSON body" in resp.json["description"]


def test_a_body_that_is_not_json_is_415(as_admin: Api) -> None:
    resp = as_admin.post("/api/bars", body="name=A", headers={"Content-Type": "text/plain"})
    assert resp.status_code == 415
    assert set(resp.json) == {"title", "description"}


@pytest.mark.parametrize(
    ("body", "message", "field"),
    [
        ({"name": "Night", "bar_ids": [1]}, "required field missing @ $.date", "date"),
        ({"name": "Night", "date": "2026-12-12", "bar_ids": ["1"]}, "expected an integer", "bar_ids"),
        ({"name": 12, "date": "2026-12-12", "bar_ids": [1]}, "expected text", "name"),
        ({"name": "Night", "date": "2026-12-12", "bar_ids": 1}, "expected a list, not int @ $.bar_ids", "bar_ids"),
        # a text is no list of its characters, an object no list of its keys
        ({"name": "Night", "date": "2026-12-12", "bar_ids": "12"}, "expected a list, not str @ $.bar_ids", "bar_ids"),
        ({"name": "Night", "date": "2026-12-12", "bar_ids": {"1": 1}}, "expected a list, not dict", "bar_ids"),
        ({"name": "Night", "date": "2026-12-12", "bar_ids": [1], "colour": "red"}, "extra fields found (colour)", None),
        ({"name": "Night", "date": "2026-12-12", "bar_ids": [2**40]}, "out of range", "bar_ids"),
        ({"name": "Ni\x00ght", "date": "2026-12-12", "bar_ids": [1]}, "NUL", "name"),
    ],
)
def test_wrong_fields_are_422_naming_the_field(
    as_admin: Api, body: dict[str, object], message: str, field: str | None
) -> None:
    resp = as_admin.post("/api/events", json=body)
    assert resp.status_code == 422
    assert message in resp.json["description"]
    assert resp.json.get("field") == field


def test_a_json_array_instead_of_an_object_is_422(as_admin: Api) -> None:
    resp = as_admin.post("/api/bars", json=["Le Perchoir"])
    assert resp.status_code == 422
    assert resp.json["description"] == "the body must be a JSON object"


def test_unknown_route_and_wrong_method_are_json(as_admin: Api) -> None:
    missing = as_admin.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json["title"] == "Not found"
    wrong = as_admin.put("/api/events", json={})
    assert wrong.status_code == 405 and wrong.json["description"]


def test_an_id_out_of_range_is_404_not_a_crash(as_admin: Api) -> None:
    assert as_admin.get(f"/api/events/{2**63}").status_code == 404
    assert as_admin.get("/api/events/0").status_code == 404
