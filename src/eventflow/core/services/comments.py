"""Comments on an event: threads (a reply names its parent), optional link to a slot and anchor in one of its
versions (a page, a moment, a region), @mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from attrs import define

from eventflow.core import errors, rules_review
from eventflow.core.model import Anchor, Comment, User
from eventflow.core.ports import UnitOfWork
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, field_name, record

MAX_COMMENT = 5000
#: What a deleted comment shows in its place, so the thread keeps its shape and everyone sees something was removed.
DELETED_TRACE = "<p><em>message supprimé</em></p>"
_MENTION = re.compile(r"@([\w.+-]+)")


def mentioned_ids(text: str, users: Iterable[User], author_id: int | None = None) -> list[int]:
    """Active users named by an ``@handle`` (name, name part or e-mail local part, any case), author excluded."""
    handles = {m.group(1).rstrip(".").lower() for m in _MENTION.finditer(text)}
    return [u.id for u in users if u.id is not None and u.active and u.id != author_id and handles & u.mention_handles]


def clean_text(ctx: Context, text: str, field: str = "text") -> str:
    """The comment's sanitised text; InvalidInput naming ``field`` when it is empty or too long."""
    body = ctx.sanitize(text or "").strip()
    if not body:
        raise errors.InvalidInput("%(field_name)s must not be empty", field, field_name=field_name(field))
    if len(body) > MAX_COMMENT:
        raise errors.InvalidInput(
            "%(field_name)s is longer than %(max_comment)s characters",
            field,
            field_name=field_name(field),
            max_comment=MAX_COMMENT,
        )
    return body


def write_comment(
    ctx: Context,
    uow: UnitOfWork,
    actor: Actor,
    event_id: int,
    body: str,
    parent_id: int | None = None,
    deliverable_id: int | None = None,
    anchor: Anchor | None = None,
) -> Comment:
    """Store a comment (its text already cleaned) in ``uow``, links and anchor checked, and record it: mentions are
    found, and the activity hooks hear of it, as for any comment."""
    if actor is None or actor.id is None:
        raise errors.NotAuthenticated("a comment needs an author: log in first")
    _check_links(uow, event_id, parent_id, deliverable_id, anchor)
    comment = uow.comments.add(
        Comment(
            event_id=event_id,
            author_id=actor.id,
            text=body,
            created_at=ctx.clock.now(),
            deliverable_id=deliverable_id,
            parent_id=parent_id,
            mention_ids=mentioned_ids(body, uow.users.list(), actor.id),
            anchor=anchor,
        )
    )
    after: dict[str, Any] = {"text": body, "deliverable_id": deliverable_id, "parent_id": parent_id}
    if anchor is not None:
        after["anchor"] = anchor.as_json()
    record(ctx, uow, actor, "comment.added", "comment", comment.id, event_id, after=after)
    return comment


def _check_links(
    uow: UnitOfWork, event_id: int, parent_id: int | None, deliverable_id: int | None, anchor: Anchor | None
) -> None:
    if parent_id is not None:
        parent = uow.comments.get(parent_id)
        if parent is None or parent.event_id != event_id:
            raise errors.InvalidInput(
                "comment %(parent_id)s is not a comment of this event", "parent_id", parent_id=parent_id
            )
    if deliverable_id is not None:
        slot = uow.deliverables.get(deliverable_id)
        if slot is None or slot.event_id != event_id:
            raise errors.InvalidInput(
                "deliverable %(deliverable_id)s is not a slot of this event",
                "deliverable_id",
                deliverable_id=deliverable_id,
            )
    if anchor is not None:
        if deliverable_id is None:
            raise errors.InvalidInput("an anchor points into a deliverable's versions: give deliverable_id", "anchor")
        versions = [a for a in uow.assets.list_for_events([event_id]) if a.deliverable_id == deliverable_id]
        rules_review.check_anchor(anchor, versions)


@define
class CommentService:
    ctx: Context

    @replayed
    def add(
        self,
        actor: Actor,
        event_id: int,
        text: str,
        parent_id: int | None = None,
        deliverable_id: int | None = None,
        anchor: Anchor | None = None,
    ) -> Comment:
        if actor is None or actor.id is None:
            raise errors.NotAuthenticated("a comment needs an author: log in first")
        body = clean_text(self.ctx, text)
        with self.ctx.uow() as uow:
            if uow.events.get(event_id) is None:
                raise errors.NotFound("event", event_id)
            comment = write_comment(self.ctx, uow, actor, event_id, body, parent_id, deliverable_id, anchor)
            uow.commit()
        return comment

    def list(self, event_id: int) -> list[Comment]:
        """An event's comments, oldest first; a deleted one stays as a trace (``deleted_at`` set, text replaced)."""
        with self.ctx.uow(read_only=True) as uow:
            if uow.events.get(event_id) is None:
                raise errors.NotFound("event", event_id)
            return uow.comments.list_for_event(event_id)

    @replayed
    def edit(self, actor: Actor, comment_id: int, text: str) -> Comment:
        """The author rewrites their comment; people newly @mentioned hear of it."""
        body = clean_text(self.ctx, text)
        with self.ctx.uow() as uow:
            comment = self._own(uow, actor, comment_id, "edit")
            before = {"text": comment.text, "mention_ids": comment.mention_ids}
            comment.text, comment.edited_at = body, self.ctx.clock.now()
            comment.mention_ids = mentioned_ids(body, uow.users.list(), comment.author_id)
            uow.comments.update(comment)
            after = {"text": body, "mention_ids": comment.mention_ids}
            record(self.ctx, uow, actor, "comment.edited", "comment", comment_id, comment.event_id, before, after)
            uow.commit()
        return comment

    @replayed
    def delete(self, actor: Actor, comment_id: int) -> Comment:
        """The author (or an admin) removes a comment; a trace stays in the thread and the text in the audit log."""
        with self.ctx.uow() as uow:
            comment = self._own(uow, actor, comment_id, "delete", admin_may=True)
            before = {"text": comment.text}
            comment.text, comment.deleted_at, comment.mention_ids = DELETED_TRACE, self.ctx.clock.now(), []
            uow.comments.update(comment)
            record(self.ctx, uow, actor, "comment.deleted", "comment", comment_id, comment.event_id, before=before)
            uow.commit()
        return comment

    @staticmethod
    def _own(uow: UnitOfWork, actor: Actor, comment_id: int, verb: str, admin_may: bool = False) -> Comment:
        comment = uow.comments.get_for_update(comment_id)
        if comment is None or comment.deleted_at is not None:
            raise errors.NotFound("comment", comment_id)
        if actor is not None and actor.id != comment.author_id and not (admin_may and actor.is_admin):
            raise errors.Forbidden("only its author may %(verb)s this comment", verb=verb)
        return comment
