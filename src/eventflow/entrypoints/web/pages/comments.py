"""The event card's conversation: comments in thread order (replies under their parent) with @mentions marked."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from attrs import frozen
from markupsafe import Markup

from eventflow.core.model import Comment, User
from eventflow.core.services.comments import mentioned_ids

#: Replies deeper than this are drawn at this depth, so a long exchange stays readable on a phone.
MAX_DEPTH = 3
_TAG_OR_MENTION = re.compile(r"(<[^>]*>)|@[\w.+-]+")


@frozen
class ThreadItem:
    comment: Comment
    depth: int
    html: Markup  # the core sanitised the text; mentions of real users are wrapped in a <span class="mention">


def thread(comments: Sequence[Comment], users: Iterable[User]) -> list[ThreadItem]:
    """Top-level comments oldest first, each followed by its replies (depth-first), mentions highlighted."""
    people = list(users)
    replies: dict[int | None, list[Comment]] = defaultdict(list)
    known = {c.id for c in comments}
    for comment in comments:
        replies[comment.parent_id if comment.parent_id in known else None].append(comment)
    items: list[ThreadItem] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for comment in replies[parent_id]:
            items.append(ThreadItem(comment, min(depth, MAX_DEPTH), highlight_mentions(comment.text, people)))
            walk(comment.id, depth + 1)

    walk(None, 0)
    return items


def highlight_mentions(html: str, users: Sequence[User]) -> Markup:
    """Wrap each ``@handle`` naming an active user (the core's own matching), outside tags, in a mention span."""

    def mark(match: re.Match[str]) -> str:
        if match.group(1) or not mentioned_ids(match.group(0), users):
            return match.group(0)
        return f'<span class="mention">{match.group(0)}</span>'

    return Markup(_TAG_OR_MENTION.sub(mark, html))  # the core sanitised the text before storing it
