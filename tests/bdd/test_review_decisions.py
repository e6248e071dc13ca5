"""The living spec: features/review_decisions.feature, on the services (memory fakes)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pytest_bdd import given, scenarios, then, when

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import User
from eventflow.core.services.events import SlotChange, SlotView
from eventflow.core.services.review import SettingsChange
from tests.bdd.conftest import event_id, slots, step
from tests.support import samples

scenarios("review_decisions.feature")


def person(services: Services, name: str) -> User:
    return next(u for u in services.users.list() if u.name == name)


def slot_view(services: Services, name: str, event: str) -> SlotView:
    (slot,) = slots(services, event, name)
    return services.events.slot(slot.id or 0)


def attempt(world: dict[str, Any], action: Callable[[], object]) -> None:
    """Run a user's action; what refused it is remembered for the ``then`` steps."""
    try:
        action()
    except errors.EventflowError as refusal:
        world["refusal"] = refusal


# -- given -------------------------------------------------------------------------------------------------------
@given(step("the team:"))
def the_team(services: Services, datatable: list[list[str]]) -> None:
    header, *rows = datatable
    for row in rows:
        who = dict(zip(header, row, strict=True))
        services.users.add(None, who["email"], who["name"], role=who["role"])


@given(step('"{who}" has sent {count:d} versions of the "{name}" of "{event}"'))
def sent_versions(services: Services, who: str, count: int, name: str, event: str) -> None:
    (slot,) = slots(services, event, name)
    for number in range(1, count + 1):
        data = io.BytesIO(samples.pdf())
        services.assets.upload_version(person(services, who), slot.id or 0, f"{name} v{number}.pdf", data)


@given(step('"{who}" requires a second pair of eyes'))
def requires_second_look(services: Services, who: str) -> None:
    services.review.change_settings(person(services, who), SettingsChange(second_pair_of_eyes=True))


# -- when --------------------------------------------------------------------------------------------------------
def decide(services: Services, world: dict[str, Any], who: str, name: str, event: str, change: SlotChange) -> None:
    (slot,) = slots(services, event, name)
    attempt(world, lambda: services.events.update_slot(person(services, who), slot.id or 0, change))


@when(step('"{who}" requests changes to the "{name}" of "{event}" without saying why'))
def request_changes_without_reason(services: Services, world: dict[str, Any], who: str, name: str, event: str) -> None:
    decide(services, world, who, name, event, SlotChange(status="changes_requested"))


@when(step('"{who}" requests changes to the "{name}" of "{event}": "{reason}"'))
def request_changes(services: Services, world: dict[str, Any], who: str, name: str, event: str, reason: str) -> None:
    decide(services, world, who, name, event, SlotChange(status="changes_requested", reason=reason))


@when(step('"{who}" approves the "{name}" of "{event}"'))
def approve(services: Services, world: dict[str, Any], who: str, name: str, event: str) -> None:
    decide(services, world, who, name, event, SlotChange(status="approved"))


@when(step('"{who}" makes v{number:d} of the "{name}" of "{event}" current'))
def make_current(services: Services, world: dict[str, Any], who: str, number: int, name: str, event: str) -> None:
    decide(services, world, who, name, event, SlotChange(current_version=number))


@when(step('"{who}" tries to require a second pair of eyes'))
def try_requiring(services: Services, world: dict[str, Any], who: str) -> None:
    change = SettingsChange(second_pair_of_eyes=True)
    attempt(world, lambda: services.review.change_settings(person(services, who), change))


# -- then --------------------------------------------------------------------------------------------------------
@then(step('she is asked for the reason: "{message}"'))
def asked_for_reason(world: dict[str, Any], message: str) -> None:
    refusal = world["refusal"]
    assert isinstance(refusal, errors.InvalidInput) and (refusal.field, str(refusal)) == ("reason", message)


@then(step('he is refused: "{message}"'))
@then(step('she is refused: "{message}"'))
def refused(world: dict[str, Any], message: str) -> None:
    refusal = world.pop("refusal")
    assert isinstance(refusal, errors.Forbidden) and str(refusal) == message


@then(step('nobody has commented on "{event}"'))
def no_comment(services: Services, event: str) -> None:
    assert services.comments.list(event_id(services, event)) == []


@then(step('the conversation of "{event}" reads:'))
def conversation(services: Services, event: str, datatable: list[list[str]]) -> None:
    names = {u.id: u.name for u in services.users.list()}
    card = services.events.card(event_id(services, event))
    slot_names = {v.slot.id: v.slot.name for v in card.slots}
    shown = [
        [names[c.author_id], c.text, slot_names.get(c.deliverable_id, ""), f"v{c.anchor.version}" if c.anchor else ""]
        for c in card.comments
    ]
    assert shown == datatable[1:]


@then(step('the comment mentions "{who}"'))
def mentions(services: Services, who: str) -> None:
    (event,) = services.events.calendar()
    (comment,) = services.comments.list(event.event.id or 0)
    assert comment.mention_ids == [person(services, who).id]


@then(step('the current version of the "{name}" of "{event}" is v{number:d}, of versions v1 and v2'))
def current_is(services: Services, name: str, event: str, number: int) -> None:
    view = slot_view(services, name, event)
    assert view.current is not None and view.current.version == number
    assert [a.version for a in view.versions] == [1, 2]


@then(step('the activity of "{event}" says "{who}" made v{new:d} current instead of v{old:d}'))
def activity_says(services: Services, event: str, who: str, new: int, old: int) -> None:
    latest = services.events.card(event_id(services, event)).activity[0]
    assert (latest.actor_id, latest.before, latest.after) == (
        person(services, who).id, {"current_version": old}, {"current_version": new},
    )  # fmt: skip


@then(step('the "{name}" of "{event}" is approved by "{who}" at v{number:d}'))
def approved_by(services: Services, name: str, event: str, who: str, number: int) -> None:
    slot = slot_view(services, name, event).slot
    approver = person(services, who).id
    assert (slot.status.value, slot.approved_by, slot.approved_version) == ("approved", approver, number)


@then(step("no second pair of eyes is required"))
def not_required(services: Services) -> None:
    assert services.review.settings().second_pair_of_eyes is False
