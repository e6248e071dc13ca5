"""CommentService: text rules, threads inside one event, slot links, @mentions."""

from __future__ import annotations

import pytest

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import User


@pytest.fixture
def people(services: Services) -> tuple[User, User]:
    alex = services.users.add(None, "alex.martin@bars.fr", "Alex Martin")
    sam = services.users.add(None, "sam@bars.fr", "Sam Roy")
    return alex, sam


@pytest.fixture
def event_id(services: Services) -> int:
    bar = services.bars.add(None, "Bar A")
    return services.events.create(None, "Night", "2026-12-12", [bar.id or 0]).summary.event.id or 0


def test_a_comment_mentions_users_by_name_or_email_local_part(
    services: Services, people: tuple[User, User], event_id: int
) -> None:
    alex, sam = people
    comment = services.comments.add(sam, event_id, "Ready? @ALEX.MARTIN and @sam, see the poster.")
    assert comment.mention_ids == [alex.id]  # the author is not notified of their own mention


def test_comment_text_is_sanitised_and_required(services: Services, people: tuple[User, User], event_id: int) -> None:
    alex, _ = people
    comment = services.comments.add(alex, event_id, "<script>alert(1)</script><b>ok</b>")
    assert comment.text == "<b>ok</b>"
    with pytest.raises(errors.InvalidInput) as caught:
        services.comments.add(alex, event_id, "<script>x</script>  ")
    assert caught.value.field == "text"


def test_a_reply_must_answer_a_comment_of_the_same_event(
    services: Services, people: tuple[User, User], event_id: int
) -> None:
    alex, sam = people
    first = services.comments.add(alex, event_id, "first")
    reply = services.comments.add(sam, event_id, "reply", parent_id=first.id)
    assert reply.parent_id == first.id
    bar = services.bars.add(None, "Bar B")
    other = services.events.create(None, "Other", "2026-12-13", [bar.id or 0]).summary.event.id or 0
    with pytest.raises(errors.InvalidInput) as caught:
        services.comments.add(sam, other, "lost reply", parent_id=first.id)
    assert caught.value.field == "parent_id"
    assert [c.text for c in services.comments.list(event_id)] == ["first", "reply"]


def test_a_comment_on_a_slot_of_another_event_is_refused(
    services: Services, people: tuple[User, User], event_id: int
) -> None:
    alex, _ = people
    slot = services.events.add_slot(None, event_id, "Banner")
    bar = services.bars.add(None, "Bar B")
    other = services.events.create(None, "Other", "2026-12-13", [bar.id or 0]).summary.event.id or 0
    assert services.comments.add(alex, event_id, "on the banner", deliverable_id=slot.id).deliverable_id == slot.id
    with pytest.raises(errors.InvalidInput):
        services.comments.add(alex, other, "wrong slot", deliverable_id=slot.id)


def test_commenting_on_a_missing_event_is_not_found(services: Services, people: tuple[User, User]) -> None:
    with pytest.raises(errors.NotFound):
        services.comments.add(people[0], 999, "hello")
    with pytest.raises(errors.NotFound):
        services.comments.list(999)
