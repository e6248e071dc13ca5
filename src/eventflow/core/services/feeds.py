"""Calendar feeds: a secret address per person (the nights of their bars, each night's J-7 deadline, their own slots
due) and per bar (its nights and deadlines, for the bar's staff), read by calendar apps without logging in.

Only a hash of an address's secret is looked up. The secret itself is an HMAC, under the server's secret key, of a
random salt kept with the feed: the owner can see their address again, while the database alone holds none that
works. A new address retires the previous one; revoking leaves none. The feed is a read model (``FeedCalendar``);
the web app writes it as iCalendar.

A cancelled night stays in the feed, with its deadline and slots, marked cancelled (RFC 5545 ``STATUS:CANCELLED``,
its sequence bumped by the cancel): a subscribed app then shows it cancelled or removes it, instead of keeping a stale
copy. Restored, it is on again with a higher sequence. Only a deleted night leaves the feed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable

from attrs import define, frozen

from eventflow.core import errors, rules
from eventflow.core.i18n import N_
from eventflow.core.model import Bar, Deliverable, Event, Feed, Language, Status, User
from eventflow.core.ports import Translator, UnitOfWork
from eventflow.core.rich_text import as_text
from eventflow.core.services import Actor, Context, require_admin
from eventflow.core.services.notifications import card_link
from eventflow.core.services.users import token_hash

#: The nights a feed holds, around today.
PAST_DAYS, FUTURE_DAYS = 92, 366
#: Calendar apps need a last-modified instant; a night stored before eventflow kept one has this.
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DEADLINE = N_("J-7: %(event)s")
DEADLINE_TEXT = N_("Everything for “%(event)s” (%(date)s) must be approved today.")
MY_SLOT = N_("Due: %(slot)s — %(event)s")
MY_SLOT_TEXT = N_("“%(slot)s” (%(specs)s) must be approved by today, J-7, for “%(event)s” (%(date)s).")


@frozen
class CalendarItem:
    """One all-day entry; ``uid`` stays the same for the same night, deadline or slot, whatever changes."""

    uid: str
    day: dt.date
    summary: str
    description: str
    url: str | None
    sequence: int
    modified: dt.datetime
    cancelled: bool = False


@frozen
class FeedCalendar:
    name: str
    items: list[CalendarItem]


@define
class FeedService:
    ctx: Context
    base_url: str
    key: Callable[[], str]  # the server's secret key, read when an address is first made or shown

    def create(self, actor: Actor, bar_id: int | None = None) -> str:
        """A new address for the caller's own feed (or, admins, for a bar's); the previous one stops working."""
        owner = self._owner(actor, bar_id)
        salt = secrets.token_hex(16)
        with self.ctx.uow() as uow:
            self._retire(uow, owner, bar_id)
            uow.feeds.add(Feed(token_hash(self._secret(salt)), salt, self.ctx.clock.now(), owner, bar_id))
            uow.commit()
        return self._address(salt)

    def address(self, actor: Actor, bar_id: int | None = None) -> str | None:
        """The current address of the caller's (or a bar's) feed; None when there is none (or the server's key changed
        since it was made: then only a new one works)."""
        owner = self._owner(actor, bar_id)
        with self.ctx.uow(read_only=True) as uow:
            feed = self._current(uow, owner, bar_id)
        if feed is None or token_hash(self._secret(feed.salt)) != feed.secret_hash:
            return None
        return self._address(feed.salt)

    def revoke(self, actor: Actor, bar_id: int | None = None) -> None:
        owner = self._owner(actor, bar_id)
        with self.ctx.uow() as uow:
            self._retire(uow, owner, bar_id)
            uow.commit()

    def calendar(self, secret: str) -> FeedCalendar:
        """What the feed at a secret address holds today; NotFound for an unknown, retired or deactivated one."""
        today = self.ctx.clock.today()
        start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
        with self.ctx.uow(read_only=True) as uow:
            feed = uow.feeds.get_by_hash(token_hash(secret))
            user = uow.users.get(feed.user_id) if feed is not None and feed.user_id is not None else None
            bar = uow.bars.get(feed.bar_id) if feed is not None and feed.bar_id is not None else None
            if bar is not None:
                return self._bar_calendar(uow, bar, start, end)
            if user is not None and user.active:
                return self._user_calendar(uow, user, start, end)
        raise errors.NotFound("calendar feed", "at this address")

    # -- the calendars -------------------------------------------------------------------------------------------
    def _user_calendar(self, uow: UnitOfWork, user: User, start: dt.date, end: dt.date) -> FeedCalendar:
        mine = set(user.my_bar_ids)
        events = [e for e in uow.events.list(start, end) if not mine or mine & set(e.bar_ids)]
        slots = uow.deliverables.list_for_events(e.id for e in events if e.id is not None)
        texts = self.ctx.translations(user.language)
        assigned = [s for s in slots if s.assignee_id == user.id and s.enabled and s.status is not Status.APPROVED]
        items = [*self._nights(uow, events, texts), *self._my_slots(events, assigned, texts)]
        return FeedCalendar(f"eventflow — {user.name}", _in_order(items))

    def _bar_calendar(self, uow: UnitOfWork, bar: Bar, start: dt.date, end: dt.date) -> FeedCalendar:
        nights = self._nights(uow, uow.events.list(start, end, bar.id), self.ctx.translations(Language.FR))
        return FeedCalendar(f"eventflow — {bar.name}", _in_order(nights))

    def _nights(self, uow: UnitOfWork, events: list[Event], texts: Translator) -> list[CalendarItem]:
        """Each night on its date, and its J-7 deadline on its own day."""
        bars = {b.id: b.name for b in uow.bars.list()}
        items = []
        for event in events:
            values = {"event": event.name, "date": texts.format_date(event.date)}
            where = ", ".join(bars[b] for b in event.bar_ids if b in bars)
            deadline = (texts.gettext(DEADLINE) % values, texts.gettext(DEADLINE_TEXT) % values)
            about = "\n\n".join(part for part in (where, as_text(event.brief)) if part)  # the brief, as text
            items.append(self._item(f"event-{event.id}", event, event.date, (event.name, about)))
            items.append(self._item(f"due-{event.id}", event, rules.due_date(event.date), deadline))
        return items

    def _my_slots(self, events: list[Event], slots: Iterable[Deliverable], texts: Translator) -> list[CalendarItem]:
        by_id = {e.id: e for e in events}
        items = []
        for slot in slots:
            event = by_id[slot.event_id]
            values = {"slot": slot.name, "specs": slot.specs or "-", "event": event.name}
            values["date"] = texts.format_date(event.date)
            words = (texts.gettext(MY_SLOT) % values, texts.gettext(MY_SLOT_TEXT) % values)
            items.append(self._item(f"slot-{slot.id}", event, rules.due_date(event.date), words))
        return items

    def _item(self, kind_id: str, event: Event, day: dt.date, words: tuple[str, str]) -> CalendarItem:
        """An entry (summary and description) linking to its night, that changes whenever the night does, cancelled
        with it."""
        modified = event.updated_at or event.created_at or EPOCH
        link = card_link(self.base_url, event.id or 0)
        uid = f"{kind_id}@eventflow"
        return CalendarItem(uid, day, words[0], words[1], link, event.sequence, modified, event.cancelled)

    # -- addresses -----------------------------------------------------------------------------------------------
    def _secret(self, salt: str) -> str:
        mac = hmac.new(self.key().encode(), f"eventflow-feed:{salt}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")

    def _address(self, salt: str) -> str:
        return f"{self.base_url.rstrip('/')}/feeds/{self._secret(salt)}.ics"

    def _owner(self, actor: Actor, bar_id: int | None) -> int | None:
        """The user whose own feed it is (None for a bar's feed, which only admins manage)."""
        if bar_id is not None:
            require_admin(actor)
            return None
        if actor is None or actor.id is None:
            raise errors.InvalidInput("a personal calendar feed belongs to a user: log in first")
        return actor.id

    def _current(self, uow: UnitOfWork, owner: int | None, bar_id: int | None) -> Feed | None:
        if bar_id is not None:
            if uow.bars.get(bar_id) is None:
                raise errors.NotFound("bar", bar_id)
            return uow.feeds.for_bar(bar_id)
        return uow.feeds.for_user(owner or 0)

    def _retire(self, uow: UnitOfWork, owner: int | None, bar_id: int | None) -> None:
        feed = self._current(uow, owner, bar_id)
        if feed is not None and feed.id is not None:
            uow.feeds.delete(feed.id)


def _in_order(items: list[CalendarItem]) -> list[CalendarItem]:
    return sorted(items, key=lambda item: (item.day, item.uid))
