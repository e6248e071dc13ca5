"""Review over HTTP: choosing the current version, changes requested with a reason, anchored comments, who approved
which version, the second pair of eyes setting, PDF pages as images, the review queue's remarks."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from eventflow.bootstrap import Services
from eventflow.core.model import Event, User
from tests.support import english, samples
from tests.support.http import multipart
from tests.support.web import Api

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


@pytest.fixture
def poster(services: Services, event: Event) -> int:
    return next(v.slot.id for v in services.events.card(event.id or 0).slots if v.slot.name == "Poster A3") or 0


@pytest.fixture
def cube(services: Services, event: Event) -> int:
    return next(v.slot.id for v in services.events.card(event.id or 0).slots if v.slot.name == "Cube LED") or 0


def send(api: Api, slot_id: int, name: str, data: bytes) -> dict[str, Any]:
    body, content_type = multipart([("file", (name, data))])
    resp = api.post(f"/api/deliverables/{slot_id}/versions", body=body, headers={"Content-Type": content_type})
    assert resp.status_code == 201, resp.text
    return resp.json  # type: ignore[no-any-return]


def card_slot(api: Api, event: Event, slot_id: int) -> dict[str, Any]:
    return next(d for d in api.get(f"/api/events/{event.id}").json["deliverables"] if d["id"] == slot_id)


# -- the current version ---------------------------------------------------------------------------------------
def test_the_newest_upload_is_current_and_any_version_can_be_made_current_again(
    as_member: Api, event: Event, poster: int
) -> None:
    assert card_slot(as_member, event, poster)["current_version"] is None
    send(as_member, poster, "v1.pdf", samples.pdf())
    send(as_member, poster, "v2.pdf", samples.pdf())
    assert card_slot(as_member, event, poster)["current_version"] == 2

    resp = as_member.patch(f"/api/deliverables/{poster}", json={"current_version": 1})
    assert resp.status_code == 200 and resp.json["current_version"] == 1
    slot = card_slot(as_member, event, poster)
    assert (slot["current_version"], [v["version"] for v in slot["versions"]]) == (1, [1, 2])
    activity = as_member.get(f"/api/events/{event.id}/activity").json[0]
    assert (activity["action"], activity["before"], activity["after"]) == (
        "slot.updated", {"current_version": 2}, {"current_version": 1},
    )  # fmt: skip


@pytest.mark.parametrize("version", [3, 2**31 - 1])
def test_a_version_the_slot_does_not_have_is_404(as_member: Api, event: Event, poster: int, version: int) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    send(as_member, poster, "v2.pdf", samples.pdf())
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"current_version": version})
    assert resp.status_code == 404 and f"version {version} of deliverable {poster}" in resp.json["description"]
    assert card_slot(as_member, event, poster)["current_version"] == 2


@pytest.mark.parametrize("value", [0, -1, "2", None, 1.5])
def test_a_current_version_that_is_not_a_version_number_is_422(as_member: Api, poster: int, value: Any) -> None:
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"current_version": value})
    assert resp.status_code == 422 and resp.json["field"] == "current_version"


def test_choosing_the_current_version_honours_if_match(as_member: Api, poster: int) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    send(as_member, poster, "v2.pdf", samples.pdf())
    etag = as_member.get(f"/api/deliverables/{poster}").headers["ETag"]
    as_member.patch(f"/api/deliverables/{poster}", json={"assignee_id": None, "enabled": False})
    stale = as_member.patch(f"/api/deliverables/{poster}", json={"current_version": 1}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert as_member.get(f"/api/deliverables/{poster}").json["current_version"] == 2


# -- decisions -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  \n "}, {"reason": None}])
def test_changes_requested_without_a_reason_is_422_naming_the_reason(
    as_member: Api, event: Event, poster: int, body: dict[str, Any]
) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"status": "changes_requested", **body})
    assert resp.status_code == 422 and resp.json["field"] == "reason"
    card = as_member.get(f"/api/events/{event.id}").json
    assert card["comments"] == [] and card_slot(as_member, event, poster)["status"] == "review"


def test_changes_requested_with_a_reason_leaves_it_in_the_comments_anchored_to_the_current_version(
    as_member: Api, event: Event, poster: int, member: User
) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    send(as_member, poster, "v2.pdf", samples.pdf())
    reason = "Le logo est trop petit, et la date manque"
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"status": "changes_requested", "reason": reason})
    assert resp.status_code == 200 and resp.json["status"] == "changes_requested"
    (comment,) = as_member.get(f"/api/events/{event.id}").json["comments"]
    assert (comment["text"], comment["author_id"], comment["deliverable_id"], comment["anchor"]) == (
        reason, member.id, poster, {"version": 2, "page": None, "time": None, "region": None},
    )  # fmt: skip


def test_a_reason_without_changes_requested_is_422(as_member: Api, poster: int) -> None:
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"status": "approved", "reason": "Parfait"})
    assert resp.status_code == 422 and resp.json["field"] == "reason"


def test_approving_records_who_approved_which_version(as_member: Api, event: Event, poster: int, member: User) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    send(as_member, poster, "v2.pdf", samples.pdf())
    as_member.patch(f"/api/deliverables/{poster}", json={"current_version": 1})
    resp = as_member.patch(f"/api/deliverables/{poster}", json={"status": "approved"})
    assert (resp.json["approved_version"], resp.json["approved_by"]) == (1, member.id)
    activity = as_member.get(f"/api/events/{event.id}/activity").json[0]
    assert (activity["actor_id"], activity["after"]["status"], activity["after"]["approved_version"]) == (
        member.id,
        "approved",
        1,
    )


# -- a second pair of eyes ---------------------------------------------------------------------------------------
def test_only_an_admin_requires_a_second_pair_of_eyes(as_member: Api, as_admin: Api) -> None:
    assert as_member.get("/api/settings").json == {"second_pair_of_eyes": False}
    assert as_member.patch("/api/settings", json={"second_pair_of_eyes": True}).status_code == 403
    resp = as_admin.patch("/api/settings", json={"second_pair_of_eyes": True})
    assert resp.status_code == 200 and resp.json == {"second_pair_of_eyes": True}
    assert as_member.get("/api/settings").json == {"second_pair_of_eyes": True}
    assert as_admin.patch("/api/settings", json={"second_pair_of_eyes": "yes"}).json["field"] == "second_pair_of_eyes"
    assert as_admin.patch("/api/settings", json={"other": True}).status_code == 422


def test_with_a_second_pair_of_eyes_the_uploader_is_refused_and_someone_else_approves(
    as_member: Api, as_admin: Api, event: Event, poster: int, admin: User
) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    as_admin.patch("/api/settings", json={"second_pair_of_eyes": True})
    refused = as_member.patch(f"/api/deliverables/{poster}", json={"status": "approved"})
    assert refused.status_code == 403
    assert refused.json["description"] == (
        "you uploaded v1: the team requires a second pair of eyes, so someone else must approve it"
    )
    assert card_slot(as_member, event, poster)["status"] == "review"
    approved = as_admin.patch(f"/api/deliverables/{poster}", json={"status": "approved"})
    assert (approved.status_code, approved.json["approved_by"]) == (200, admin.id)


# -- anchored comments -------------------------------------------------------------------------------------------
def comment(api: Api, event: Event, slot_id: int | None, anchor: Any, text: str = "Ici") -> Any:
    return api.post(
        f"/api/events/{event.id}/comments", json={"text": text, "deliverable_id": slot_id, "anchor": anchor}
    )


def test_anchors_on_a_page_a_moment_and_a_region_are_echoed_in_the_card(
    as_member: Api, event: Event, poster: int, cube: int
) -> None:
    send(as_member, poster, "poster.pdf", samples.pdf(pages=3))
    send(as_member, cube, "cube.mp4", samples.mp4(seconds=2.0))
    send(as_member, poster, "poster-v2.png", samples.png(200, 100))
    anchors = [
        (poster, {"version": 1, "page": 3}),
        (cube, {"version": 1, "time": 1.5}),
        (poster, {"version": 2, "region": [0.25, 0.5, 0.5, 0.25]}),
        (poster, {"version": 2, "region": [0.9, 0.1, 0, 0]}),  # a pin
        (poster, {"version": 1}),
    ]
    for slot_id, anchor in anchors:
        resp = comment(as_member, event, slot_id, anchor)
        assert resp.status_code == 201, resp.text
        assert {k: v for k, v in resp.json["anchor"].items() if v is not None} == anchor
    shown = [
        (c["deliverable_id"], {k: v for k, v in c["anchor"].items() if v is not None})
        for c in as_member.get(f"/api/events/{event.id}").json["comments"]
    ]
    assert shown == anchors


@pytest.mark.parametrize(
    ("anchor", "slot", "message"),
    [
        ({"version": 3}, "poster", "this deliverable has no version 3"),
        ({"version": 1, "page": 4}, "poster", "v1 has pages 1 to 3, not 4"),
        ({"version": 1, "region": [0.5, 0.5, 0.6, 0.1]}, "poster", "every number from 0 to 1"),
        ({"version": 1, "region": [0.5, 0.5, 0.1]}, "poster", "a region is four numbers"),
        ({"version": 1, "region": [1.2, 0, 0, 0]}, "poster", "every number from 0 to 1"),
        ({"version": 1, "page": 1, "time": 2}, "poster", "one spot at most"),
        ({"version": 1, "page": 1, "region": [0, 0, 0, 0]}, "poster", "one spot at most"),
        ({"version": 1, "time": 2}, "poster", "is not a video"),
        ({"version": 1}, None, "give deliverable_id"),
        ({"page": 1}, "poster", "required field missing"),
        ({"version": 1, "spot": 1}, "poster", "extra fields"),
        ({"version": 1, "time": "0:12"}, "poster", "expected a number"),
    ],
)
def test_a_bad_anchor_is_422_naming_the_anchor(
    as_member: Api, event: Event, poster: int, anchor: Any, slot: str | None, message: str
) -> None:
    send(as_member, poster, "poster.pdf", samples.pdf(pages=3))
    resp = comment(as_member, event, poster if slot else None, anchor)
    assert resp.status_code == 422, resp.text
    assert resp.json["field"] == "anchor" and message in resp.json["description"]
    assert as_member.get(f"/api/events/{event.id}").json["comments"] == []


def test_a_time_past_the_end_of_the_video_is_422(as_member: Api, event: Event, cube: int) -> None:
    send(as_member, cube, "cube.mp4", samples.mp4(seconds=1.0))
    resp = comment(as_member, event, cube, {"version": 1, "time": 30})
    assert resp.status_code == 422 and "must be 0 to" in resp.json["description"]


def test_the_anchor_is_documented_in_openapi(client: Any) -> None:
    document = client.simulate_get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    assert set(schemas["Anchor"]["properties"]) == {"version", "page", "time", "region"}
    assert "anchor" in schemas["Comment"]["required"]
    body = document["paths"]["/api/events/{event_id}/comments"]["post"]["requestBody"]
    assert "anchor" in body["content"]["application/json"]["schema"]["properties"]
    assert schemas["AnchorBody"]["required"] == ["version"]
    patch = document["paths"]["/api/deliverables/{slot_id}"]["patch"]["requestBody"]["content"]["application/json"]
    assert {"current_version", "reason"} <= set(patch["schema"]["properties"])


# -- PDF pages and the review queue ------------------------------------------------------------------------------
def test_each_page_of_a_pdf_version_is_an_image_cached_by_the_browser(as_member: Api, poster: int) -> None:
    version = send(as_member, poster, "poster.pdf", samples.pdf(pages=2))
    page = as_member.get(f"/api/assets/{version['asset_id']}/pages/2")
    assert page.status_code == 200 and page.headers["Content-Type"] == "image/webp"
    image = Image.open(io.BytesIO(page.content))
    assert max(image.size) == 1600
    again = as_member.get(f"/api/assets/{version['asset_id']}/pages/2", headers={"If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304
    past = as_member.get(f"/api/assets/{version['asset_id']}/pages/3")
    assert past.status_code == 422 and past.json["field"] == "page"


def test_a_file_that_is_not_a_pdf_has_no_pages(as_member: Api, cube: int) -> None:
    version = send(as_member, cube, "cube.mp4", samples.mp4())
    resp = as_member.get(f"/api/assets/{version['asset_id']}/pages/1")
    assert resp.status_code == 422 and "is not a PDF" in resp.json["description"]
    assert as_member.get("/api/assets/999/pages/1").status_code == 404


def test_the_review_queue_tells_the_remarks_on_each_current_version(as_member: Api, event: Event, poster: int) -> None:
    send(as_member, poster, "v1.pdf", samples.pdf())
    comment(as_member, event, poster, {"version": 1, "page": 1})
    send(as_member, poster, "v2.pdf", samples.pdf())
    comment(as_member, event, poster, {"version": 2, "region": [0.1, 0.1, 0.2, 0.2]})
    (item,) = as_member.get("/api/review-queue").json
    assert (item["deliverable"]["id"], item["deliverable"]["current_version"], item["open_remarks"]) == (poster, 2, 1)
    assert item["event"]["id"] == event.id
