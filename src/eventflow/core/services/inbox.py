"""A person's own corner: the nights they follow, their in-app notifications, and "my deliverables"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs
from attrs import define, frozen

from eventflow.core import errors, rules
from eventflow.core.i18n import render
from eventflow.core.model import Deliverable, Event, Follow, Notification, Status, User
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, found

#: The inbox shows this many of the latest notifications at most.
INBOX_SIZE = 200


@frozen
class FollowState:
    event_id: int
    following: bool


@frozen
class MyDeliverable:
    """A slot assigned to me on a night to come: when it is due and whether that is already past."""

    event: Event
    slot: Deliverable
    due: dt.date
    late: bool


def _me(actor: Actor) -> User:
    if actor is None or actor.id is None:
        raise errors.NotAuthenticated("only a person follows nights and reads notifications: log in first")
    return actor


@define
class InboxService:
    ctx: Context

    def follow(self, actor: Actor, event_id: int, following: bool = True) -> FollowState:
        """Follow a night (or, with ``following`` False, stop following it): the choice is kept."""
        me = _me(actor)
        try:
            return self._choose(me, event_id, following)
        except errors.Conflict:  # the same person's other request stored a choice first: change that one
            return self._choose(me, event_id, following)

    @replayed
    def _choose(self, me: User, event_id: int, following: bool) -> FollowState:
        with self.ctx.uow() as uow:
            found(uow.events.get(event_id), "event", event_id)
            choice = uow.follows.get(event_id, me.id or 0)
            if choice is None:
                uow.follows.add(Follow(event_id, me.id or 0, following, self.ctx.clock.now()))
            elif choice.following != following:
                choice.following, choice.at = following, self.ctx.clock.now()
                uow.follows.update(choice)
            uow.commit()
        return FollowState(event_id, following)

    def notifications(self, actor: Actor, limit: int = INBOX_SIZE) -> list[Notification]:
        """My latest notifications, newest first, in my language of now (lines older than messages: as written)."""
        me = _me(actor)
        with self.ctx.uow(read_only=True) as uow:
            lines = uow.notifications.list_for_user(me.id or 0, limit)
        texts = self.ctx.translations(me.language)
        return [
            line if line.message is None else attrs.evolve(line, text=render(line.message, texts)[:1000])
            for line in lines
        ]

    def unread(self, actor: Actor) -> int:
        me = _me(actor)
        with self.ctx.uow(read_only=True) as uow:
            return uow.notifications.unread_count(me.id or 0)

    def mark_read(self, actor: Actor, ids: Sequence[int] | None = None) -> int:
        """Mark my notifications read: those of ``ids`` (others' ids are ignored), or all of them; how many were
        unread."""
        me = _me(actor)
        with self.ctx.uow() as uow:
            changed = uow.notifications.mark_read(me.id or 0, self.ctx.clock.now(), ids)
            uow.commit()
        return changed

    def my_deliverables(self, actor: Actor) -> list[MyDeliverable]:
        """The slots assigned to me on nights from today on (not cancelled), not approved yet: late ones first, then
        by due date."""
        me = _me(actor)
        today = self.ctx.clock.today()
        with self.ctx.uow(read_only=True) as uow:
            nights = uow.events.list(start=today, cancelled=False)
            events = {e.id: e for e in nights if e.id is not None and e.archived_at is None}
            slots = uow.deliverables.list_for_events(events)
        mine = [
            MyDeliverable(event, slot, rules.due_date(event.date), rules.is_late(slot, event.date, today))
            for slot in slots
            if slot.assignee_id == me.id and slot.enabled and slot.status is not Status.APPROVED
            for event in [events[slot.event_id]]
        ]
        return sorted(mine, key=lambda d: (not d.late, d.due, d.event.name.lower(), d.slot.id or 0))
