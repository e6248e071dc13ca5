"""Steps for features/pages_collab.feature: the event card's conversation, the audit log page, notification settings."""

from __future__ import annotations

import re
from typing import Any

import falcon.testing
from pytest_bdd import given, parsers, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core.model import NOTIFICATION_KINDS, User
from tests.bdd.conftest import PASSWORD
from tests.support.web import Browser

scenarios("pages_collab.feature")


def person(world: dict[str, Any], email: str) -> User:
    user: User = world["people"][email]
    return user


def comment_item(html: str, text: str) -> str:
    """The <li> of the comment whose words contain ``text``."""
    items = re.findall(r'<li class="comment[^"]*".*?</li>', html, re.S)
    return next(item for item in items if text in re.sub(r"<[^>]+>", "", item))


@given(parsers.parse('the admin "{admin}", the member "{member}" and the event "{name}" with "{first}" and "{second}"'))
def team(
    services: Services, world: dict[str, Any], admin: str, member: str, name: str, first: str, second: str
) -> None:
    ada = services.users.add(None, admin, "Ada Admin", role="admin", password=PASSWORD)
    max_ = services.users.add(None, member, "Max Member", password=PASSWORD)
    world["people"] = {admin: ada, member: max_}
    bar = services.bars.add(None, "Le Perchoir")
    for template in (first, second):
        services.templates.add(None, template, "PDF", is_default=True)
    card = services.events.create(ada, name, "2026-12-12", [bar.id or 0])
    world["event"] = card.summary.event.id
    world["slots"] = {v.slot.name: v.slot.id for v in card.slots}


@given(parsers.parse('"{email}" comments "{text}" about "{slot}"'))
def comment_about(services: Services, world: dict[str, Any], email: str, text: str, slot: str) -> None:
    world["last"] = services.comments.add(
        person(world, email), world["event"], text, deliverable_id=world["slots"][slot]
    )


@given(parsers.parse('"{email}" comments "{text}"'))
def comment(services: Services, world: dict[str, Any], email: str, text: str) -> None:
    world["last"] = services.comments.add(person(world, email), world["event"], text)


@given(parsers.parse('"{email}" replies "{text}"'))
def reply(services: Services, world: dict[str, Any], email: str, text: str) -> None:
    services.comments.add(person(world, email), world["event"], text, parent_id=world["last"].id)


@given(parsers.parse('"{email}" deletes that comment'))
def delete(client: falcon.testing.TestClient, world: dict[str, Any], email: str) -> None:
    assert Browser(client, email).send("DELETE", f"/api/comments/{world['last'].id}").status_code == 200


@when(parsers.parse('"{email}" opens the card of "{name}"'), target_fixture="html")
def open_card(client: falcon.testing.TestClient, world: dict[str, Any], email: str, name: str) -> str:
    page = Browser(client, email).get(f"/events/{world['event']}")
    assert page.status_code == 200 and name in page.text
    return page.text


@then(parsers.parse('the thread reads "{first}" then, indented under it, "{second}"'))
def thread_order(html: str, first: str, second: str) -> None:
    plain = re.sub(r"<[^>]+>", "", html)
    assert plain.index(first) < plain.index(second)
    assert "depth-0" in comment_item(html, first) and "depth-1" in comment_item(html, second)


@then(parsers.parse('"{handle}" is highlighted as a mention'))
def mention_highlighted(html: str, handle: str) -> None:
    assert f'<span class="mention">{handle}</span>' in html


@then(parsers.parse('the row of "{slot}" counts 1 comment and the row of "{other}" none'))
def slot_counts(html: str, world: dict[str, Any], slot: str, other: str) -> None:
    def count(name: str) -> str:
        row = html[html.index(f'data-slot-id="{world["slots"][name]}"') :]
        found = re.search(r'data-action="slot-comments".*?</span>\s*(\d*)\s*</button>', row, re.S)
        assert found is not None
        return found.group(1)

    assert (count(slot), count(other)) == ("1", "")


@then(parsers.parse('the comment "{text}" is tagged "{slot}"'))
def tagged(html: str, text: str, slot: str) -> None:
    assert f'<span class="tag tag-slot">{slot}</span>' in comment_item(html, text)


@then(parsers.parse('the thread shows "{trace}" instead of "{text}"'))
def trace_shown(html: str, trace: str, text: str) -> None:
    assert trace in comment_item(html, trace) and text not in html


@when(
    parsers.parse('"{email}" searches the audit log for the person "{who}" and the entity "{entity}"'),
    target_fixture="html",
)
def search_audit(client: falcon.testing.TestClient, email: str, who: str, entity: str) -> str:
    page = Browser(client, email).get("/admin/audit", params={"person": who, "entity_type": entity})
    assert page.status_code == 200
    return page.text


@then(parsers.parse('the log shows "{name}" "{label}" with the removed text "{text}"'))
def log_row(html: str, name: str, label: str, text: str) -> None:
    rows = re.findall(r'<tr data-action-name="[\w.]+">.*?</tr>', html, re.S)
    assert len(rows) == 1
    assert name in rows[0] and label in rows[0] and f'<span class="old">{text}</span>' in rows[0]


@then("its CSV export link carries the same filters")
def csv_link(html: str) -> None:
    assert 'href="/admin/audit.csv?person=ada%40bars.fr&amp;entity_type=comment"' in html


@when(parsers.parse('"{email}" keeps only "{kind}" in their notifications'))
def keep_only(client: falcon.testing.TestClient, world: dict[str, Any], email: str, kind: str) -> None:
    browser = Browser(client, email)
    assert browser.send("PATCH", "/api/me", json={"notifications": [kind]}).status_code == 200
    world["browser"] = browser


@then(parsers.parse('their profile page shows only "{kind}" ticked'))
def profile_ticks(world: dict[str, Any], kind: str) -> None:
    html = world["browser"].get("/profile").text
    ticked = re.findall(r'name="notifications" value="(\w+)" data-list checked', html)
    assert ticked == [kind] and len(re.findall(r'name="notifications"', html)) == len(NOTIFICATION_KINDS)
