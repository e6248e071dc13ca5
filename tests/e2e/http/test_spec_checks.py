"""The API shows each version's spec check in its reader's language, and notes an approval of a version that differs."""

from __future__ import annotations

from typing import Any

import falcon.testing

from eventflow.bootstrap import Services
from eventflow.core.model import Event, User
from tests.support import samples
from tests.support.http import multipart
from tests.support.web import Api, token_api


def slot_named(card: dict[str, Any], name: str) -> dict[str, Any]:
    return next(d for d in card["deliverables"] if d["name"] == name)


def send(api: Api, slot_id: int, filename: str, data: bytes) -> falcon.testing.Result:
    body, content_type = multipart([("file", (filename, data))])
    return api.post(f"/api/deliverables/{slot_id}/versions", body=body, headers={"Content-Type": content_type})


def test_a_version_that_differs_says_how_in_the_readers_language(
    client: falcon.testing.TestClient, services: Services, as_admin: Api, admin: User, event: Event
) -> None:
    cube = slot_named(as_admin.get(f"/api/events/{event.id}").json, "Cube LED")
    sent = send(as_admin, cube["id"], "cube.mp4", samples.mp4(width=192, height=108))
    assert sent.status_code == 201 and sent.json["spec_check"]["status"] == "differs"

    french = slot_named(as_admin.get(f"/api/events/{event.id}").json, "Cube LED")["versions"][0]["spec_check"]
    assert french["status"] == "differs" and french["problems"] == ["192x108 au lieu de 1024x1024"]
    assert french["measured"] == {
        "kind": "video", "format": "mp4", "width": 192, "height": 108, "duration": 1.0, "codec": "h264"
    }  # fmt: skip

    english = services.users.add(None, "eve@bars.fr", "Eve", language="en", password="correct horse battery")
    as_english = token_api(client, services, english)
    card = as_english.get(f"/api/events/{event.id}").json
    assert slot_named(card, "Cube LED")["versions"][0]["spec_check"]["problems"] == ["192x108 instead of 1024x1024"]
    assert as_admin.get(f"/api/deliverables/{cube['id']}").json["versions"][0]["spec_check"]["problems"] == [
        "192x108 au lieu de 1024x1024"
    ]


def test_a_version_of_the_right_shape_matches_and_specs_that_say_nothing_checkable_are_unknown(
    as_admin: Api, event: Event
) -> None:
    poster = slot_named(as_admin.get(f"/api/events/{event.id}").json, "Poster A3")
    assert send(as_admin, poster["id"], "poster.pdf", samples.pdf_with_image((842, 1191), (3508, 4961))).json[
        "spec_check"
    ] == {
        "status": "match",
        "problems": [],
        "measured": {
            "kind": "pdf", "format": "pdf", "pages": 1, "width_mm": 297, "height_mm": 420, "paper": "A3", "dpi": 300
        },
    }  # fmt: skip
    as_admin.patch(f"/api/deliverables/{poster['id']}", json={"specs": "Spotify link"})
    version = as_admin.get(f"/api/deliverables/{poster['id']}").json["versions"][0]
    assert version["spec_check"]["status"] == "unknown" and version["spec_check"]["problems"] == []


def test_approving_a_version_that_differs_is_noted_in_the_activity(as_admin: Api, event: Event) -> None:
    cube = slot_named(as_admin.get(f"/api/events/{event.id}").json, "Cube LED")
    send(as_admin, cube["id"], "cube.mp4", samples.mp4(width=192, height=108))
    assert as_admin.patch(f"/api/deliverables/{cube['id']}", json={"status": "approved"}).status_code == 200
    activity = as_admin.get(f"/api/events/{event.id}/activity").json
    approval = next(a for a in activity if a["action"] == "slot.updated")
    assert approval["after"] == {"status": "approved", "approved_version": 1, "spec_check": "differs"}


def test_the_openapi_document_describes_the_spec_check(as_admin: Api) -> None:
    schemas = as_admin.get("/api/openapi.json").json["components"]["schemas"]
    check = schemas["SpecCheck"]
    assert check["properties"]["status"]["enum"] == ["match", "differs", "unknown"]
    assert set(check["required"]) == {"status", "problems", "measured"}
    assert schemas["Version"]["properties"]["spec_check"] == {"$ref": "#/components/schemas/SpecCheck"}
