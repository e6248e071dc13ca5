"""Who follows a night: whoever planned it, is assigned to one of its slots, uploaded to it or commented on it,
unless they chose to stop following it; and whoever chose to follow it."""

from __future__ import annotations

from collections.abc import Iterable

from eventflow.core.model import Asset, Comment, Deliverable, Event, Follow


def concerned(
    event: Event, slots: Iterable[Deliverable], assets: Iterable[Asset], comments: Iterable[Comment]
) -> set[int]:
    """The people a night concerns by what they did on it: its creator, assignees, uploaders and commenters."""
    people = {event.created_by, *(s.assignee_id for s in slots), *(a.uploaded_by for a in assets)}
    people |= {c.author_id for c in comments if c.deleted_at is None}
    return {person for person in people if person is not None}


def followers(
    event: Event,
    slots: Iterable[Deliverable],
    assets: Iterable[Asset],
    comments: Iterable[Comment],
    follows: Iterable[Follow],
) -> set[int]:
    """Those concerned who did not stop following the night, and those who chose to follow it."""
    chosen = {f.user_id: f.following for f in follows}
    implied = {person for person in concerned(event, slots, assets, comments) if chosen.get(person, True)}
    return implied | {person for person, following in chosen.items() if following}
