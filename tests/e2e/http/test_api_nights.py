"""Nights as a planner handles them (SPEC "Contract, second round", Nights): duplicate, move, cancel and restore,
delete (admins, audited, with its files), and search by name across months, accents and case ignored."""

from __future__ import annotations

import io

import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Bar, Event, User
from eventflow.core.services.events import SlotChange
from tests.support import samples
from tests.support.web import Api


def slots_of(card: dict) -> dict[str, dict]:
    return {s["name"]: s for s in card["deliverables"]}


def listed(api: Api, **params: str) -> list[str]:
    resp = api.get("/api/events", params=params)
    assert resp.status_code == 200, resp.text
    return [e["name"] for e in resp.json]


# -- duplicate -------------------------------------------------------------------------------------------------


def test_a_night_is_duplicated_with_its_bars_and_slots_all_to_do_and_no_files(
    as_member: Api, services: Services, event: Event, member: User
) -> None:
    card = services.events.card(event.id or 0)
    poster = next(v.slot for v in card.slots if v.slot.name == "Poster A3")
    services.assets.upload_version(member, poster.id or 0, "poster.png", io.BytesIO(samples.png()))
    services.events.update_slot(member, poster.id or 0, SlotChange(status="approved", assignee_id=member.id))
    as_member.patch(f"/api/events/{event.id}", json={"brief": "<p>Gold</p>"})

    resp = as_member.post(f"/api/events/{event.id}/duplicate", json={"date": "2027-01-16"})

    assert resp.status_code == 201, resp.text
    copy = resp.json
    assert resp.headers["Location"] == f"/api/events/{copy['id']}" and copy["id"] != event.id
    assert (copy["name"], copy["date"], copy["bar_ids"], copy["brief"]) == (
        "Soirée Disco",
        "2027-01-16",
        event.bar_ids,
        "<p>Gold</p>",
    )
    original = slots_of(as_member.get(f"/api/events/{event.id}").json)
    copied = slots_of(copy)
    assert set(copied) == set(original) == {"Poster A3", "Cube LED"}
    assert {s["status"] for s in copied.values()} == {"todo"}
    assert all(s["versions"] == [] for s in copied.values()) and copy["photos"] == []
    assert copied["Poster A3"]["assignee_id"] == member.id and copied["Cube LED"]["specs"] == "1024x1024 mp4"
    assert copied["Poster A3"]["due"] == "2027-01-09"
    assert original["Poster A3"]["status"] == "approved" and len(original["Poster A3"]["versions"]) == 1
    created = copy["activity"][0]
    assert (created["action"], created["after"]["duplicated_from"]) == ("event.created", event.id)


def test_duplicating_needs_a_known_night_and_a_real_date(as_member: Api, event: Event) -> None:
    assert as_member.post("/api/events/9999/duplicate", json={"date": "2027-01-16"}).status_code == 404
    bad = as_member.post(f"/api/events/{event.id}/duplicate", json={"date": "16/01/2027"})
    # a French member reads French
    assert bad.status_code == 422 and bad.json["field"] == "date" and "AAAA-MM-JJ" in bad.json["description"]
    missing = as_member.post(f"/api/events/{event.id}/duplicate", json={})
    assert missing.status_code == 422 and missing.json["field"] == "date"
    assert listed(as_member) == ["Soirée Disco"]  # nothing was created


# -- move ------------------------------------------------------------------------------------------------------


def test_moving_a_night_moves_its_due_dates_and_is_in_the_activity(as_member: Api, event: Event) -> None:
    before = slots_of(as_member.get(f"/api/events/{event.id}").json)
    assert before["Poster A3"]["due"] == "2026-12-05"

    resp = as_member.patch(f"/api/events/{event.id}", json={"date": "2026-12-19"})

    assert resp.status_code == 200
    assert (resp.json["date"], resp.json["countdown"]) == ("2026-12-19", 24)
    assert {s["due"] for s in resp.json["deliverables"]} == {"2026-12-12"}
    moved = resp.json["activity"][0]
    assert (moved["action"], moved["before"], moved["after"]) == (
        "event.updated",
        {"date": "2026-12-12"},
        {"date": "2026-12-19"},
    )
    assert listed(as_member, **{"from": "2026-12-12", "to": "2026-12-12"}) == []
    assert listed(as_member, **{"from": "2026-12-19", "to": "2026-12-19"}) == ["Soirée Disco"]


def test_a_move_to_a_bad_date_or_an_unknown_night_changes_nothing(as_member: Api, event: Event) -> None:
    assert as_member.patch("/api/events/9999", json={"date": "2026-12-19"}).status_code == 404
    for date in ("19/12/2026", "1999-12-19", 20261219):
        assert as_member.patch(f"/api/events/{event.id}", json={"date": date}).status_code == 422
    assert as_member.get(f"/api/events/{event.id}").json["date"] == "2026-12-12"


# -- cancel and restore ----------------------------------------------------------------------------------------


def test_a_cancelled_night_leaves_the_lists_until_restored(
    as_member: Api, services: Services, event: Event, member: User, bar: Bar
) -> None:
    other = services.events.create(member, "Karaoké", "2026-12-13", [bar.id or 0]).summary.event
    poster = next(v.slot for v in services.events.card(event.id or 0).slots if v.slot.name == "Poster A3")
    services.assets.upload_version(member, poster.id or 0, "poster.png", io.BytesIO(samples.png()))
    assert len(as_member.get("/api/review-queue").json) == 1

    resp = as_member.patch(f"/api/events/{event.id}", json={"cancelled": True})

    assert resp.status_code == 200 and resp.json["cancelled"] is True
    assert resp.json["activity"][0]["after"] == {"cancelled": True}
    assert listed(as_member) == ["Karaoké"]
    december = {"from": "2026-12-01", "to": "2026-12-31"}
    assert listed(as_member, **december) == ["Karaoké"]
    with_cancelled = as_member.get("/api/events", params={**december, "cancelled": "1"}).json
    assert [(e["name"], e["cancelled"]) for e in with_cancelled] == [("Soirée Disco", True), ("Karaoké", False)]
    assert [r["event"]["name"] for r in as_member.get("/api/matrix", params={"month": "2026-12"}).json["rows"]] == [
        "Karaoké"
    ]
    assert as_member.get("/api/review-queue").json == []
    kept = as_member.get(f"/api/events/{event.id}")
    assert kept.status_code == 200 and kept.json["cancelled"] is True  # kept in history, its card still opens

    restored = as_member.patch(f"/api/events/{event.id}", json={"cancelled": False})

    assert restored.status_code == 200 and restored.json["cancelled"] is False
    assert listed(as_member) == ["Soirée Disco", "Karaoké"]
    assert len(as_member.get("/api/review-queue").json) == 1
    assert other.id is not None


def test_cancelling_takes_true_or_false_only(as_member: Api, event: Event) -> None:
    for value in ("yes", 1, None):
        resp = as_member.patch(f"/api/events/{event.id}", json={"cancelled": value})
        assert resp.status_code == 422 and resp.json["field"] == "cancelled"
    assert as_member.patch("/api/events/9999", json={"cancelled": True}).status_code == 404
    bad = as_member.get("/api/events", params={"cancelled": "maybe"})
    assert bad.status_code == 422 and bad.json["field"] == "cancelled"


# -- delete ----------------------------------------------------------------------------------------------------


def test_only_an_admin_deletes_a_night(as_member: Api, as_admin: Api, event: Event) -> None:
    refused = as_member.delete(f"/api/events/{event.id}")
    assert refused.status_code == 403
    assert as_member.get(f"/api/events/{event.id}").status_code == 200

    assert as_admin.delete(f"/api/events/{event.id}").status_code == 204

    assert as_admin.get(f"/api/events/{event.id}").status_code == 404
    assert as_admin.delete(f"/api/events/{event.id}").status_code == 404
    audit = as_admin.get("/api/audit", params={"action": "event.deleted"}).json
    entries = audit["entries"] if isinstance(audit, dict) else audit
    assert [(e["entity_id"], e["before"]["name"]) for e in entries] == [(event.id, "Soirée Disco")]


def test_deleting_a_night_deletes_its_files_and_previews(
    as_admin: Api, services: Services, event: Event, member: User
) -> None:
    poster = next(v.slot for v in services.events.card(event.id or 0).slots if v.slot.name == "Poster A3")
    services.assets.upload_version(member, poster.id or 0, "poster.png", io.BytesIO(samples.png()))
    services.assets.upload_photo(member, event.id or 0, "deco", "deco.jpg", io.BytesIO(samples.photo_jpeg()))
    hot = services.files.hot
    assert len(list(hot.list_keys())) >= 3  # two files and at least one preview
    used = services.storage.report().used_bytes
    assert used > 0

    assert as_admin.delete(f"/api/events/{event.id}").status_code == 204

    assert list(hot.list_keys()) == []
    assert services.storage.report().used_bytes == 0
    assert services.storage.check().ok
    audit = as_admin.get("/api/audit", params={"action": "event.deleted"}).json
    entries = audit["entries"] if isinstance(audit, dict) else audit
    assert entries[0]["after"] == {"files": 2}


def test_a_delete_stopped_halfway_is_finished_by_deleting_again(
    as_admin: Api, services: Services, event: Event, member: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    poster = next(v.slot for v in services.events.card(event.id or 0).slots if v.slot.name == "Poster A3")
    for name in ("v1.png", "v2.png"):
        services.assets.upload_version(member, poster.id or 0, name, io.BytesIO(samples.png()))
    hot = services.files.hot
    real_delete, calls = hot.delete, []

    def crash_on_the_third_removal(key: str) -> None:
        calls.append(key)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the process dies here: no handler runs
        real_delete(key)

    monkeypatch.setattr(hot, "delete", crash_on_the_third_removal)
    with pytest.raises(KeyboardInterrupt):
        as_admin.delete(f"/api/events/{event.id}")
    monkeypatch.setattr(hot, "delete", real_delete)
    half = as_admin.get(f"/api/events/{event.id}")
    assert half.status_code == 200  # still there: a rerun can find what is left

    assert as_admin.delete(f"/api/events/{event.id}").status_code == 204
    assert list(hot.list_keys()) == [] and services.storage.check().ok


# -- search ----------------------------------------------------------------------------------------------------


@pytest.fixture
def nights(services: Services, admin: User, bar: Bar) -> None:
    for name, date in (
        ("Café Théâtre", "2026-12-03"),
        ("CAFE des sports", "2027-03-20"),
        ("Nuit Électro", "2027-02-14"),
        ("Œnologie & tapas", "2026-11-28"),
        ("100% Disco_night", "2026-12-31"),
    ):
        services.events.create(admin, name, date, [bar.id or 0])


def test_nights_are_found_by_name_across_months_whatever_the_accents_and_case(as_member: Api, nights: None) -> None:
    assert listed(as_member, q="cafe") == ["Café Théâtre", "CAFE des sports"]
    assert listed(as_member, q="  CAFÉ ") == ["Café Théâtre", "CAFE des sports"]
    assert listed(as_member, q="electro") == ["Nuit Électro"]
    assert listed(as_member, q="oeno") == ["Œnologie & tapas"]
    assert listed(as_member, q="100%") == ["100% Disco_night"]
    assert listed(as_member, q="0%d") == []  # % and _ are letters here, not wildcards
    assert listed(as_member, q="café", **{"from": "2027-01-01"}) == ["CAFE des sports"]
    assert listed(as_member, q="karaoke") == []


def test_a_search_leaves_cancelled_nights_out_unless_asked(as_member: Api, nights: None) -> None:
    cafe = next(e for e in as_member.get("/api/events", params={"q": "théâtre"}).json)
    as_member.patch(f"/api/events/{cafe['id']}", json={"cancelled": True})
    assert listed(as_member, q="cafe") == ["CAFE des sports"]
    assert listed(as_member, q="cafe", cancelled="1") == ["Café Théâtre", "CAFE des sports"]
    too_long = as_member.get("/api/events", params={"q": "x" * 201})
    assert too_long.status_code == 422 and too_long.json["field"] == "q"
