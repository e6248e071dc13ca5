"""Steps for features/spec_checks.feature: the designer and the manager work through HTTP; files are real videos."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.entrypoints.web.app import create_app
from tests.bdd.conftest import PASSWORD, event_id
from tests.support import samples
from tests.support.http import multipart

scenarios("spec_checks.feature")
EVENT = "Nuit Disco"


@pytest.fixture
def world(services: Services) -> dict[str, Any]:
    return {"client": falcon.testing.TestClient(create_app(services)), "tokens": {}}


def as_person(world: dict[str, Any], email: str, method: str, path: str, **kwargs: Any) -> falcon.testing.Result:
    headers = {"Authorization": f"Bearer {world['tokens'][email]}", **kwargs.pop("headers", {})}
    return world["client"].simulate_request(method, path, headers=headers, **kwargs)


def slot_json(services: Services, world: dict[str, Any], email: str, name: str) -> dict[str, Any]:
    card = as_person(world, email, "GET", f"/api/events/{event_id(services, EVENT)}").json
    return next(d for d in card["deliverables"] if d["name"] == name)


@given(parsers.parse('the designer "{designer}" and the manager "{manager}", who reads {language}'))
def team(services: Services, world: dict[str, Any], designer: str, manager: str, language: str) -> None:
    code = {"French": "fr", "English": "en"}[language]
    services.users.add(None, designer, "Max Designer", password=PASSWORD)
    services.users.add(None, manager, "Léa Manager", language=code, password=PASSWORD)
    for email in (designer, manager):
        world["tokens"][email] = services.users.create_token(None, email)


@given(parsers.parse('"{email}" uploaded a {width:d}x{height:d} video "{filename}" to the "{slot}" slot'))
@when(parsers.parse('"{email}" uploads a {width:d}x{height:d} video "{filename}" to the "{slot}" slot'))
def uploads_video(
    services: Services, world: dict[str, Any], email: str, width: int, height: int, filename: str, slot: str
) -> None:
    body, content_type = multipart([("file", (filename, samples.mp4(seconds=1, width=width, height=height, fps=4)))])
    path = f"/api/deliverables/{slot_json(services, world, email, slot)['id']}/versions"
    world["sent"] = as_person(world, email, "POST", path, body=body, headers={"Content-Type": content_type})


@when(parsers.parse('"{email}" approves the "{slot}" slot'))
def approves(services: Services, world: dict[str, Any], email: str, slot: str) -> None:
    path = f"/api/deliverables/{slot_json(services, world, email, slot)['id']}"
    assert as_person(world, email, "PATCH", path, json={"status": "approved"}).status_code == 200


@then(parsers.parse('the upload is accepted as version {version:d} and the "{slot}" slot is in review'))
def accepted(services: Services, world: dict[str, Any], version: int, slot: str) -> None:
    assert world["sent"].status_code == 201 and world["sent"].json["version"] == version
    assert slot_json(services, world, "max@bars.fr", slot)["status"] == "review"


@then(parsers.parse('"{email}" sees that version {version:d} of "{slot}" differs: "{problem}"'))
def sees_differs(services: Services, world: dict[str, Any], email: str, version: int, slot: str, problem: str) -> None:
    shown = slot_json(services, world, email, slot)["versions"][version - 1]["spec_check"]
    assert (shown["status"], shown["problems"]) == ("differs", [problem])


@then(parsers.parse('"{email}" sees that version {version:d} of "{slot}" matches its specs'))
def sees_match(services: Services, world: dict[str, Any], email: str, version: int, slot: str) -> None:
    shown = slot_json(services, world, email, slot)["versions"][version - 1]["spec_check"]
    assert (shown["status"], shown["problems"]) == ("match", [])


@then(parsers.parse('the "{slot}" slot is approved'))
def is_approved(services: Services, world: dict[str, Any], slot: str) -> None:
    assert slot_json(services, world, "lea@bars.fr", slot)["status"] == "approved"


@then(parsers.parse('the activity notes that "{email}" approved a version of "{slot}" that differs from its specs'))
def noted(services: Services, world: dict[str, Any], email: str, slot: str) -> None:
    slot_id = slot_json(services, world, email, slot)["id"]
    activity = as_person(world, email, "GET", f"/api/events/{event_id(services, EVENT)}/activity").json
    approval = next(a for a in activity if a["entity_id"] == slot_id and (a["after"] or {}).get("status") == "approved")
    assert approval["after"]["spec_check"] == "differs"
    assert approval["actor_id"] == next(u.id for u in services.users.list() if u.email == email)
