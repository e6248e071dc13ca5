"""Steps for features/assets_files.feature: people log in and work through HTTP, files land on the real disk."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import quote

import falcon.testing
import pytest
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.entrypoints.web.app import create_app
from tests.bdd.conftest import PASSWORD
from tests.support import samples
from tests.support.assets import stored_files
from tests.support.http import multipart

scenarios("assets_files.feature")


class Person:
    """One logged-in browser: its session cookie and CSRF header."""

    def __init__(self, client: falcon.testing.TestClient, email: str) -> None:
        self.client = client
        resp = client.simulate_post("/api/session", json={"email": email, "password": PASSWORD})
        assert resp.status_code == 200, resp.text
        self.headers = {
            "Cookie": f"eventflow_session={resp.cookies['eventflow_session'].value}",
            "X-CSRF-Token": resp.json["csrf_token"],
        }

    def request(self, method: str, path: str, **kwargs: Any) -> falcon.testing.Result:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.simulate_request(method, path, headers=headers, **kwargs)


class BodyNeverRead(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the upload's body was read")


@pytest.fixture
def world(services: Services) -> dict[str, Any]:
    return {"client": falcon.testing.TestClient(create_app(services)), "people": {}, "sent": {}}


def person(world: dict[str, Any], email: str) -> Person:
    people = world["people"]
    if email not in people:
        people[email] = Person(world["client"], email)
    return people[email]


def slot_id(services: Services, world: dict[str, Any], name: str) -> int:
    card = services.events.card(world["event_id"])
    return next(v.slot.id for v in card.slots if v.slot.name == name) or 0


def unique_pdf(filename: str) -> bytes:
    """A real PDF whose bytes differ per file name."""
    return samples.pdf() + f"% {filename}\n".encode()


# -- given -------------------------------------------------------------------------------------------------------
@given(
    parsers.parse(
        'an admin "{admin}", a designer "{designer}" and the event "{name}" on "{day}" with a "{template}" slot'
    )
)
def team_and_event(
    services: Services, world: dict[str, Any], admin: str, designer: str, name: str, day: str, template: str
) -> None:
    boss = services.users.add(None, admin, "Ada Admin", role="admin", password=PASSWORD, language="en")
    services.users.add(None, designer, "Max Designer", password=PASSWORD, language="en")
    bar = services.bars.add(None, "Le Perchoir")
    services.templates.add(None, template, "A3 PDF 300 dpi", is_default=True)
    world["event_id"] = services.events.create(boss, name, day, [bar.id or 0]).summary.event.id


@given(parsers.parse('"{email}" uploaded "{filename}" to the "{slot}" slot'))
@when(parsers.parse('"{email}" uploads "{filename}" to the "{slot}" slot'))
def uploads(services: Services, world: dict[str, Any], email: str, filename: str, slot: str) -> None:
    data = unique_pdf(filename)
    body, content_type = multipart([("file", (filename, data))])
    path = f"/api/deliverables/{slot_id(services, world, slot)}/versions"
    world["last"] = person(world, email).request("POST", path, body=body, headers={"Content-Type": content_type})
    if world["last"].status_code == 201:
        world["sent"][world["last"].json["version"]] = (world["last"].json["asset_id"], data)


@given(parsers.parse('"{email}" approved the "{slot}" slot'))
def approved(services: Services, world: dict[str, Any], email: str, slot: str) -> None:
    path = f"/api/deliverables/{slot_id(services, world, slot)}"
    assert person(world, email).request("PATCH", path, json={"status": "approved"}).status_code == 200


# -- when --------------------------------------------------------------------------------------------------------
@when(parsers.parse('"{email}" downloads that file'))
def downloads(world: dict[str, Any], email: str) -> None:
    asset_id = world["last"].json["asset_id"]
    world["download"] = person(world, email).request("GET", f"/api/assets/{asset_id}/content")


@when(parsers.parse('"{email}" starts uploading a 2 GB file to the "{slot}" slot'))
def uploads_2gb(services: Services, world: dict[str, Any], email: str, slot: str) -> None:
    path = f"/api/deliverables/{slot_id(services, world, slot)}/versions"
    world["last"] = person(world, email).request(
        "POST",
        path,
        headers={"Content-Type": "multipart/form-data; boundary=xyz"},
        extras={"wsgi.input": BodyNeverRead(), "CONTENT_LENGTH": str(2 * 1024**3)},
    )


# -- then --------------------------------------------------------------------------------------------------------
@then(parsers.parse("the answer is {status:d} with version {version:d}"))
def answer_with_version(world: dict[str, Any], status: int, version: int) -> None:
    assert world["last"].status_code == status, world["last"].text
    assert world["last"].json["version"] == version


@then("she gets exactly the bytes the designer uploaded")
def same_bytes(world: dict[str, Any]) -> None:
    _, sent = world["sent"][world["last"].json["version"]]
    assert world["download"].status_code == 200
    assert hashlib.sha256(world["download"].content).digest() == hashlib.sha256(sent).digest()


@then(parsers.parse('the download is named "{filename}"'))
def named(world: dict[str, Any], filename: str) -> None:
    assert f"filename*=UTF-8''{quote(filename)}" in world["download"].headers["Content-Disposition"]


@then(parsers.parse('the "{slot}" slot is in "{status}"'))
def slot_status(services: Services, world: dict[str, Any], slot: str, status: str) -> None:
    card = person(world, "ada@bars.fr").request("GET", f"/api/events/{world['event_id']}").json
    assert next(d["status"] for d in card["deliverables"] if d["name"] == slot) == status


@then(parsers.parse('the event card lists versions 1 and 2 of "{slot}"'))
def lists_versions(world: dict[str, Any], slot: str) -> None:
    card = person(world, "ada@bars.fr").request("GET", f"/api/events/{world['event_id']}").json
    versions = next(d["versions"] for d in card["deliverables"] if d["name"] == slot)
    assert [v["version"] for v in versions] == [1, 2]


@then(parsers.parse('"{email}" can still download version 1 unchanged'))
def version_one(world: dict[str, Any], email: str) -> None:
    asset_id, sent = world["sent"][1]
    assert person(world, email).request("GET", f"/api/assets/{asset_id}/content").content == sent


@then(parsers.parse('the answer is {status:d} saying "{text}"'))
def answer_saying(world: dict[str, Any], status: int, text: str) -> None:
    assert world["last"].status_code == status and text in world["last"].json["description"]


@then("it came before the file was read")
def before_reading(world: dict[str, Any]) -> None:
    assert world["last"].status_code == 413  # BodyNeverRead fails the request if a single byte is read


@then("nothing was stored")
def nothing_stored(services: Services) -> None:
    assert stored_files(services.settings.files_dir) == []
    assert services.storage.report().used_bytes == 0
