"""The living spec: features/collab_notifications.feature and collab_comments.feature (one module: they share
their steps), with e-mail through a real SMTP server on localhost.

The outbox is sent before every look at the mailbox, as the web server's worker would do within seconds.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import falcon.testing
import pytest
from attrs import define, field
from pytest_bdd import given, scenarios, then, when

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UserChanges
from eventflow.core.model import Comment, User
from eventflow.core.services.audit import AuditQuery
from eventflow.core.services.events import SlotChange
from eventflow.core.services.notifications import GROUP_WINDOW
from eventflow.entrypoints.web.app import create_app
from tests.bdd.conftest import bar_names, event_id, slots, step
from tests.support import mail, samples
from tests.support.mail import Mailbox, Received

scenarios("collab_notifications.feature", "collab_comments.feature")

BASE_URL = "https://eventflow.bars.fr"


@define
class Inbox:
    """The mailbox seen from a point on (``forget`` moves it), and who the scenario checked since then."""

    services: Services
    mailbox: Mailbox
    start: int = 0
    checked: set[str] = field(factory=set)

    def delivered(self) -> list[Received]:
        self.wait_a_minute()
        return self.mailbox.received[self.start :]

    def wait_a_minute(self) -> None:
        """What the server's sender does within a minute: e-mails about changes wait that long for others."""
        clock = self.services.clock
        assert isinstance(clock, FixedClock)
        clock.advance(seconds=GROUP_WINDOW.total_seconds())
        self.services.outbox.send_due()

    def to(self, user: User, ever: bool = False) -> list[Received]:
        mails = self.mailbox.received if ever else self.delivered()
        return [m for m in mails if user.email in m.rcpt_tos]

    def forget(self) -> None:
        self.wait_a_minute()
        self.start = len(self.mailbox.received)
        self.checked.clear()


mailbox, smtp_server, smtp_url = mail.mailbox, mail.smtp_server, mail.smtp_url


@pytest.fixture
def services(tmp_path: Path, clock: FixedClock, smtp_url: str) -> Services:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_SMTP_URL": smtp_url, "EVENTFLOW_BASE_URL": BASE_URL}
    return bootstrap(Settings.from_env(env), uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))


@pytest.fixture
def inbox(services: Services, mailbox: Mailbox) -> Inbox:
    return Inbox(services, mailbox)


def person(services: Services, name: str) -> User:
    return next(u for u in services.users.list() if u.name == name)


def slot_id(services: Services, event: str, name: str) -> int:
    return slots(services, event, name)[0].id or 0


def last_comment(services: Services) -> Comment:
    every = [c for s in services.events.calendar() for c in services.comments.list(s.event.id or 0)]
    return max(every, key=lambda c: c.id or 0)


def event_named(services: Services, wanted: int) -> str:
    return next(s.event.name for s in services.events.calendar() if s.event.id == wanted)


# -- given -------------------------------------------------------------------------------------------------------
@given(step("the team:"))
def the_team(services: Services, inbox: Inbox, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        who = dict(zip(header, row, strict=True))
        user = services.users.add(None, who["email"], who["name"], role=who["role"], language=who["language"])
        kinds = [k.strip() for k in who["notifications"].split(",") if k.strip()]
        services.users.update(None, user.id or 0, UserChanges(notifications=kinds))
    inbox.forget()


@given(step('"{event}" needs the slot "{name}" made by "{assignee}"'))
def slot_made_by(services: Services, inbox: Inbox, event: str, name: str, assignee: str) -> None:
    services.events.add_slot(None, event_id(services, event), name, assignee_id=person(services, assignee).id)
    inbox.forget()


@given(step('"{name}" of "{event}" is approved'))
def approved(services: Services, inbox: Inbox, name: str, event: str) -> None:
    services.events.update_slot(None, slot_id(services, event, name), SlotChange(status="approved"))
    inbox.forget()  # the approval e-mail is not what the scenario is about


@given(step('"{name}" ({email}) joined the team, keeping the default e-mails'))
def joined(services: Services, inbox: Inbox, name: str, email: str) -> None:
    services.users.add(None, email, name)
    inbox.forget()


@given(step('"{who}" planned the event "{name}" on {day:Date} at {bars}'))
def planned_by(services: Services, inbox: Inbox, who: str, name: str, day: dt.date, bars: str) -> None:
    services.events.create(person(services, who), name, day, bar_names(services, bars))
    inbox.forget()


# -- when --------------------------------------------------------------------------------------------------------
@when(step('"{who}" sends a new version of "{name}" of "{event}"'))
def new_version(services: Services, who: str, name: str, event: str) -> None:
    services.assets.upload_version(
        person(services, who), slot_id(services, event, name), "v.png", io.BytesIO(samples.png())
    )


@when(step('"{who}" sends {count:d} versions of "{name}" of "{event}" within a minute'))
def versions_within_a_minute(
    services: Services, clock: FixedClock, who: str, count: int, name: str, event: str
) -> None:
    for n in range(count):
        upload = io.BytesIO(samples.png())
        services.assets.upload_version(person(services, who), slot_id(services, event, name), f"v{n}.png", upload)
        clock.advance(seconds=5)


@when(step('"{who}" follows "{event}"'))
def follows_night(services: Services, who: str, event: str) -> None:
    services.inbox.follow(person(services, who), event_id(services, event))


@when(step('"{who}" stops following "{event}"'))
def unfollows_night(services: Services, who: str, event: str) -> None:
    services.inbox.follow(person(services, who), event_id(services, event), following=False)


@when(step('"{who}" sends "{name}" of "{event}" to review'))
def to_review(services: Services, who: str, name: str, event: str) -> None:
    services.events.update_slot(person(services, who), slot_id(services, event, name), SlotChange(status="review"))


@given(step('"{who}" commented on "{event}": "{text}"'))
@when(step('"{who}" comments on "{event}": "{text}"'))
def comments(services: Services, who: str, event: str, text: str) -> None:
    services.comments.add(person(services, who), event_id(services, event), text)


@when(step('"{who}" replies about "{name}": "{text}"'))
def replies(services: Services, who: str, name: str, text: str) -> None:
    parent = last_comment(services)
    slot = slot_id(services, event_named(services, parent.event_id), name)
    services.comments.add(person(services, who), parent.event_id, text, parent_id=parent.id, deliverable_id=slot)


@when(step('"{who}" deletes that comment'))
def deletes(services: Services, who: str) -> None:
    services.comments.delete(person(services, who), last_comment(services).id or 0)


@when(step('"{who}" tries to edit that comment'), target_fixture="refusal")
def tries_to_edit(services: Services, who: str) -> errors.EventflowError:
    with pytest.raises(errors.EventflowError) as caught:
        services.comments.edit(person(services, who), last_comment(services).id or 0, "changed")
    return caught.value


@when(step('"{who}" follows the link in her e-mail'), target_fixture="browser")
def follows_link(services: Services, inbox: Inbox, who: str) -> dict[str, object]:
    user = person(services, who)
    mail = inbox.to(user, ever=True)[-1]
    link = re.search(rf"{re.escape(BASE_URL)}/events/(\d+)", mail.part("plain"))
    assert link is not None, mail.part("plain")
    assert f'href="{link.group(0)}"' in mail.part("html")
    client = falcon.testing.TestClient(create_app(services))
    headers = {"Authorization": f"Bearer {services.users.create_token(None, user.email)}"}
    card = client.simulate_get(f"/api/events/{link.group(1)}", headers=headers)
    assert card.status_code == 200
    return {"client": client, "headers": headers, "card": card.json}


@when(step('she approves "{name}" on the card'))
def approves_on_card(browser: dict[str, object], name: str) -> None:
    card: dict[str, list[dict[str, object]]] = browser["card"]  # type: ignore[assignment]
    slot = next(s for s in card["deliverables"] if s["name"] == name)
    client: falcon.testing.TestClient = browser["client"]  # type: ignore[assignment]
    result = client.simulate_patch(
        f"/api/deliverables/{slot['id']}", json={"status": "approved"}, headers=browser["headers"]
    )
    assert result.status_code == 200, result.text


@when(step("the daily digest runs"))
def digest_runs(services: Services) -> None:
    services.digest.run()


@when(step("the daily digest runs again {hours:d} hours later"))
def digest_runs_later(services: Services, clock: FixedClock, hours: int) -> None:
    clock.advance(hours=hours)
    services.digest.run()


# -- then --------------------------------------------------------------------------------------------------------
@then(step('"{who}" gets the e-mail "{subject}"'))
def gets(services: Services, inbox: Inbox, who: str, subject: str) -> None:
    user = person(services, who)
    assert [m.subject for m in inbox.to(user)] == [subject]
    inbox.checked.add(user.email)


@then(step("nobody else gets an e-mail"))
def nobody_else(inbox: Inbox) -> None:
    others = {r for m in inbox.delivered() for r in m.rcpt_tos} - inbox.checked
    assert not others, f"unexpected e-mail to {sorted(others)}"
    inbox.forget()


@then(step('the notifications of "{who}" start with "{text}"'))
def inbox_shows(services: Services, who: str, text: str) -> None:
    assert services.inbox.notifications(person(services, who))[0].text == text


@then(step('"{who}" gets no e-mail'))
def gets_none(services: Services, inbox: Inbox, who: str) -> None:
    assert inbox.to(person(services, who)) == []


@then(step("nobody gets an e-mail"))
def nobody(inbox: Inbox) -> None:
    assert inbox.delivered() == []


@then(step('she sees the card of "{event}" with "{name}" in review'))
def sees_card(browser: dict[str, object], event: str, name: str) -> None:
    card: dict[str, object] = browser["card"]  # type: ignore[assignment]
    assert card["name"] == event
    assert [s["status"] for s in card["deliverables"] if s["name"] == name] == ["review"]  # type: ignore[attr-defined]


@then(step('the e-mail to "{who}" says "{words}"'))
@then(step('the e-mail to "{who}" says:'))
def says(services: Services, inbox: Inbox, who: str, words: str | None = None, docstring: str | None = None) -> None:
    (mail,) = inbox.to(person(services, who))
    expected = words if words is not None else docstring
    assert expected is not None and expected in mail.part("plain"), mail.part("plain")


@then(step('the comment mentions "{first}" and "{second}"'))
def mentions(services: Services, first: str, second: str) -> None:
    expected = sorted(person(services, name).id or 0 for name in (first, second))
    assert sorted(last_comment(services).mention_ids) == expected


@then(step('the thread of "{event}" reads:'))
def thread_reads(services: Services, event: str, datatable: list[list[str]]) -> None:
    comments = services.comments.list(event_id(services, event))
    names = {u.id: u.name for u in services.users.list()}
    texts = {c.id: c.text for c in comments}
    slot_names = {s.id: s.name for s in slots(services, event)}
    shown = [
        [names[c.author_id], c.text, texts.get(c.parent_id, ""), slot_names.get(c.deliverable_id, "")] for c in comments
    ]
    assert shown == datatable[1:]


@then(step('the audit log shows "{who}" deleted the comment "{text}"'))
def audit_shows(services: Services, who: str, text: str) -> None:
    admin = next(u for u in services.users.list() if u.is_admin)
    found = services.audit.search(admin, AuditQuery(action="comment.deleted"))
    assert [(e.actor.name if e.actor else None, (e.entry.before or {}).get("text")) for e in found] == [(who, text)]


@then(step('he is told "{message}"'))
def told(refusal: errors.EventflowError, message: str) -> None:
    assert str(refusal) == message


@then(step('"{who}" has had {count:d} e-mail'))
def has_had(services: Services, inbox: Inbox, who: str, count: int) -> None:
    assert len(inbox.to(person(services, who))) == count
