"""Which webhook event a recorded change stands for, the most specific first, and which one each webhook hears."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eventflow.core.model import Activity
from eventflow.core.rules_webhooks import chosen_event, names_for

NOW = dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC)


def entry(action: str, before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> Activity:
    return Activity(action=action, entity_type="x", entity_id=1, at=NOW, before=before, after=after)


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (entry("event.created"), ["event.created"]),
        (entry("event.updated", {"date": "2026-12-12"}, {"date": "2026-12-13"}), ["event.moved", "event.updated"]),
        (entry("event.updated", {"name": "A"}, {"name": "B"}), ["event.updated"]),
        (entry("event.deleted"), ["event.deleted"]),
        (entry("slot.updated", {"status": "review"}, {"status": "approved"}),
         ["deliverable.approved", "deliverable.status_changed"]),
        (entry("slot.updated", {"status": "todo"}, {"status": "in_progress"}), ["deliverable.status_changed"]),
        (entry("slot.updated", {"assignee_id": None}, {"assignee_id": 2}), []),
        (entry("asset.version_added", {"status": "approved"}, {"version": 2, "status": "review"}),
         ["version.uploaded", "deliverable.status_changed"]),
        (entry("asset.version_added", {"status": "review"}, {"version": 3, "status": "review"}), ["version.uploaded"]),
        (entry("comment.added"), ["comment.added"]),
        (entry("comment.edited"), []),
        (entry("user.created"), []),
    ],
)  # fmt: skip
def test_each_change_stands_for_its_webhook_events_most_specific_first(change: Activity, names: list[str]) -> None:
    assert names_for(change) == names


def test_a_webhook_hears_the_most_specific_event_it_subscribed_to_or_nothing() -> None:
    approval = ["deliverable.approved", "deliverable.status_changed"]
    assert chosen_event(["deliverable.status_changed", "deliverable.approved"], approval) == "deliverable.approved"
    assert chosen_event(["deliverable.status_changed"], approval) == "deliverable.status_changed"
    assert chosen_event(["comment.added"], approval) is None
