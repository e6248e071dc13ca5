"""Comments on an event: threads (a reply names its parent), optional link to a slot, @mentions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from attrs import define

from eventflow.core import errors
from eventflow.core.model import Comment, User
from eventflow.core.ports import UnitOfWork
from eventflow.core.services import Actor, Context, record

MAX_COMMENT = 5000
_MENTION = re.compile(r"@([\w.+-]+)")


def mentioned_ids(text: str, users: Iterable[User], author_id: int | None = None) -> list[int]:
    """Active users named by an ``@handle`` (name, name part or e-mail local part, any case), author excluded."""
    handles = {m.group(1).rstrip(".").lower() for m in _MENTION.finditer(text)}
    return [u.id for u in users if u.id is not None and u.active and u.id != author_id and handles & u.mention_handles]


@define
class CommentService:
    ctx: Context

    def add(
        self,
        actor: Actor,
        event_id: int,
        text: str,
        parent_id: int | None = None,
        deliverable_id: int | None = None,
    ) -> Comment:
        if actor is None or actor.id is None:
            raise errors.NotAuthenticated("a comment needs an author: log in first")
        body = self._text(text)
        with self.ctx.uow() as uow:
            if uow.events.get(event_id) is None:
                raise errors.NotFound("event", event_id)
            self._check_links(uow, event_id, parent_id, deliverable_id)
            comment = uow.comments.add(
                Comment(
                    event_id=event_id,
                    author_id=actor.id,
                    text=body,
                    created_at=self.ctx.clock.now(),
                    deliverable_id=deliverable_id,
                    parent_id=parent_id,
                    mention_ids=mentioned_ids(body, uow.users.list(), actor.id),
                )
            )
            record(
                self.ctx,
                uow,
                actor,
                "comment.added",
                "comment",
                comment.id,
                event_id,
                after={"text": body, "deliverable_id": deliverable_id, "parent_id": parent_id},
            )
            uow.commit()
        return comment

    def list(self, event_id: int) -> list[Comment]:
        """An event's comments, oldest first (deleted ones left out)."""
        with self.ctx.uow() as uow:
            if uow.events.get(event_id) is None:
                raise errors.NotFound("event", event_id)
            return [c for c in uow.comments.list_for_event(event_id) if c.deleted_at is None]

    def _text(self, text: str) -> str:
        body = self.ctx.sanitize(text or "").strip()
        if not body:
            raise errors.InvalidInput("text must not be empty", "text")
        if len(body) > MAX_COMMENT:
            raise errors.InvalidInput(f"text is longer than {MAX_COMMENT} characters", "text")
        return body

    @staticmethod
    def _check_links(uow: UnitOfWork, event_id: int, parent_id: int | None, deliverable_id: int | None) -> None:
        if parent_id is not None:
            parent = uow.comments.get(parent_id)
            if parent is None or parent.event_id != event_id:
                raise errors.InvalidInput(f"comment {parent_id} is not a comment of this event", "parent_id")
        if deliverable_id is not None:
            slot = uow.deliverables.get(deliverable_id)
            if slot is None or slot.event_id != event_id:
                raise errors.InvalidInput(f"deliverable {deliverable_id} is not a slot of this event", "deliverable_id")
