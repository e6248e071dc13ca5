"""Calendar feeds read as a calendar app reads them: a GET of the secret address without any other credential, the
iCalendar parsed back with the ``icalendar`` library. Nights of one's bars, each night's J-7 deadline, one's own
slots due; all-day dates; stable UIDs; SEQUENCE and LAST-MODIFIED when a night moves; ETag and 304; a new address
retires the old one; only a hash of the secret is stored."""

from __future__ import annotations

import datetime as dt
import hashlib

import falcon.testing
import icalendar
import pytest
from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges, UserChanges
from eventflow.core.model import User
from eventflow.core.services.events import SlotChange
from tests.support.web import Api

BASE_URL = "http://127.0.0.1:8000"
DISCO, KARAOKE = dt.date(2026, 12, 12), dt.date(2026, 12, 19)


@frozen
class Plan:
    disco: int
    karaoke: int
    poster: int
    comptoir: int


@pytest.fixture
def plan(services: Services, admin: User, member: User) -> Plan:
    """Max (member) works at La Cale; Nuit Disco is at both bars, Karaoké at Le Comptoir only."""
    comptoir, cale = services.bars.add(None, "Le Comptoir"), services.bars.add(None, "La Cale")
    services.users.update(None, member.id or 0, UserChanges(my_bar_ids=[cale.id]))
    disco = services.events.create(admin, "Nuit Disco", DISCO, [comptoir.id or 0, cale.id or 0]).summary.event.id
    karaoke = services.events.create(admin, "Karaoké", KARAOKE, [comptoir.id or 0]).summary.event.id
    services.events.create(admin, "Réveillon 2025", dt.date(2025, 12, 31), [cale.id or 0])  # long past: left out
    poster = services.events.add_slot(admin, disco or 0, "Poster A3", "A3 PDF", assignee_id=member.id)
    flyer = services.events.add_slot(admin, disco or 0, "Flyer", "A5", assignee_id=member.id)
    services.events.update_slot(admin, flyer.id or 0, SlotChange(status="approved"))  # done: no longer due
    services.events.add_slot(admin, disco or 0, "Cube LED", "1024x1024", assignee_id=admin.id)  # someone else's
    return Plan(disco or 0, karaoke or 0, poster.id or 0, comptoir.id or 0)


def subscribe(api: Api, path: str = "/api/me/feed") -> str:
    made = api.post(path)
    assert made.status_code == 201, made.text
    url: str = made.json["url"]
    assert url.startswith(f"{BASE_URL}/feeds/") and url.endswith(".ics")
    return url.removeprefix(BASE_URL)


def read(client: falcon.testing.TestClient, path: str, **headers: str) -> falcon.testing.Result:
    """What a calendar app does: a plain GET, no cookie, no token."""
    return client.simulate_get(path, headers=headers)


def entries(result: falcon.testing.Result) -> dict[str, icalendar.Event]:
    assert result.status_code == 200, result.text
    assert result.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(result.content)
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def day(event: icalendar.Event, name: str) -> dt.date:
    value = event.decoded(name)
    assert isinstance(value, dt.date) and not isinstance(value, dt.datetime), f"{name} is not an all-day date"
    return value


def shown(event: icalendar.Event) -> tuple[str, dt.date]:
    return str(event["summary"]), day(event, "dtstart")


def test_my_feed_holds_my_bars_nights_their_j7_deadlines_and_my_slots_due(
    as_member: Api, client: falcon.testing.TestClient, plan: Plan
) -> None:
    feed = read(client, subscribe(as_member))
    assert icalendar.Calendar.from_ical(feed.content)["x-wr-calname"] == "eventflow — Max Member"
    found = entries(feed)
    night, deadline, mine = (
        found[f"{kind}@eventflow"] for kind in (f"event-{plan.disco}", f"due-{plan.disco}", f"slot-{plan.poster}")
    )
    assert len(found) == 3  # not Karaoké (Le Comptoir only), nor the approved Flyer, nor Ada's Cube LED

    assert shown(night) == ("Nuit Disco", DISCO) and day(night, "dtend") == dt.date(2026, 12, 13)
    assert "Le Comptoir, La Cale" in str(night["description"])
    assert str(night["url"]) == f"{BASE_URL}/events/{plan.disco}"
    assert shown(deadline) == ("J-7 : Nuit Disco", dt.date(2026, 12, 5))
    assert shown(mine) == ("À rendre : Poster A3 — Nuit Disco", dt.date(2026, 12, 5))
    assert b"DTSTART;VALUE=DATE:20261212" in feed.content  # a date: no time zone for an app to get wrong


def test_with_no_bar_chosen_my_feed_holds_every_bar(
    as_admin: Api, client: falcon.testing.TestClient, plan: Plan
) -> None:
    found = entries(read(client, subscribe(as_admin)))
    nights = {uid for uid in found if uid.startswith("event-")}
    assert nights == {f"event-{plan.disco}@eventflow", f"event-{plan.karaoke}@eventflow"}


def test_a_moved_night_keeps_its_uid_and_tells_the_app_it_changed(
    as_member: Api, client: falcon.testing.TestClient, plan: Plan, services: Services, clock: FixedClock
) -> None:
    path = subscribe(as_member)
    before = entries(read(client, path))[f"event-{plan.disco}@eventflow"]
    assert before["sequence"] == 0
    clock.advance(hours=3)
    services.events.update(None, plan.disco, EventChanges(date="2026-12-13"))

    after = entries(read(client, path))
    night, deadline = after[f"event-{plan.disco}@eventflow"], after[f"due-{plan.disco}@eventflow"]
    assert day(night, "dtstart") == dt.date(2026, 12, 13) and day(deadline, "dtstart") == dt.date(2026, 12, 6)
    assert night["sequence"] == deadline["sequence"] == 1
    assert night.decoded("last-modified") == clock.now() > before.decoded("last-modified")
    assert after[f"slot-{plan.poster}@eventflow"]["sequence"] == 1


def test_a_cancelled_night_stays_in_the_feed_marked_cancelled_until_restored_and_a_deleted_one_leaves(
    as_member: Api,
    as_admin: Api,
    client: falcon.testing.TestClient,
    plan: Plan,
    services: Services,
    clock: FixedClock,
    admin: User,
) -> None:
    mine, bars = subscribe(as_member), subscribe(as_admin, f"/api/bars/{plan.comptoir}/feed")
    uids = [f"event-{plan.disco}@eventflow", f"due-{plan.disco}@eventflow", f"slot-{plan.poster}@eventflow"]
    assert [str(entries(read(client, mine))[uid]["status"]) for uid in uids] == ["CONFIRMED"] * 3
    clock.advance(hours=2)
    services.events.update(admin, plan.disco, EventChanges(cancelled=True))

    cancelled = entries(read(client, mine))
    assert [str(cancelled[uid]["status"]) for uid in uids] == ["CANCELLED"] * 3  # the night, its J-7, my slot
    assert [cancelled[uid]["sequence"] for uid in uids] == [1, 1, 1]  # apps replace their copy
    assert cancelled[uids[0]].decoded("last-modified") == clock.now()
    assert str(entries(read(client, bars))[uids[0]]["status"]) == "CANCELLED"  # the bar's staff see it too

    clock.advance(hours=1)
    services.events.update(admin, plan.disco, EventChanges(cancelled=False))
    restored = entries(read(client, mine))[uids[0]]
    assert (str(restored["status"]), restored["sequence"]) == ("CONFIRMED", 2)

    services.events.delete(admin, plan.karaoke)
    assert f"event-{plan.karaoke}@eventflow" not in entries(read(client, bars))  # deleted: gone from the feed


def test_an_unchanged_feed_answers_304_to_its_etag(
    as_member: Api, client: falcon.testing.TestClient, plan: Plan, services: Services
) -> None:
    path = subscribe(as_member)
    first = read(client, path)
    assert read(client, path).content == first.content  # the same data, the same bytes
    unchanged = read(client, path, **{"If-None-Match": first.headers["etag"]})
    assert (unchanged.status_code, unchanged.content) == (304, b"")

    services.events.update(None, plan.disco, EventChanges(name="Nuit Disco Fever"))
    changed = read(client, path, **{"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    assert "Nuit Disco Fever" in [str(e["summary"]) for e in entries(changed).values()]


def test_a_new_address_retires_the_old_one_and_unknown_ones_are_not_found(
    as_member: Api, client: falcon.testing.TestClient, plan: Plan, services: Services, member: User
) -> None:
    old = subscribe(as_member)
    assert as_member.get("/api/me/feed").json == {"url": BASE_URL + old}  # shown again on the profile page
    new = subscribe(as_member)
    assert new != old
    assert read(client, old).status_code == 404
    assert read(client, new).status_code == 200
    assert read(client, "/feeds/not-a-feed.ics").status_code == 404

    services.users.update(None, member.id or 0, UserChanges(active=False))
    assert read(client, new).status_code == 404  # a deactivated account's calendar is gone
    services.users.update(None, member.id or 0, UserChanges(active=True))
    assert as_member.delete("/api/me/feed").status_code == 204
    assert read(client, new).status_code == 404
    assert as_member.get("/api/me/feed").status_code == 404


def test_only_a_hash_of_the_secret_is_stored(as_member: Api, services: Services, member: User) -> None:
    secret = subscribe(as_member).removeprefix("/feeds/").removesuffix(".ics")
    with services.uow(read_only=True) as uow:
        stored = uow.feeds.for_user(member.id or 0)
    assert stored is not None
    assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored)


def test_a_bar_feed_for_its_staff_is_made_by_admins(
    as_admin: Api, as_member: Api, client: falcon.testing.TestClient, plan: Plan
) -> None:
    assert as_member.post(f"/api/bars/{plan.comptoir}/feed").status_code == 403
    assert as_member.get(f"/api/bars/{plan.comptoir}/feed").status_code == 403
    assert as_admin.post("/api/bars/999/feed").status_code == 404
    feed = read(client, subscribe(as_admin, f"/api/bars/{plan.comptoir}/feed"))
    assert icalendar.Calendar.from_ical(feed.content)["x-wr-calname"] == "eventflow — Le Comptoir"
    assert set(entries(feed)) == {
        f"event-{plan.disco}@eventflow",
        f"due-{plan.disco}@eventflow",
        f"event-{plan.karaoke}@eventflow",
        f"due-{plan.karaoke}@eventflow",
    }


def test_the_profile_page_offers_the_calendar_address_and_the_reminders(as_member: Api, plan: Plan) -> None:
    page = as_member.get("/profile").text
    assert "Abonner mon calendrier" in page and "Obtenir l&#39;adresse de mon calendrier" in page
    assert 'value="reminders" data-list checked' in page and "Rappels avant J-7" in page
    url = BASE_URL + subscribe(as_member)
    page = as_member.get("/profile").text
    assert f'value="{url}"' in page and url.replace("http://", "webcal://") in page
    assert "Régénérer l&#39;adresse" in page


def test_the_admin_bars_page_shares_each_bars_calendar_with_its_staff(as_admin: Api, plan: Plan) -> None:
    page = as_admin.get("/admin/bars").text
    assert "Calendrier pour l&#39;équipe du bar" in page
    assert f'data-url="/api/bars/{plan.comptoir}/feed"' in page and "/feeds/" not in page
    url = BASE_URL + subscribe(as_admin, f"/api/bars/{plan.comptoir}/feed")
    assert f'value="{url}"' in as_admin.get("/admin/bars").text
