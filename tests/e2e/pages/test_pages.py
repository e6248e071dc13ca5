"""Server-rendered pages via falcon's TestClient: login redirects, the page contract, filters, language, escaping."""

from __future__ import annotations

import json
import re

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from eventflow.core.model import Bar, DeliverableTemplate, Event, Screen, User
from eventflow.core.services.events import SlotChange
from tests.support.web import Browser

EVENT_ATTRS = re.compile(r'data-event-id="(\d+)" data-health="(green|orange|red|none)"')


def events_shown(html: str) -> dict[int, str]:
    return {int(i): h for i, h in EVENT_ATTRS.findall(html)}


@pytest.mark.parametrize("path", ["/", "/calendar", "/review", "/matrix", "/admin/users", "/events/1"])
def test_visitors_are_sent_to_the_login_form(client: falcon.testing.TestClient, path: str) -> None:
    result = client.simulate_get(path)
    assert result.status_code == 303
    assert result.headers["Location"].startswith("/login")
    if path != "/":
        assert result.headers["Location"].endswith("next=" + path.replace("/", "%2F"))


def test_the_login_form_has_email_and_password_fields(client: falcon.testing.TestClient) -> None:
    html = client.simulate_get("/login").text
    assert 'name="email"' in html and 'name="password"' in html and 'type="password"' in html


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example"])
def test_after_login_only_local_paths_are_followed(as_admin_browser: Browser, target: str) -> None:
    result = as_admin_browser.get("/login", params={"next": target})
    assert result.status_code == 303 and result.headers["Location"] == "/"


def test_a_logged_in_visitor_goes_back_where_they_were_heading(as_admin_browser: Browser) -> None:
    result = as_admin_browser.get("/login", params={"next": "/review"})
    assert result.headers["Location"] == "/review"


@pytest.mark.parametrize("view", ["month", "week", "quarter"])
def test_every_view_marks_events_with_id_and_health(as_admin_browser: Browser, event: Event, view: str) -> None:
    html = as_admin_browser.get("/calendar", params={"view": view, "date": "2026-12-12"}).text
    assert events_shown(html) == {event.id: "orange"}


def test_home_shows_the_calendar_and_the_phone_list_of_upcoming_events(as_admin_browser: Browser, event: Event) -> None:
    html = as_admin_browser.get("/", params={"date": "2026-12-01"}).text
    assert 'class="mobile-home"' in html and "Mes events à venir" in html
    assert html.count(f'data-event-id="{event.id}"') >= 2  # in the month grid and in the upcoming list


def test_at_j6_with_the_flyer_not_approved_the_event_is_red(
    services: Services, as_admin_browser: Browser, admin: User, bar: Bar, templates: list[DeliverableTemplate]
) -> None:
    services.templates.add(None, "Flyer", "A6", is_default=True)
    card = services.events.create(admin, "Soirée J-6", "2026-12-01", [bar.id or 0])  # today is 2026-11-25
    for view in card.slots:
        if view.slot.name != "Flyer":
            services.events.update_slot(admin, view.slot.id or 0, SlotChange(status="approved"))
    event_id = card.summary.event.id or 0
    assert events_shown(as_admin_browser.get("/calendar", params={"date": "2026-12-01"}).text)[event_id] == "red"
    page = as_admin_browser.get(f"/events/{event_id}").text
    assert 'data-health="red"' in page and "ATTENTION —" in page and "J-6" in page


def test_filters_by_bar_default_to_my_bars_and_only_late(
    services: Services, as_admin_browser: Browser, admin: User, event: Event, second_bar: Bar
) -> None:
    other = services.events.create(admin, "Ailleurs", "2026-12-01", [second_bar.id or 0]).summary.event
    query = {"date": "2026-12-01"}
    assert set(events_shown(as_admin_browser.get("/calendar", params=query).text)) == {event.id, other.id}
    only = as_admin_browser.get("/calendar", params={**query, "f": "1", "bar": str(second_bar.id)}).text
    assert set(events_shown(only)) == {other.id}
    late = as_admin_browser.get("/calendar", params={**query, "f": "1", "late": "1"}).text
    assert set(events_shown(late)) == {other.id}  # J-6 with nothing approved; the other night is J-17
    services.users.update(admin, admin.id or 0, UserChanges(my_bar_ids=[event.bar_ids[0]]))
    assert set(events_shown(as_admin_browser.get("/calendar", params=query).text)) == {event.id}


def test_french_by_default_english_from_the_user_setting(as_admin_browser: Browser) -> None:
    french = as_admin_browser.get("/calendar").text
    assert '<html lang="fr">' in french and "Calendrier" in french and "Nouvel event" in french
    assert as_admin_browser.send("PATCH", "/api/me", json={"language": "en"}).status_code == 200
    english = as_admin_browser.get("/calendar").text
    assert '<html lang="en">' in english and ">Calendar<" in english and "New event" in english


def test_user_text_is_escaped_and_rich_text_sanitised(
    services: Services, as_admin_browser: Browser, admin: User, bar: Bar
) -> None:
    card = services.events.create(
        admin,
        "<script>alert(1)</script>",
        "2026-12-05",
        [bar.id or 0],
        brief='<p>Néons <b>roses</b></p><img src=x onerror="alert(2)">',
    )
    event_id = card.summary.event.id or 0
    services.comments.add(admin, event_id, "<i>tout</i> est prêt <img src=x onerror=alert(3)>")
    for html in (
        as_admin_browser.get("/calendar", params={"date": "2026-12-05"}).text,
        as_admin_browser.get(f"/events/{event_id}").text,
    ):
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    card_html = as_admin_browser.get(f"/events/{event_id}").text
    assert "<b>roses</b>" in card_html and "<i>tout</i> est prêt" in card_html and "onerror" not in card_html


def test_the_card_fragment_is_only_the_card(as_admin_browser: Browser, event: Event) -> None:
    fragment = as_admin_browser.get(f"/events/{event.id}", params={"fragment": "1"}).text
    assert "<html" not in fragment and f'data-card data-event-id="{event.id}"' in fragment
    assert "Poster A3" in fragment and "Cube LED" in fragment


def test_an_unknown_event_is_a_404_page(as_admin_browser: Browser) -> None:
    result = as_admin_browser.get("/events/999")
    assert result.status_code == 404 and "text/html" in result.headers["Content-Type"] and "<html" in result.text


def test_review_and_matrix_pages(services: Services, as_admin_browser: Browser, admin: User, event: Event) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    services.events.update_slot(admin, slot.id or 0, SlotChange(status="review"))
    review = as_admin_browser.get("/review").text
    assert f'data-slot-id="{slot.id}"' in review and events_shown(review) == {event.id: "orange"}
    matrix = as_admin_browser.get("/matrix", params={"month": "2026-12-01"}).text
    assert events_shown(matrix) == {event.id: "orange"} and "status-review" in matrix


def test_admin_pages_are_for_admins(as_member_browser: Browser, as_admin_browser: Browser) -> None:
    assert as_member_browser.get("/admin/users").status_code == 403
    for section in ("users", "bars", "themes", "templates", "storage"):
        assert as_admin_browser.get(f"/admin/{section}").status_code == 200
    assert as_admin_browser.get("/admin/nope").status_code == 404


def test_the_bars_list_names_each_screen_s_kind_as_its_template_does(
    services: Services, as_admin_browser: Browser
) -> None:
    services.templates.add(None, "Cube LED", "1024x1024 mp4", hardware_kind="cube_led")
    services.bars.add(None, "Le Perchoir", "Paris 11", [Screen("cube_led", "Cube entrée", "1024x1024 mp4")])
    html = as_admin_browser.get("/admin/bars").text
    assert '<strong>Cube entrée</strong> <span class="tag">Cube LED</span>' in html  # not the code "cube_led"


def test_an_admin_resets_a_password(client: falcon.testing.TestClient, as_admin_browser: Browser, member: User) -> None:
    reset = as_admin_browser.send("POST", f"/api/users/{member.id}/password", json={"password": "a brand new one"})
    assert reset.status_code == 204
    login = client.simulate_post("/api/session", json={"email": member.email, "password": "a brand new one"})
    assert login.status_code == 200


def test_the_storage_actions_need_the_csrf_token(as_admin_browser: Browser) -> None:
    result = as_admin_browser.client.simulate_post("/api/storage/purge", headers={"Cookie": as_admin_browser.cookie})
    assert result.status_code == 403
    job = as_admin_browser.send("POST", "/api/storage/purge").json
    assert (job["action"], job["files"], job["freed_bytes"]) == ("purged", 0, 0)


def test_the_storage_page_shows_what_uploads_under_way_hold(
    services: Services, as_admin_browser: Browser, admin: User
) -> None:
    services.assets.open_resumable(admin, "a" * 32, 3 * 1024 * 1024)  # an unfinished resumable upload
    html = as_admin_browser.get("/admin/storage").text
    assert "Réservé par les envois en cours ou inachevés : 3\u202fMo." in html


def test_pages_have_no_inline_script_or_style(as_admin_browser: Browser, event: Event) -> None:
    for path in ("/", f"/events/{event.id}", "/review", "/matrix", "/admin/storage"):
        html = as_admin_browser.get(path).text
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path


def test_the_pwa_is_installable(client: falcon.testing.TestClient) -> None:
    manifest = json.loads(client.simulate_get("/manifest.webmanifest").text)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        assert client.simulate_get(icon["src"]).status_code == 200
    worker = client.simulate_get("/sw.js")
    assert worker.status_code == 200 and "/offline" in worker.text
    assert client.simulate_get("/offline").status_code == 200


def test_times_are_shown_in_the_team_time_zone(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    services.comments.add(admin, event.id or 0, "On garde le néon rose")  # the fixed clock says 12:00 in Paris
    html = as_admin_browser.get(f"/events/{event.id}").text
    assert "25 nov. 12:00" in html and "11:00" not in html
