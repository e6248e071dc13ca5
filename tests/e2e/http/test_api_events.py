"""The events API as scripts use it: SPEC.md's stable contract, filters, edits, slots, comments, queue, matrix."""

from __future__ import annotations

import datetime as dt

from eventflow.bootstrap import Services
from eventflow.core.model import Asset, Bar, Event, User
from eventflow.core.services.events import SlotChange
from tests.support import english
from tests.support.web import Api

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


SUMMARY_KEYS = {"id", "name", "date", "bars", "theme", "health", "countdown"}
SLOT_KEYS = {"id", "name", "specs", "bar_id", "status", "enabled", "assignee_id", "late", "versions"}
VERSION_KEYS = {"version", "asset_id", "size", "filename", "uploaded_by", "created_at"}


def store_version(services: Services, event: Event, slot_id: int, user: User) -> Asset:
    with services.uow() as uow:
        asset = uow.assets.add(
            Asset(
                event_id=event.id or 0,
                filename="poster.pdf",
                content_type="application/pdf",
                size=1234,
                sha256="ab" * 32,
                storage_key="k1",
                uploaded_by=user.id,
                created_at=services.clock.now(),
                deliverable_id=slot_id,
                version=1,
            )
        )
        uow.commit()
    return asset


def test_an_event_is_created_with_its_generated_slots(as_member: Api, bar: Bar, templates: object) -> None:
    resp = as_member.post(
        "/api/events",
        json={"name": "Soirée Disco", "date": "2026-12-12", "bar_ids": [bar.id], "description": "Paillettes"},
    )
    assert resp.status_code == 201
    card = resp.json
    assert resp.headers["Location"] == f"/api/events/{card['id']}"
    assert set(card) >= SUMMARY_KEYS and {"deliverables", "photos", "comments", "activity"} <= set(card)
    assert (card["name"], card["date"], card["health"], card["countdown"]) == (
        "Soirée Disco",
        "2026-12-12",
        "orange",
        17,
    )
    assert card["bars"] == [{"id": bar.id, "name": "Le Perchoir"}]
    slots = {s["name"]: s for s in card["deliverables"]}
    assert set(slots) == {"Poster A3", "Cube LED"}
    assert set(slots["Cube LED"]) >= SLOT_KEYS
    assert slots["Cube LED"]["bar_id"] == bar.id and slots["Cube LED"]["specs"] == "1024x1024 mp4"
    assert card["activity"][0]["action"] == "event.created"


def test_an_unknown_bar_is_404_and_no_bar_is_422(as_member: Api) -> None:
    unknown = as_member.post("/api/events", json={"name": "X", "date": "2026-12-12", "bar_ids": [42]})
    assert unknown.status_code == 404 and unknown.json["description"] == "bar 42 does not exist"
    empty = as_member.post("/api/events", json={"name": "X", "date": "2026-12-12", "bar_ids": []})
    assert empty.status_code == 422 and empty.json["field"] == "bar_ids"


def test_the_calendar_lists_events_of_a_period(as_member: Api, services: Services, admin: User, bar: Bar) -> None:
    other = services.bars.add(None, "Rosa Bonheur")
    for name, day, bars in [
        ("Nov", "2026-11-30", [bar.id]),
        ("Dec", "2026-12-12", [other.id]),
        ("Jan", "2027-01-09", [bar.id]),
    ]:
        services.events.create(admin, name, day, bars)
    resp = as_member.get("/api/events", params={"from": "2026-12-01", "to": "2027-01-31"})
    assert resp.status_code == 200
    assert [e["name"] for e in resp.json] == ["Dec", "Jan"]
    assert set(resp.json[0]) >= SUMMARY_KEYS
    assert isinstance(resp.json[0]["countdown"], int) and resp.json[0]["health"] == "none"
    at_bar = as_member.get("/api/events", params={"bar": str(bar.id)})
    assert [e["name"] for e in at_bar.json] == ["Nov", "Jan"]


def test_the_health_filter_keeps_only_late_events(as_member: Api, services: Services, event: Event, bar: Bar) -> None:
    services.events.create(None, "Tomorrow", "2026-11-26", [bar.id or 0])  # its slots are late already
    red = as_member.get("/api/events", params={"health": "red"})
    assert [e["name"] for e in red.json] == ["Tomorrow"]
    assert red.json[0]["countdown"] == 1


def test_bad_calendar_filters_are_422_with_a_clear_message(as_member: Api) -> None:
    bad_date = as_member.get("/api/events", params={"from": "12/01/2026"})
    assert bad_date.status_code == 422 and bad_date.json["field"] == "from"
    assert "YYYY-MM-DD" in bad_date.json["description"]
    backwards = as_member.get("/api/events", params={"from": "2026-12-31", "to": "2026-12-01"})
    assert backwards.status_code == 422 and backwards.json["field"] == "to"
    assert as_member.get("/api/events", params={"health": "blue"}).json["field"] == "health"
    assert as_member.get("/api/events", params={"bar": "x"}).json["field"] == "bar"


def test_the_card_shows_versions_photos_comments_and_activity(
    as_member: Api, services: Services, event: Event, member: User
) -> None:
    poster = next(s for s in services.events.card(event.id or 0).slots if s.slot.name == "Poster A3")
    asset = store_version(services, event, poster.slot.id or 0, member)
    as_member.post(f"/api/events/{event.id}/comments", json={"text": "Looks great"})
    card = as_member.get(f"/api/events/{event.id}").json
    slot = next(s for s in card["deliverables"] if s["id"] == poster.slot.id)
    assert set(slot["versions"][0]) >= VERSION_KEYS
    assert slot["versions"][0]["asset_id"] == asset.id and slot["versions"][0]["filename"] == "poster.pdf"
    assert card["comments"][0]["text"] == "Looks great" and card["comments"][0]["author_id"] == member.id
    assert card["activity"][0]["action"] == "comment.added"
    assert card["photos"] == []


def test_an_unknown_event_is_404(as_member: Api) -> None:
    resp = as_member.get("/api/events/999")
    assert resp.status_code == 404 and resp.json["description"] == "event 999 does not exist"


def test_editing_an_event_changes_only_the_given_fields(as_member: Api, event: Event) -> None:
    resp = as_member.patch(
        f"/api/events/{event.id}",
        json={"name": "Disco Inferno", "brief": "<p>Gold</p><script>x()</script>", "theme_override": "Seventies"},
    )
    assert resp.status_code == 200
    assert (resp.json["name"], resp.json["brief"], resp.json["theme"]) == ("Disco Inferno", "<p>Gold</p>", "Seventies")
    assert resp.json["date"] == "2026-12-12"
    assert as_member.patch(f"/api/events/{event.id}", json={"date": "soon"}).json["field"] == "date"
    assert as_member.patch(f"/api/events/{event.id}", json={"name": None}).status_code == 422


def test_removing_a_bar_disables_its_slots(as_member: Api, services: Services, event: Event) -> None:
    other = services.bars.add(None, "Rosa Bonheur")
    resp = as_member.patch(f"/api/events/{event.id}", json={"bar_ids": [other.id]})
    cube = next(s for s in resp.json["deliverables"] if s["name"] == "Cube LED")
    assert cube["enabled"] is False


def test_a_slot_is_assigned_moved_and_disabled(as_member: Api, services: Services, event: Event, member: User) -> None:
    slot_id = services.events.card(event.id or 0).slots[0].slot.id
    resp = as_member.patch(
        f"/api/deliverables/{slot_id}", json={"status": "approved", "assignee_id": member.id, "enabled": False}
    )
    assert resp.status_code == 200
    assert (resp.json["status"], resp.json["assignee_id"], resp.json["enabled"]) == ("approved", member.id, False)
    assert as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "done"}).json["field"] == "status"
    assert as_member.patch(f"/api/deliverables/{slot_id}", json={"assignee_id": 999}).json["field"] == "assignee_id"
    assert as_member.patch("/api/deliverables/999", json={"status": "todo"}).status_code == 404


def test_a_custom_slot_is_added(as_member: Api, event: Event, bar: Bar) -> None:
    resp = as_member.post(f"/api/events/{event.id}/deliverables", json={"name": "Banner 3x1 m", "bar_id": bar.id})
    assert resp.status_code == 201
    assert (resp.json["name"], resp.json["bar_id"], resp.json["status"]) == ("Banner 3x1 m", bar.id, "todo")
    assert resp.json["due"] == "2026-12-05"
    other_bar = as_member.post(f"/api/events/{event.id}/deliverables", json={"name": "X", "bar_id": 77})
    assert other_bar.status_code == 422 and other_bar.json["field"] == "bar_id"


def test_comments_thread_and_mention(as_member: Api, event: Event, admin: User) -> None:
    first = as_member.post(f"/api/events/{event.id}/comments", json={"text": "@ada can you check?"})
    assert first.status_code == 201 and first.json["mention_ids"] == [admin.id]
    reply = as_member.post(f"/api/events/{event.id}/comments", json={"text": "done", "parent_id": first.json["id"]})
    assert reply.json["parent_id"] == first.json["id"]
    listed = as_member.get(f"/api/events/{event.id}/comments").json
    assert [c["text"] for c in listed] == ["@ada can you check?", "done"]
    assert as_member.post(f"/api/events/{event.id}/comments", json={"text": "  "}).json["field"] == "text"
    assert as_member.get("/api/events/999/comments").status_code == 404


def test_activity_of_an_event_newest_first(as_member: Api, event: Event) -> None:
    as_member.patch(f"/api/events/{event.id}", json={"name": "Renamed"})
    activity = as_member.get(f"/api/events/{event.id}/activity", params={"limit": "1"}).json
    assert len(activity) == 1
    assert activity[0]["action"] == "event.updated" and activity[0]["after"] == {"name": "Renamed"}


def test_the_review_queue_lists_slots_in_review_oldest_first(
    as_member: Api, services: Services, clock: object, event: Event, member: User
) -> None:
    slots = services.events.card(event.id or 0).slots
    for view in slots:
        as_member.patch(f"/api/deliverables/{view.slot.id}", json={"status": "review"})
    queue = as_member.get("/api/review-queue").json
    assert [item["deliverable"]["id"] for item in queue] == [v.slot.id for v in slots]
    assert queue[0]["event"]["name"] == "Soirée Disco"


def test_the_matrix_of_a_month(as_member: Api, event: Event) -> None:
    matrix = as_member.get("/api/matrix", params={"month": "2026-12"}).json
    assert matrix["columns"] == ["Poster A3", "Cube LED"]
    row = matrix["rows"][0]
    assert row["event"]["id"] == event.id
    assert [c["column"] for c in row["cells"]] == ["Poster A3", "Cube LED"]
    assert row["cells"][0]["deliverables"][0]["status"] == "todo"
    assert as_member.get("/api/matrix", params={"month": "2026-13"}).status_code == 422
    assert as_member.get("/api/matrix").json["field"] == "month"


def test_compliance_counts_slots_approved_by_their_due_date(
    as_member: Api, services: Services, clock: object, bar: Bar, templates: object
) -> None:
    card = services.events.create(None, "Past", dt.date(2026, 11, 20), [bar.id or 0])
    services.events.update_slot(None, card.slots[0].slot.id or 0, SlotChange(status="approved"))
    report = as_member.get("/api/compliance", params={"from": "2026-11-01", "to": "2026-11-30"}).json
    assert report["month"]["2026-11"] == {"on_time": 0, "total": 2, "ratio": 0.0}
    assert as_member.get("/api/compliance", params={"from": "2026-11-01"}).status_code == 422


def test_a_date_out_of_the_planning_years_is_422_not_a_crash(as_member: Api, bar: Bar) -> None:
    resp = as_member.post("/api/events", json={"name": "Antique", "date": "0001-01-01", "bar_ids": [bar.id]})
    assert resp.status_code == 422
    assert resp.json == {
        "title": "Invalid input",
        "description": "date must be between 2000 and 2100, not 0001-01-01",
        "field": "date",
    }
