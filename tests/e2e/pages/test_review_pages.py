"""The review parts of the pages, as the server renders them: each slot's versions, anchored remarks in the
conversation, the remarks of the review queue, the admin's review settings."""

from __future__ import annotations

import io
import json
import re

from eventflow.bootstrap import Services
from eventflow.core.model import Anchor, Event, User
from eventflow.core.services.events import SlotChange
from eventflow.core.services.review import SettingsChange
from tests.support import samples
from tests.support.web import Browser


def slots_of(services: Services, event: Event) -> tuple[int, int]:
    poster, cube = (v.slot.id or 0 for v in services.events.card(event.id or 0).slots)
    return poster, cube


def test_each_slot_with_files_lists_its_versions_newest_first_with_the_current_one_marked(
    services: Services, as_admin_browser: Browser, admin: User, member: User, event: Event
) -> None:
    poster, cube = slots_of(services, event)
    for who, pages in ((member, 1), (admin, 2), (member, 3)):
        services.assets.upload_version(who, poster, f"poster-{pages}.pdf", io.BytesIO(samples.pdf(pages)))
    services.events.update_slot(admin, poster, SlotChange(current_version=2))
    html = as_admin_browser.get(f"/events/{event.id}").text
    panel = html[html.index(f'id="versions-{poster}"') : html.index("</tr>", html.index(f'id="versions-{poster}"'))]
    assert re.findall(r'class="version-card[^"]*" data-version="(\d)"', panel) == ["3", "2", "1"]
    assert re.findall(r'class="version-card is-current" data-version="(\d)"', panel) == ["2"]
    assert panel.count('data-action="make-current"') == 2  # on v3 and v1, not on the current one
    assert 'data-pages="3"' in panel and "Max Member" in panel and "Ada Admin" in panel
    assert len(re.findall(r'href="/api/assets/\d+/content\?download=1" download', panel)) == 3
    assert f'aria-controls="versions-{cube}"' not in html and f'id="versions-{cube}"' not in html  # no file yet
    row = html[html.index(f'data-slot-id="{poster}"') :]
    assert 'data-current-version="2"' in row[:400] and "3 versions" in row


def test_anchored_remarks_read_where_they_point_and_pins_are_numbered_per_version(
    services: Services, as_admin_browser: Browser, admin: User, event: Event
) -> None:
    poster, cube = slots_of(services, event)
    services.assets.upload_version(admin, poster, "poster.pdf", io.BytesIO(samples.pdf(2)))
    services.assets.upload_version(admin, poster, "poster.png", io.BytesIO(samples.png()))
    services.assets.upload_version(admin, cube, "cube.mp4", io.BytesIO(samples.mp4(seconds=2)))
    anchors = [
        (poster, Anchor(1, page=2)),
        (cube, Anchor(1, time=1.5)),
        (poster, Anchor(2, region=(0.1, 0.2, 0.3, 0.4))),
        (poster, Anchor(1, region=(0.5, 0.5, 0, 0))),
        (poster, Anchor(2, region=(0.6, 0.6, 0, 0))),
        (poster, Anchor(2)),
    ]
    comments = [
        services.comments.add(admin, event.id or 0, f"remarque {i}", deliverable_id=slot, anchor=anchor)
        for i, (slot, anchor) in enumerate(anchors)
    ]
    html = as_admin_browser.get(f"/events/{event.id}").text
    chips = [
        re.sub(r"<[^>]+>|\s+", " ", chip).split()
        for chip in re.findall(r'class="anchor-chip"[^>]*>(.*?)</button>', html, re.S)
    ]
    assert [" ".join(chip) for chip in chips] == [
        "v1 · p. 2", "v1 · à 0:01", "v2 · repère 1", "v1 · repère 1", "v2 · repère 2", "v2",
    ]  # fmt: skip
    shown = dict(re.findall(r'data-comment-id="(\d+)"[^>]*data-anchor=\'([^\']+)\'', html))
    assert json.loads(shown[str(comments[2].id)]) == {"version": 2, "region": [0.1, 0.2, 0.3, 0.4]}
    assert f'data-comment-id="{comments[4].id}"' in html and 'data-marker="2"' in html
    assert 'id="tpl-viewer"' in html and 'id="tpl-compare"' in html and 'id="tpl-reason"' in html


def test_the_review_queue_shows_the_remarks_on_each_current_version(
    services: Services, as_member_browser: Browser, admin: User, event: Event
) -> None:
    poster, _ = slots_of(services, event)
    services.assets.upload_version(admin, poster, "poster.pdf", io.BytesIO(samples.pdf()))
    for text in ("Titre", "Date"):
        services.comments.add(admin, event.id or 0, text, deliverable_id=poster, anchor=Anchor(1, page=1))
    html = as_member_browser.get("/review").text
    assert 'data-remarks="2"' in html and "2 remarques sur cette version" in html
    assert 'data-current-version="1"' in html and 'id="tpl-reason"' in html


def test_the_review_queue_names_the_bar_of_a_slot_made_for_one_bars_screen(
    services: Services, as_member_browser: Browser, admin: User, event: Event
) -> None:
    """A night in two bars has a Door LED for each: the queue says whose, as the card does."""
    poster, cube = slots_of(services, event)
    services.assets.upload_version(admin, poster, "poster.pdf", io.BytesIO(samples.pdf()))
    services.assets.upload_version(admin, cube, "cube.mp4", io.BytesIO(samples.mp4()))
    html = as_member_browser.get("/review").text
    items = {m[0]: m[1] for m in re.findall(r'data-slot-id="(\d+)".*?<p class="review-title">(.*?)</p>', html, re.S)}
    assert "Le Perchoir" in items[str(cube)]
    assert "Le Perchoir" not in items[str(poster)]  # for the whole night: no bar to name


def test_the_admin_sets_a_second_pair_of_eyes_on_the_review_settings_page(
    services: Services, as_admin_browser: Browser, as_member_browser: Browser, admin: User
) -> None:
    page = as_admin_browser.get("/admin/review").text
    assert 'data-api="PATCH /api/settings"' in page
    assert re.search(r'<input type="checkbox" name="second_pair_of_eyes">', page)
    services.review.change_settings(admin, SettingsChange(second_pair_of_eyes=True))
    assert '<input type="checkbox" name="second_pair_of_eyes" checked>' in as_admin_browser.get("/admin/review").text
    assert as_member_browser.get("/admin/review").status_code == 403
