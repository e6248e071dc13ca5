"""Users, bars, themes and templates over HTTP: everyone reads, admins write."""

from __future__ import annotations

from eventflow.core.model import Bar, User
from tests.support.web import Api


def test_users_list_has_the_contract_fields(as_member: Api, admin: User, member: User) -> None:
    users = as_member.get("/api/users").json
    assert [u["email"] for u in users] == ["ada@bars.fr", "max@bars.fr"]
    assert {"id", "email", "name", "role", "active"} <= set(users[0])
    assert "password_hash" not in users[0]


def test_an_admin_adds_a_user_once(as_admin: Api) -> None:
    body = {"email": "Lea@Bars.fr", "name": "Léa", "role": "member", "password": "long enough", "language": "en"}
    created = as_admin.post("/api/users", json=body)
    assert created.status_code == 201
    assert (created.json["email"], created.json["language"]) == ("lea@bars.fr", "en")
    assert as_admin.post("/api/users", json=body).status_code == 409
    short = as_admin.post("/api/users", json={**body, "email": "z@bars.fr", "password": "short"})
    assert short.status_code == 422 and short.json["field"] == "password"
    bad_role = as_admin.post("/api/users", json={**body, "email": "y@bars.fr", "role": "boss"})
    assert bad_role.json["field"] == "role"


def test_an_admin_changes_a_role_and_cannot_lock_themselves_out(as_admin: Api, admin: User, member: User) -> None:
    promoted = as_admin.patch(f"/api/users/{member.id}", json={"role": "admin", "name": "Max M."})
    assert (promoted.json["role"], promoted.json["name"]) == ("admin", "Max M.")
    assert as_admin.patch(f"/api/users/{admin.id}", json={"active": False}).status_code == 409
    assert as_admin.patch(f"/api/users/{admin.id}", json={"role": "member"}).status_code == 409
    assert as_admin.patch("/api/users/999", json={"name": "Ghost"}).status_code == 404
    assert as_admin.get(f"/api/users/{member.id}").json["id"] == member.id


def test_bars_with_hardware(as_admin: Api, as_member: Api) -> None:
    hardware = {"screens": [{"kind": "door_led", "label": "Door LED", "specs": "1920x320 mp4"}]}
    created = as_admin.post("/api/bars", json={"name": "Bar Nord", "location": "Lille", "hardware": hardware})
    assert created.status_code == 201 and created.json["hardware"] == hardware
    assert as_member.get("/api/bars").json == [created.json]
    assert as_admin.post("/api/bars", json={"name": "bar nord"}).status_code == 409
    bad = as_admin.post("/api/bars", json={"name": "Bar Sud", "hardware": {"screens": [{"label": "no kind"}]}})
    assert bad.status_code == 422 and bad.json["field"] == "hardware"
    moved = as_admin.patch(f"/api/bars/{created.json['id']}", json={"location": "Roubaix"})
    assert moved.json["location"] == "Roubaix"
    assert as_member.get("/api/bars/999").status_code == 404


def test_themes_are_set_per_month_and_show_on_events(as_admin: Api, as_member: Api, bar: Bar) -> None:
    theme = as_admin.put("/api/themes/2026-12", json={"name": "Noël", "description": "Rouge et or"})
    assert theme.status_code == 200
    assert theme.json == {"month": "2026-12", "year": 2026, "name": "Noël", "description": "Rouge et or"}
    as_admin.put("/api/themes/2026-12", json={"name": "Noël 2026"})
    assert [t["name"] for t in as_member.get("/api/themes", params={"year": "2026"}).json] == ["Noël 2026"]
    bad = as_admin.put("/api/themes/december", json={"name": "Noël"})
    assert bad.status_code == 422 and bad.json["field"] == "month"
    event = as_member.post("/api/events", json={"name": "Réveillon", "date": "2026-12-24", "bar_ids": [bar.id]})
    assert event.json["theme"] == "Noël 2026"


def test_templates_admin_writes_everyone_reads(as_admin: Api, as_member: Api) -> None:
    created = as_admin.post("/api/templates", json={"name": "Flyer", "specs": "A5 PDF", "is_default": True})
    assert created.status_code == 201
    assert as_member.get("/api/templates").json == [created.json]
    changed = as_admin.patch(f"/api/templates/{created.json['id']}", json={"specs": "A5 PDF 300 dpi"})
    assert changed.json["specs"] == "A5 PDF 300 dpi"
    assert as_admin.post("/api/templates", json={"name": "Flyer", "specs": "x"}).status_code == 409
    assert as_admin.post("/api/templates", json={"name": "Sticker"}).json["field"] == "specs"
