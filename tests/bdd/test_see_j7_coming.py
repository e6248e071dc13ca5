"""The living spec of features/j7_reminders.feature, calendar_feeds.feature and outgoing_webhooks.feature (one module:
they share the team and the night), on the memory fakes, with e-mail through a real SMTP server, calendar apps that
read the feed over HTTP and parse it with ``icalendar``, and a real HTTP webhook receiver, all on localhost.

The outbox and the webhook deliveries are sent before every look, as the web server's worker does within seconds.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import falcon.testing
import icalendar
import pytest
from attrs import define, field
from pytest_bdd import given, scenarios, then, when

from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges, UserChanges
from eventflow.core.model import NOTIFICATION_KINDS, User
from eventflow.core.services.events import SlotChange
from eventflow.entrypoints.web.app import create_app
from tests.bdd.conftest import PASSWORD, bar_names, event_id, slots, step
from tests.support import mail, webhooks
from tests.support.mail import Mailbox, Received
from tests.support.receiver import Receiver, signature_is_valid

scenarios("j7_reminders.feature", "calendar_feeds.feature", "outgoing_webhooks.feature")

BASE_URL = "https://eventflow.bars.fr"
SECRET = "the-secret-shared-with-the-receiver"


@define
class Inbox:
    """The mailbox seen from a point on (``forget`` moves it), and who the scenario checked since then."""

    services: Services
    mailbox: Mailbox
    start: int = 0
    checked: set[str] = field(factory=set)

    def delivered(self) -> list[Received]:
        self.services.outbox.send_due()
        return self.mailbox.received[self.start :]

    def to(self, user: User) -> list[Received]:
        return [m for m in self.delivered() if user.email in m.rcpt_tos]

    def forget(self) -> None:
        self.services.outbox.send_due()
        self.start = len(self.mailbox.received)
        self.checked.clear()


mailbox, smtp_server, smtp_url = mail.mailbox, mail.smtp_server, mail.smtp_url


@pytest.fixture
def services(tmp_path: Path, clock: FixedClock, smtp_url: str) -> Services:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path / "data"), "EVENTFLOW_SMTP_URL": smtp_url, "EVENTFLOW_BASE_URL": BASE_URL}
    env["EVENTFLOW_MAIL_GROUP_SECONDS"] = "0"  # each e-mail at once: the scenarios read the reminders alone
    return bootstrap(Settings.from_env(env), uow=memory_uow_factory(), clock=clock, hasher=Argon2Hasher(fast=True))


@pytest.fixture
def inbox(services: Services, mailbox: Mailbox) -> Inbox:
    return Inbox(services, mailbox)


receiver = webhooks.receiver


@pytest.fixture
def calendar_app() -> dict[str, Any]:
    """What the scenario's calendar app subscribed to, and what it read first."""
    return {}


def person(services: Services, name: str) -> User:
    return next(u for u in services.users.list() if u.name == name)


def slot_id(services: Services, event: str, name: str) -> int:
    return slots(services, event, name)[0].id or 0


def api_as(services: Services, who: str) -> tuple[falcon.testing.TestClient, dict[str, str]]:
    token = services.users.create_token(None, person(services, who).email)
    return falcon.testing.TestClient(create_app(services)), {"Authorization": f"Bearer {token}"}


def read_calendar(services: Services, path: str) -> falcon.testing.Result:
    """A calendar app's GET: the secret address alone, no cookie, no token."""
    return falcon.testing.TestClient(create_app(services)).simulate_get(path)


def entries(result: falcon.testing.Result) -> list[icalendar.Event]:
    assert result.status_code == 200, result.text
    return list(icalendar.Calendar.from_ical(result.content).walk("VEVENT"))


# -- given -------------------------------------------------------------------------------------------------------
@given(step("the team:"))
def the_team(services: Services, inbox: Inbox, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        who = dict(zip(header, row, strict=True))
        user = services.users.add(None, who["email"], who["name"], language=who["language"], password=PASSWORD)
        kinds = [k for k in NOTIFICATION_KINDS if k != "reminders" or who["reminders"] == "on"]
        bars = bar_names(services, ", ".join(f'"{b.strip()}"' for b in who.get("bars", "").split(",") if b.strip()))
        services.users.update(None, user.id or 0, UserChanges(notifications=kinds, my_bar_ids=bars))
    inbox.forget()


@given(step('"{who}" plans the event "{name}" on {day:Date} at {bars}'))
def plans(services: Services, who: str, name: str, day: dt.date, bars: str) -> None:
    services.events.create(person(services, who), name, day, bar_names(services, bars))


@given(step('"{event}" needs the slot "{name}" made by "{assignee}"'))
def slot_made_by(services: Services, inbox: Inbox, event: str, name: str, assignee: str) -> None:
    services.events.add_slot(None, event_id(services, event), name, assignee_id=person(services, assignee).id)
    inbox.forget()


@given(step('"{event}" needs the slot "{name}" made by nobody'))
def slot_for_nobody(services: Services, event: str, name: str) -> None:
    services.events.add_slot(None, event_id(services, event), name)


@given(step('"{name}" of "{event}" is approved'))
def approved(services: Services, inbox: Inbox, name: str, event: str) -> None:
    services.events.update_slot(None, slot_id(services, event, name), SlotChange(status="approved"))
    inbox.forget()


@given(step('"{who}" commented on "{event}": "{text}"'))
def commented(services: Services, inbox: Inbox, who: str, event: str, text: str) -> None:
    services.comments.add(person(services, who), event_id(services, event), text)
    inbox.forget()  # the night's followers heard of the comment: not what the scenario is about


@when(step('"{who}" comments on "{event}": "{text}"'))
def comments(services: Services, who: str, event: str, text: str) -> None:
    services.comments.add(person(services, who), event_id(services, event), text)


@given(step('a webhook receiver listens for "{name}"'))
def receiver_listens(services: Services, receiver: Receiver, name: str) -> None:
    services.webhooks.add(None, f"{receiver.url}/eventflow", SECRET, [name])


@given(step('a Slack webhook listens for "{name}"'))
def slack_listens(services: Services, receiver: Receiver, name: str) -> None:
    services.webhooks.add(None, f"{receiver.url}/services/T0/B0/slack", SECRET, [name], "slack")


@given(step("the receiver is down"))
def receiver_down(receiver: Receiver) -> None:
    receiver.answers = [503]


# -- when --------------------------------------------------------------------------------------------------------
@when(step("the reminders run"))
def reminders_run(services: Services) -> None:
    services.reminders.run()


@when(step("the reminders run again {hours:d} hours later"))
def reminders_run_later(services: Services, clock: FixedClock, hours: int) -> None:
    clock.advance(hours=hours)
    services.reminders.run()


@given(step('"{who}" subscribed her calendar app to her address'))
@when(step('"{who}" subscribes her calendar app to her address'))
def subscribes(services: Services, calendar_app: dict[str, Any], who: str) -> None:
    client, headers = api_as(services, who)
    made = client.simulate_post("/api/me/feed", headers=headers)
    assert made.status_code == 201, made.text
    calendar_app["path"] = made.json["url"].removeprefix(BASE_URL)
    calendar_app["first"] = entries(read_calendar(services, calendar_app["path"]))


@when(step('"{who}" makes a new calendar address'))
def new_address(services: Services, calendar_app: dict[str, Any], who: str) -> None:
    client, headers = api_as(services, who)
    calendar_app["new"] = client.simulate_post("/api/me/feed", headers=headers).json["url"].removeprefix(BASE_URL)


@when(step('"{event}" moves to {day:Date}'))
def moves(services: Services, clock: FixedClock, event: str, day: dt.date) -> None:
    clock.advance(hours=2)
    services.events.update(None, event_id(services, event), EventChanges(date=day))


@when(step('"{who}" approves "{name}" of "{event}"'))
def approves(services: Services, who: str, name: str, event: str) -> None:
    services.events.update_slot(person(services, who), slot_id(services, event, name), SlotChange(status="approved"))


@when(step("the receiver is back a minute later"))
def receiver_back(clock: FixedClock) -> None:
    clock.advance(minutes=1)


# -- then: e-mail ------------------------------------------------------------------------------------------------
@then(step('"{who}" gets the e-mail "{subject}"'))
def gets(services: Services, inbox: Inbox, who: str, subject: str) -> None:
    user = person(services, who)
    assert [m.subject for m in inbox.to(user)] == [subject]
    inbox.checked.add(user.email)


@then(step('the e-mail to "{who}" says "{words}"'))
def says(services: Services, inbox: Inbox, who: str, words: str) -> None:
    (mail,) = inbox.to(person(services, who))
    assert words in mail.part("plain"), mail.part("plain")


@then(step("nobody else gets an e-mail"))
def nobody_else(inbox: Inbox) -> None:
    others = {r for m in inbox.delivered() for r in m.rcpt_tos} - inbox.checked
    assert not others, f"unexpected e-mail to {sorted(others)}"


@then(step("nobody gets an e-mail"))
def nobody(inbox: Inbox) -> None:
    assert inbox.delivered() == []


@then(step('"{who}" has had {count:d} e-mail'))
def has_had(services: Services, inbox: Inbox, who: str, count: int) -> None:
    assert len(inbox.to(person(services, who))) == count


# -- then: the calendar app --------------------------------------------------------------------------------------
@then(step("her calendar app shows these all-day entries:"))
def shows_entries(calendar_app: dict[str, Any], datatable: list[list[str]]) -> None:
    shown = []
    for entry in calendar_app["first"]:
        start, end = entry.decoded("dtstart"), entry.decoded("dtend")
        assert not isinstance(start, dt.datetime) and end == start + dt.timedelta(days=1)  # a whole day, no hour
        shown.append([start.isoformat(), str(entry["summary"])])
    assert sorted(shown) == sorted(datatable[1:])


@then(step('her calendar app shows "{event}" on {day:Date} as a newer version of the same entry'))
def shows_moved(services: Services, calendar_app: dict[str, Any], event: str, day: dt.date) -> None:
    before = next(e for e in calendar_app["first"] if str(e["summary"]) == event)
    now = next(e for e in entries(read_calendar(services, calendar_app["path"])) if e["uid"] == before["uid"])
    assert now.decoded("dtstart") == day
    assert now["sequence"] > before["sequence"] and now.decoded("last-modified") > before.decoded("last-modified")


@then(step("her calendar app can no longer read the old address"))
def old_address_gone(services: Services, calendar_app: dict[str, Any]) -> None:
    assert read_calendar(services, calendar_app["path"]).status_code == 404
    assert read_calendar(services, calendar_app["new"]).status_code == 200


# -- then: the webhook receiver ----------------------------------------------------------------------------------
def delivered(services: Services, receiver: Receiver) -> list[Any]:
    services.webhooks.deliver_due()
    return [d.json() for d in receiver.accepted]


@then(step('the receiver gets a "{name}" payload about "{slot}" of "{event}"'))
def payload_about_slot(services: Services, receiver: Receiver, name: str, slot: str, event: str) -> None:
    (payload,) = delivered(services, receiver)
    assert (payload["type"], payload["deliverable"]["name"], payload["event"]["name"]) == (name, slot, event)


@then(step('the receiver gets a "{name}" payload about "{event}"'))
def payload_about_event(services: Services, receiver: Receiver, name: str, event: str) -> None:
    (payload,) = delivered(services, receiver)
    assert (payload["type"], payload["event"]["name"]) == (name, event)


@then(step("the receiver has nothing yet"))
def nothing_yet(services: Services, receiver: Receiver) -> None:
    assert delivered(services, receiver) == []


@then(step("the receiver finds the signature valid with the shared secret"))
def signature_valid(receiver: Receiver, clock: FixedClock) -> None:
    (got,) = receiver.accepted
    assert signature_is_valid(SECRET, got.headers, got.body, clock.now().timestamp())


@then(step('the Slack channel reads "{text}"'))
def slack_reads(services: Services, receiver: Receiver, text: str) -> None:
    (message,) = delivered(services, receiver)
    assert message["text"].startswith(f"{text} <{BASE_URL}/events/") and message["text"].endswith("|Ouvrir la fiche>")
