"""Reviewing a slot through the services: the current version, decisions with reasons, who approved which version,
a second pair of eyes, anchored comments, the review queue's remarks."""

from __future__ import annotations

import io

import pytest
from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import Anchor, Status, User
from eventflow.core.services.events import SlotChange, SlotView
from eventflow.core.services.review import SettingsChange
from tests.support import samples


@frozen
class Team:
    admin: User
    designer: User
    manager: User
    event_id: int
    slot_id: int


@pytest.fixture
def team(services: Services) -> Team:
    admin = services.users.add(None, "ada@bars.fr", "Ada", role="admin")
    designer = services.users.add(None, "max@bars.fr", "Max")
    manager = services.users.add(None, "lea@bars.fr", "Léa")
    bar = services.bars.add(None, "Le Perchoir")
    services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True)
    card = services.events.create(admin, "Soirée Disco", "2026-12-12", [bar.id or 0])
    return Team(admin, designer, manager, card.summary.event.id or 0, card.slots[0].slot.id or 0)


def upload(services: Services, team: Team, pages: int = 2, by: User | None = None) -> int:
    asset = services.assets.upload_version(
        by or team.designer, team.slot_id, "poster.pdf", io.BytesIO(samples.pdf(pages))
    )
    return asset.version or 0


def slot(services: Services, team: Team) -> SlotView:
    return services.events.slot(team.slot_id)


def test_each_upload_becomes_the_current_version(services: Services, team: Team) -> None:
    assert slot(services, team).current is None
    upload(services, team)
    upload(services, team)
    view = slot(services, team)
    assert (view.slot.current_version, view.current.version if view.current else None) == (2, 2)


def test_a_wrong_upload_is_set_aside_by_making_an_older_version_current_and_the_activity_says_so(
    services: Services, team: Team
) -> None:
    upload(services, team)
    upload(services, team)
    services.events.update_slot(team.manager, team.slot_id, SlotChange(current_version=1))
    view = slot(services, team)
    assert view.current is not None and view.current.version == 1
    assert [a.version for a in view.versions] == [1, 2]  # v2 is kept, set aside
    entry = services.events.card(team.event_id).activity[0]
    assert (entry.action, entry.actor_id, entry.before, entry.after) == (
        "slot.updated", team.manager.id, {"current_version": 2}, {"current_version": 1},
    )  # fmt: skip
    upload(services, team)
    assert slot(services, team).slot.current_version == 3  # a new file is the one to look at


def test_a_version_the_slot_does_not_have_cannot_be_made_current(services: Services, team: Team) -> None:
    upload(services, team)
    with pytest.raises(errors.NotFound, match="version 2 of deliverable"):
        services.events.update_slot(team.manager, team.slot_id, SlotChange(current_version=2))
    assert slot(services, team).slot.current_version == 1


def test_approving_records_who_approved_which_version(services: Services, team: Team) -> None:
    upload(services, team)
    upload(services, team)
    services.events.update_slot(team.manager, team.slot_id, SlotChange(status="approved"))
    approved = slot(services, team).slot
    assert (approved.status, approved.approved_version, approved.approved_by) == (Status.APPROVED, 2, team.manager.id)
    entry = services.events.card(team.event_id).activity[0]
    assert (entry.after["status"], entry.after["approved_version"]) == ("approved", 2)  # (+ how it meets its specs)


def test_making_another_version_current_takes_an_approved_slot_back_to_review(services: Services, team: Team) -> None:
    upload(services, team)
    upload(services, team)
    services.events.update_slot(team.manager, team.slot_id, SlotChange(status="approved"))
    services.events.update_slot(team.manager, team.slot_id, SlotChange(current_version=1))
    back = slot(services, team).slot
    assert (back.status, back.approved_version, back.approved_by, back.approved_at) == (Status.REVIEW, None, None, None)


@pytest.mark.parametrize("reason", [None, "", "   ", "<script></script>"])
def test_changes_cannot_be_requested_without_a_reason(services: Services, team: Team, reason: str | None) -> None:
    upload(services, team)
    change = (
        SlotChange(status="changes_requested")
        if reason is None
        else SlotChange(status="changes_requested", reason=reason)
    )
    with pytest.raises(errors.InvalidInput) as refused:
        services.events.update_slot(team.manager, team.slot_id, change)
    assert refused.value.field == "reason"
    assert slot(services, team).slot.status is Status.REVIEW
    assert services.comments.list(team.event_id) == []


def test_a_reason_goes_with_changes_requested_only(services: Services, team: Team) -> None:
    with pytest.raises(errors.InvalidInput, match="a reason goes with the status changes_requested only"):
        services.events.update_slot(team.manager, team.slot_id, SlotChange(status="approved", reason="Bravo"))


def test_the_reason_becomes_a_comment_on_the_current_version_with_its_mentions(services: Services, team: Team) -> None:
    upload(services, team)
    upload(services, team)
    services.events.update_slot(team.manager, team.slot_id, SlotChange(current_version=1))
    change = SlotChange(status="changes_requested", reason="@max le logo est trop petit")
    services.events.update_slot(team.manager, team.slot_id, change)
    (remark,) = services.comments.list(team.event_id)
    assert (remark.text, remark.author_id, remark.deliverable_id) == (
        "@max le logo est trop petit", team.manager.id, team.slot_id,
    )  # fmt: skip
    assert remark.anchor == Anchor(1)
    assert remark.mention_ids == [team.designer.id]
    actions = [a.action for a in services.events.card(team.event_id).activity[:2]]
    assert actions == ["comment.added", "slot.updated"]


def test_with_a_second_pair_of_eyes_the_uploader_cannot_approve_but_someone_else_can(
    services: Services, team: Team
) -> None:
    upload(services, team, by=team.manager)
    services.events.update_slot(team.manager, team.slot_id, SlotChange(status="approved"))  # off by default
    upload(services, team, by=team.manager)
    services.review.change_settings(team.admin, SettingsChange(second_pair_of_eyes=True))
    with pytest.raises(errors.Forbidden, match="you uploaded v2"):
        services.events.update_slot(team.manager, team.slot_id, SlotChange(status="approved"))
    assert slot(services, team).slot.status is Status.REVIEW
    services.events.update_slot(team.designer, team.slot_id, SlotChange(status="approved"))
    assert slot(services, team).slot.approved_by == team.designer.id


def test_only_an_admin_changes_the_settings_and_the_change_is_recorded(services: Services, team: Team) -> None:
    assert services.review.settings().second_pair_of_eyes is False
    with pytest.raises(errors.Forbidden):
        services.review.change_settings(team.manager, SettingsChange(second_pair_of_eyes=True))
    assert services.review.change_settings(team.admin, SettingsChange(second_pair_of_eyes=True)).second_pair_of_eyes
    assert services.review.settings().second_pair_of_eyes is True
    with services.uow(read_only=True) as uow:
        entry = uow.activity.list(action="settings.updated")[0]
    assert (entry.actor_id, entry.before, entry.after) == (
        team.admin.id, {"second_pair_of_eyes": False}, {"second_pair_of_eyes": True},
    )  # fmt: skip


def test_a_comment_anchored_to_a_page_is_kept_and_a_page_past_the_end_is_refused(
    services: Services, team: Team
) -> None:
    upload(services, team, pages=3)
    kept = services.comments.add(team.manager, team.event_id, "Page 3 : la date", deliverable_id=team.slot_id,
                                 anchor=Anchor(1, page=3))  # fmt: skip
    assert services.comments.list(team.event_id)[0].anchor == kept.anchor == Anchor(1, page=3)
    with pytest.raises(errors.InvalidInput, match="v1 has pages 1 to 3, not 4"):
        services.comments.add(team.manager, team.event_id, "?", deliverable_id=team.slot_id, anchor=Anchor(1, page=4))
    with pytest.raises(errors.InvalidInput, match="give deliverable_id"):
        services.comments.add(team.manager, team.event_id, "?", anchor=Anchor(1))


def test_the_review_queue_counts_the_remarks_on_each_current_version(services: Services, team: Team) -> None:
    upload(services, team)
    services.comments.add(team.manager, team.event_id, "Titre ?", deliverable_id=team.slot_id, anchor=Anchor(1))
    upload(services, team)
    services.comments.add(team.manager, team.event_id, "Mieux", deliverable_id=team.slot_id, anchor=Anchor(2, page=1))
    services.comments.add(team.manager, team.event_id, "Et le logo ?", deliverable_id=team.slot_id)
    (item,) = services.events.review_queue()
    assert (item.view.slot.id, item.view.current.version if item.view.current else None, item.remarks) == (
        team.slot_id, 2, 2,
    )  # fmt: skip
