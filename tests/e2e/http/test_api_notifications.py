"""The notification routes over HTTP: follow and unfollow a night, read the in-app inbox newest first, mark lines
read; unknown nights, anonymous callers and bad bodies get clear answers."""

from __future__ import annotations

import re

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.commands import EventChanges, UserChanges
from eventflow.core.model import Event, User
from eventflow.core.services.events import SlotChange
from tests.support.web import Api


def member_slot(services: Services, admin: User, member: User, event: Event) -> int:
    """A poster slot of the night, assigned to the member by the admin (who planned the night)."""
    return services.events.add_slot(admin, event.id or 0, "Affiche", "A3", assignee_id=member.id).id or 0


def test_the_inbox_lists_the_callers_notifications_newest_first(
    services: Services, as_member: Api, admin: User, member: User, event: Event
) -> None:
    slot_id = member_slot(services, admin, member, event)
    services.events.update_slot(admin, slot_id, SlotChange(status="approved"))

    answer = as_member.get("/api/notifications")

    assert answer.status_code == 200
    approved, assigned = answer.json
    assert set(approved) == {"id", "kind", "text", "event_id", "read", "created_at"}
    assert (approved["kind"], approved["event_id"], approved["read"]) == ("approved", event.id, False)
    assert approved["text"] == "Ada Admin a validé « Affiche » de « Soirée Disco » (12 décembre 2026)."
    assert assigned["kind"] == "assigned" and "vous a confié « Affiche »" in assigned["text"]
    assert approved["id"] > assigned["id"]


def test_lines_are_read_in_the_language_the_caller_chose_since(
    services: Services, as_member: Api, admin: User, member: User, event: Event
) -> None:
    slot_id = member_slot(services, admin, member, event)
    services.events.update_slot(admin, slot_id, SlotChange(status="changes_requested", reason="Plus gros, le logo"))
    assert as_member.get("/api/notifications").json[0]["text"].startswith("Ada Admin demande des modifications")

    assert as_member.patch("/api/me", json={"language": "en"}).status_code == 200
    answer = as_member.get("/api/notifications")

    changes, assigned = answer.json
    assert set(changes) == {"id", "kind", "text", "event_id", "read", "created_at"}
    assert changes["text"] == (
        "Ada Admin requested changes to “Affiche” of “Soirée Disco” (December 12, 2026). Plus gros, le logo"
    )
    assert assigned["text"] == (
        "Ada Admin assigned “Affiche” of “Soirée Disco” (December 12, 2026) to you; it is due by December 5, 2026."
    )


def test_others_notifications_are_neither_listed_nor_marked(
    services: Services, as_admin: Api, as_member: Api, admin: User, member: User, event: Event
) -> None:
    member_slot(services, admin, member, event)
    mine = as_member.get("/api/notifications").json
    assert as_admin.get("/api/notifications").json == []
    assert as_admin.post("/api/notifications/read", json={"ids": [mine[0]["id"]]}).json == {"marked": 0, "unread": 0}
    assert as_member.get("/api/notifications").json[0]["read"] is False


def test_one_then_all_notifications_are_marked_read(
    services: Services, as_member: Api, admin: User, member: User, event: Event
) -> None:
    slot_id = member_slot(services, admin, member, event)
    services.events.update_slot(admin, slot_id, SlotChange(status="changes_requested", reason="Plus gros"))
    services.events.update_slot(admin, slot_id, SlotChange(status="approved"))
    lines = as_member.get("/api/notifications").json
    assert len(lines) == 3

    one = as_member.post("/api/notifications/read", json={"ids": [lines[1]["id"]]})
    assert one.status_code == 200 and one.json == {"marked": 1, "unread": 2}
    assert [line["read"] for line in as_member.get("/api/notifications").json] == [False, True, False]

    every = as_member.post("/api/notifications/read", json={"all": True})
    assert every.json == {"marked": 2, "unread": 0}
    assert all(line["read"] for line in as_member.get("/api/notifications").json)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "nothing to mark"),
        ({"all": False}, "all must be true"),
        ({"ids": []}, "ids lists no notification"),
        ({"ids": [1], "all": True}, "not both"),
        ({"ids": ["1"]}, "expected an integer"),
        ({"ids": "1"}, "expected a list"),
        ({"ids": [0]}, "positive"),
        ({"every": True}, "every"),
    ],
)
def test_a_bad_body_is_refused_with_what_to_send(
    as_member: Api, services: Services, member: User, body: dict[str, object], says: str
) -> None:
    services.users.update(None, member.id or 0, UserChanges(language="en"))  # the refusals checked are the English
    answer = as_member.post("/api/notifications/read", json=body)
    assert answer.status_code == 422
    assert says in answer.json["description"]


def test_following_and_unfollowing_a_night(
    services: Services, as_member: Api, admin: User, member: User, event: Event
) -> None:
    followed = as_member.post(f"/api/events/{event.id}/follow")
    assert followed.status_code == 200 and followed.json == {"event_id": event.id, "following": True}
    assert member.id in services.events.card(event.id or 0).followers
    services.comments.add(admin, event.id or 0, "Le thème est validé")
    assert [line["kind"] for line in as_member.get("/api/notifications").json] == ["comment"]

    unfollowed = as_member.delete(f"/api/events/{event.id}/follow")
    assert unfollowed.json == {"event_id": event.id, "following": False}
    assert member.id not in services.events.card(event.id or 0).followers
    services.comments.add(admin, event.id or 0, "Et le dress code aussi")
    assert len(as_member.get("/api/notifications").json) == 1
    assert as_member.delete(f"/api/events/{event.id}/follow").json["following"] is False  # twice: still not


def test_my_deliverables_are_the_pages_list_as_json_late_first_then_by_due_date(
    services: Services, client: falcon.testing.TestClient, as_member: Api, admin: User, member: User, event: Event
) -> None:
    bar_ids = list(event.bar_ids)
    soon = services.events.create(admin, "Karaoké", "2026-11-30", bar_ids).summary.event.id or 0  # J-7 is past
    later = services.events.create(admin, "Bal", "2026-12-20", bar_ids).summary.event.id or 0
    off = services.events.create(admin, "Annulée", "2026-12-14", bar_ids).summary.event.id or 0
    gone = services.events.create(admin, "Passée", "2026-11-01", bar_ids).summary.event.id or 0
    for night, name in [(later, "Story"), (event.id or 0, "Affiche"), (soon, "Flyer"), (off, "Bâche"), (gone, "Vieux")]:
        services.events.add_slot(admin, night, name, "A3", assignee_id=member.id)
    done = services.events.add_slot(admin, later, "Fait", "A5", assignee_id=member.id)
    services.events.update_slot(admin, done.id or 0, SlotChange(status="approved"))
    services.events.add_slot(admin, later, "Pas à moi", "A5", assignee_id=admin.id)
    services.events.update(admin, off, EventChanges(cancelled=True))

    answer = as_member.get("/api/my-deliverables")
    assert answer.status_code == 200
    mine = answer.json
    assert [(d["name"], d["event"]["name"], d["due"], d["late"]) for d in mine] == [
        ("Flyer", "Karaoké", "2026-11-23", True),
        ("Affiche", "Soirée Disco", "2026-12-05", False),
        ("Story", "Bal", "2026-12-13", False),
    ]
    assert mine[0] == {
        "id": mine[0]["id"], "name": "Flyer", "specs": "A3", "status": "todo", "due": "2026-11-23", "late": True,
        "event": {"id": soon, "name": "Karaoké", "date": "2026-11-30"},
    }  # fmt: skip
    login = client.simulate_post("/api/session", json={"email": member.email, "password": "correct horse battery"})
    cookies = {"Cookie": f"eventflow_session={login.cookies['eventflow_session'].value}"}
    page = client.simulate_get("/my-deliverables", headers=cookies).text
    assert [int(i) for i in re.findall(r'data-slot-id="(\d+)"', page)] == [d["id"] for d in mine]  # the same list
    assert [d.slot.name for d in services.inbox.my_deliverables(admin)] == ["Pas à moi"]  # each their own


def test_an_unknown_night_cannot_be_followed(as_member: Api) -> None:
    answer = as_member.post("/api/events/999999/follow")
    assert answer.status_code == 404
    assert "999999" in answer.json["description"]
    assert as_member.delete("/api/events/999999/follow").status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notifications"),
        ("post", "/api/notifications/read"),
        ("post", "/api/events/1/follow"),
        ("delete", "/api/events/1/follow"),
        ("get", "/api/my-deliverables"),
    ],
)
def test_an_anonymous_caller_is_asked_to_log_in(
    client: falcon.testing.TestClient, event: Event, method: str, path: str
) -> None:
    answer = getattr(client, f"simulate_{method}")(path, json={"all": True} if method == "post" else None)
    assert answer.status_code == 401


def test_the_header_counts_the_unread_notifications_on_every_page(
    services: Services, client: falcon.testing.TestClient, admin: User, member: User, event: Event
) -> None:
    login = client.simulate_post("/api/session", json={"email": member.email, "password": "correct horse battery"})
    cookies = {"Cookie": f"eventflow_session={login.cookies['eventflow_session'].value}"}
    csrf = {"X-CSRF-Token": login.json["csrf_token"], **cookies}
    page = client.simulate_get(f"/events/{event.id}", headers=cookies)
    assert 'data-unread="0"' in page.text and "Suivre" in page.text

    member_slot(services, admin, member, event)
    for path in ("/calendar", f"/events/{event.id}", "/profile", "/my-deliverables", "/notifications"):
        page = client.simulate_get(path, headers=cookies)
        assert page.status_code == 200 and 'data-unread="1"' in page.text, path
    assert "Ne plus suivre" in client.simulate_get(f"/events/{event.id}", headers=cookies).text  # assigned: follows
    assert "vous a confié « Affiche »" in client.simulate_get("/notifications", headers=cookies).text
    assert "Affiche" in client.simulate_get("/my-deliverables", headers=cookies).text

    client.simulate_post("/api/notifications/read", json={"all": True}, headers=csrf)
    assert 'data-unread="0"' in client.simulate_get(f"/events/{event.id}", headers=cookies).text  # not the kept page
