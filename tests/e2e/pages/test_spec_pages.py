"""The card and the review queue show each version's spec check in the reader's language, the slots' expectations for
the drop mapping, and the LED screens' mock-ups in their shape."""

from __future__ import annotations

import html
import io
import json
import re

from eventflow.bootstrap import Services
from eventflow.core.commands import UserChanges
from eventflow.core.model import Event, User
from tests.support import samples
from tests.support.web import Browser


def cube_with_a_wide_video(services: Services, event: Event, member: User) -> int:
    cube = next(v.slot for v in services.events.card(event.id or 0).slots if v.slot.name == "Cube LED")
    data = samples.mp4(width=192, height=108, fps=2)
    services.assets.upload_version(member, cube.id or 0, "cube.mp4", io.BytesIO(data), len(data))
    return cube.id or 0


def test_the_card_says_how_a_version_differs_in_the_readers_language(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    cube = cube_with_a_wide_video(services, event, member)
    french = as_admin_browser.get(f"/events/{event.id}").text
    assert "≠ Non conforme : 192x108 au lieu de 1024x1024" in french
    services.users.update(admin, admin.id or 0, UserChanges(language="en"))
    english = html.unescape(as_admin_browser.get(f"/events/{event.id}").text)
    assert "≠ Differs: 192x108 instead of 1024x1024" in english
    assert (
        'data-confirm="This version differs from the specs (192x108 instead of 1024x1024). Approve it anyway?"'
        in english
    )
    row = re.search(rf'<tr class="slot[^"]*" data-slot-id="{cube}".*?</tr>', english, re.S)
    assert row is not None and "data-spec-current" in row.group(0)


def test_the_card_gives_the_browser_each_slots_expectations(as_admin_browser: Browser, event: Event) -> None:
    page = as_admin_browser.get(f"/events/{event.id}").text
    found = re.search(r'<script type="application/json" data-slot-specs>(.*?)</script>', page, re.S)
    assert found is not None
    slots = {s["name"]: s for s in json.loads(found.group(1))}
    assert slots["Poster A3"]["kinds"] == ["pdf"] and slots["Poster A3"]["size"] is None
    assert (slots["Cube LED"]["kinds"], slots["Cube LED"]["size"], slots["Cube LED"]["bar"]) == (
        ["video"], [1024, 1024], "Le Perchoir"
    )  # fmt: skip


def test_led_screens_are_drawn_in_their_shape_with_their_file(
    services: Services, as_admin_browser: Browser, member: User, event: Event
) -> None:
    cube = cube_with_a_wide_video(services, event, member)
    page = as_admin_browser.get(f"/events/{event.id}").text
    mockup = re.search(
        rf'<figure class="mockup mockup-square" data-mockup data-slot-id="{cube}">.*?</figure>', page, re.S
    )
    assert mockup is not None
    assert 'viewBox="0 0 1024 1024"' in mockup.group(0) and "<video" in mockup.group(0)
    assert "1024×1024 px · v1" in mockup.group(0)


def test_the_review_queue_shows_each_items_spec_check(
    services: Services, as_admin_browser: Browser, member: User, event: Event
) -> None:
    cube_with_a_wide_video(services, event, member)
    assert "≠ Non conforme : 192x108 au lieu de 1024x1024" in as_admin_browser.get("/review").text
