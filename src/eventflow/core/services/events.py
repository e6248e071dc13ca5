"""Events and their deliverable slots: planning, the J-7 picture, review queue, matrix, compliance."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Protocol

from attrs import define, evolve, field, frozen

from eventflow.core import errors, rules, rules_review
from eventflow.core.commands import UNCHANGED, EventChanges, Unchanged, given
from eventflow.core.model import (
    Activity,
    Anchor,
    Asset,
    Bar,
    Comment,
    Deliverable,
    Event,
    Health,
    Status,
    StorageTier,
    TeamSettings,
    ThemePeriod,
    User,
)
from eventflow.core.ports import UnitOfWork
from eventflow.core.replay import replayed
from eventflow.core.rules_follow import followers
from eventflow.core.rules_risk import NOTHING_LEFT, NightForecast, RiskModel
from eventflow.core.services import (
    Actor,
    Context,
    actor_id,
    changes,
    found,
    record,
    require_admin,
    require_text,
)
from eventflow.core.services.comments import clean_text, write_comment
from eventflow.core.services.forecast import Forecaster

RICH_FIELDS = ("brief", "notes")


#: Dates eventflow plans with (the same years as monthly themes); far-off years would overflow date arithmetic.
YEARS = range(2000, 2101)


def parse_date(value: object, field: str = "date") -> dt.date:
    if isinstance(value, dt.date):
        date = value
    else:
        try:
            date = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise errors.InvalidInput(
                "%(value)r is not a date; write it YYYY-MM-DD, e.g. 2026-12-31", field, value=str(value)
            ) from None
    if date.year not in YEARS:
        raise errors.InvalidInput(
            "%(field_name)s must be between %(years)s and %(years2)s, not %(value)s",
            field,
            field_name=field,
            years=YEARS[0],
            years2=YEARS[-1],
            value=date.isoformat(),
        )
    return date


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        allowed = ", ".join(s.value for s in Status)
        raise errors.InvalidInput(
            "status must be one of %(allowed)s, not %(value)r", "status", allowed=allowed, value=value
        ) from None


def _status(value: Status | str | Unchanged) -> Status | Unchanged:
    return value if isinstance(value, Unchanged) else parse_status(value)


@frozen
class SlotChange:
    """What to change in a slot: the fields given, each checked when applied; the others stay ``UNCHANGED``."""

    status: Status | Unchanged = field(default=UNCHANGED, converter=_status)
    #: Why changes are requested (required with ``changes_requested``): a comment on the current version.
    reason: str | Unchanged = UNCHANGED
    assignee_id: int | Unchanged | None = UNCHANGED
    enabled: bool | Unchanged = UNCHANGED
    specs: str | Unchanged = UNCHANGED
    name: str | Unchanged = UNCHANGED
    #: The version under review and on the screens; the others stay, set aside.
    current_version: int | Unchanged = UNCHANGED


@frozen
class SlotView:
    slot: Deliverable
    late: bool
    due: dt.date
    versions: list[Asset]
    current: Asset | None = None  # the current version (see ``rules_review.current_version``)


@frozen
class ReviewItem:
    """A slot waiting for a look, with its event and how many remarks its current version has."""

    summary: EventSummary
    view: SlotView
    remarks: int


@frozen
class EventSummary:
    event: Event
    bars: list[Bar]
    theme: str | None
    health: Health
    countdown: int
    late_count: int
    forecast: NightForecast = NOTHING_LEFT

    @property
    def risk(self) -> float | None:
        """The chance (0-1) the night is red at J-6; None when nothing is left to do or the night is past."""
        return self.forecast.chance

    @property
    def at_risk(self) -> bool:
        """Shown "at risk": on time so far, but likely to be red at J-6."""
        return self.health is Health.ORANGE and self.forecast.at_risk


@frozen
class EventCard:
    summary: EventSummary
    slots: list[SlotView]
    photos: list[Asset]
    comments: list[Comment]
    activity: list[Activity]
    bars: list[Bar]  # every bar, to add one to the event
    users: list[User]  # everyone, to name authors and assignees
    settings: TeamSettings  # how the team approves
    followers: frozenset[int] = frozenset()  # who follows the night (``rules_follow``)


@frozen
class Agenda:
    """A period's events, with every bar (to filter by) and the monthly themes of its months."""

    events: list[EventSummary]
    bars: list[Bar]
    themes: list[ThemePeriod]


@frozen
class Matrix:
    """Rows are the month's events, columns the asset types; a cell lists the slots of that type."""

    events: list[EventSummary]
    columns: list[str]
    cells: dict[tuple[int, str], list[SlotView]]


def _snapshot(event: Event) -> dict[str, Any]:
    return {
        "name": event.name,
        "date": event.date.isoformat(),
        "bar_ids": list(event.bar_ids),
        "description": event.description,
        "brief": event.brief,
        "notes": event.notes,
        "theme_override": event.theme_override,
        "cancelled": event.cancelled,
    }


def _slot_snapshot(slot: Deliverable) -> dict[str, Any]:
    return {
        "name": slot.name,
        "specs": slot.specs,
        "status": slot.status.value,
        "enabled": slot.enabled,
        "assignee_id": slot.assignee_id,
        "bar_id": slot.bar_id,
        "current_version": slot.current_version,
        "approved_version": slot.approved_version,
    }


def _fresh_copy(slot: Deliverable, event_id: int) -> Deliverable:
    """The slot for a copy of its night: same deliverable, specs, bar, screen and assignee, to do, no version."""
    return Deliverable(
        event_id=event_id,
        name=slot.name,
        specs=slot.specs,
        template_id=slot.template_id,
        bar_id=slot.bar_id,
        screen_label=slot.screen_label,
        assignee_id=slot.assignee_id,
        enabled=slot.enabled,
    )


class FileEraser(Protocol):
    """Removes a night's stored files before the night is deleted (the storage service)."""

    def erase_event_files(self, actor: Actor, event_id: int) -> int:
        """Forget the bytes of every file of the night (originals, copies and previews); how many files."""
        ...


def _checked(version: Asset, specs: str) -> Asset:
    """The version with its spec check against the slot's specs as they are now (they may have changed since)."""
    from eventflow.core import rules_specs  # the media checks: for the event card, not the calendar's reads

    current = rules_specs.current_check(version.content_type, version.media_info, version.spec_check, specs)
    return version if current is version.spec_check else evolve(version, spec_check=dict(current))


@define
class EventService:
    """Reads give each night its risk forecast (``EventSummary.forecast``). A caller that knows the database's
    revision (a page, read with its session) passes it: the forecast's model is then learnt once per revision and
    day, in the same read as the page's data."""

    ctx: Context
    forecast: Forecaster = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.forecast = Forecaster(self.ctx)

    # -- reading -------------------------------------------------------------
    def calendar(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        bar_id: int | None = None,
        health: Health | None = None,
        revision: int | None = None,
        *,
        name: str | None = None,
        with_cancelled: bool = False,
    ) -> list[EventSummary]:
        """The nights of a period (either end open), by date; ``name``: those whose name contains it, case and
        accents ignored, across every month when no period is given. Cancelled nights only ``with_cancelled``."""
        name = None if name is None else name.strip()
        if start is None or end is None or name:  # an open period or a search: the events repository
            with self.ctx.uow(read_only=True) as uow:
                cancelled = None if with_cancelled else False
                events = uow.events.list(start, end, bar_id, cancelled=cancelled, name=name or None)
                slots = uow.deliverables.list_for_events([e.id for e in events if e.id is not None])
                summaries = self._summaries_in(uow, events, slots, self.forecast.model(uow, revision))
            return [s for s in summaries if health is None or s.health is health]
        return self.agenda(start, end, bar_id, health, revision, with_cancelled).events

    def agenda(
        self,
        start: dt.date,
        end: dt.date,
        bar_id: int | None = None,
        health: Health | None = None,
        revision: int | None = None,
        with_cancelled: bool = False,
    ) -> Agenda:
        """The events of a period with every bar and the themes of its months, read at once (the calendar page);
        cancelled nights only ``with_cancelled``."""
        model = self.forecast.kept(revision)
        with self.ctx.uow(read_only=True) as uow:
            history = None if model else self.forecast.window()
            rows = uow.read_models.calendar(start, end, bar_id, history=history, with_cancelled=with_cancelled)
        model = model or self.forecast.learn(rows.history, revision)
        summaries = self._summaries(rows.events, rows.slots, rows.bars, rows.themes, model)
        return Agenda(
            events=[s for s in summaries if health is None or s.health is health], bars=rows.bars, themes=rows.themes
        )

    def card(
        self,
        event_id: int,
        activity_limit: int | None = 200,
        revision: int | None = None,
    ) -> EventCard:
        """The event card; its summary's forecast says why it may be red (``rules_risk.reasons`` in words)."""
        model = self.forecast.kept(revision)
        with self.ctx.uow(read_only=True) as uow:
            rows = uow.read_models.card(event_id, activity_limit, history=None if model else self.forecast.window())
        if rows is None:
            raise errors.NotFound("event", event_id)
        model = model or self.forecast.learn(rows.history, revision)
        versions = self._versions_by_slot(rows.assets)
        today = self.ctx.clock.today()
        date = rows.event.date
        summary = self._summaries([rows.event], rows.slots, rows.bars, rows.themes, model)[0]
        return EventCard(
            summary=summary,
            slots=[self._slot_view(s, date, today, versions) for s in rows.slots],
            photos=[a for a in rows.assets if a.deliverable_id is None],
            comments=rows.comments,
            activity=rows.activity,
            bars=rows.bars,
            users=rows.users,
            settings=rows.settings,
            followers=frozenset(followers(rows.event, rows.slots, rows.assets, rows.comments, rows.follows)),
        )

    def slot(self, slot_id: int) -> SlotView:
        """One slot as the card shows it (lateness, due date, versions)."""
        with self.ctx.uow(read_only=True) as uow:
            slot = found(uow.deliverables.get(slot_id), "deliverable", slot_id)
            event = self._event(uow, slot.event_id)
            versions = self._versions_by_slot(uow.assets.list_for_events([slot.event_id]))
        return self._slot_view(slot, event.date, self.ctx.clock.today(), versions)

    def review_queue(self, revision: int | None = None) -> list[ReviewItem]:
        """Slots waiting for a look, the one waiting longest first, with the remarks on their current version (those
        of cancelled nights left out)."""
        with self.ctx.uow(read_only=True) as uow:
            waiting = uow.deliverables.list_in_status(Status.REVIEW)
            events = [e for e in uow.events.get_many({s.event_id for s in waiting}) if not e.cancelled]
            event_ids = [e.id for e in events if e.id is not None]
            all_slots = uow.deliverables.list_for_events(event_ids)
            model = self.forecast.model(uow, revision)
            summaries = {s.event.id: s for s in self._summaries_in(uow, events, all_slots, model)}
            versions = self._versions_by_slot(uow.assets.list_for_events(event_ids))
            comments = [c for event_id in event_ids for c in uow.comments.list_for_event(event_id)]
        today = self.ctx.clock.today()
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        queue = []
        for slot in waiting:
            if slot.enabled and slot.event_id in summaries:
                view = self._slot_view(slot, summaries[slot.event_id].event.date, today, versions)
                remarks = rules_review.remarks_on(slot, view.current, comments)
                queue.append(ReviewItem(summaries[slot.event_id], view, remarks))
        return sorted(
            queue, key=lambda item: (item.view.current.created_at if item.view.current else far, item.view.slot.id or 0)
        )

    def matrix(self, year: int, month: int, revision: int | None = None) -> Matrix:
        start = dt.date(year, month, 1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        with self.ctx.uow(read_only=True) as uow:
            events = uow.events.list(start, end, cancelled=False)
            slots = uow.deliverables.list_for_events([e.id for e in events if e.id is not None])
            summaries = self._summaries_in(uow, events, slots, self.forecast.model(uow, revision))
            versions = self._versions_by_slot(uow.assets.list_for_events([e.id for e in events if e.id is not None]))
        today = self.ctx.clock.today()
        dates = {e.id: e.date for e in events}
        columns: list[str] = []
        cells: dict[tuple[int, str], list[SlotView]] = defaultdict(list)
        for slot in slots:
            if slot.name not in columns:
                columns.append(slot.name)
            cells[(slot.event_id, slot.name)].append(self._slot_view(slot, dates[slot.event_id], today, versions))
        return Matrix(events=summaries, columns=columns, cells=dict(cells))

    def compliance(self, start: dt.date, end: dt.date) -> dict[str, dict[str, rules.Compliance]]:
        """J-7 compliance of the slots due by today in that period, per month (``YYYY-MM``), bar name, type (the
        slot's name) and assignee name."""
        with self.ctx.uow(read_only=True) as uow:
            events = uow.events.list(start, end, cancelled=False)
            slots = uow.deliverables.list_for_events([e.id for e in events if e.id is not None])
            bars = {b.id: b.name for b in uow.bars.list()}
            users = {u.id: u.name for u in uow.users.list()}
        return compliance_groups(events, slots, bars, users, self.ctx.clock.local_date, self.ctx.clock.today())

    # -- writing -------------------------------------------------------------
    def create(
        self,
        actor: Actor,
        name: str,
        date: object,
        bar_ids: Sequence[int],
        description: str = "",
        brief: str = "",
        notes: str = "",
        theme_override: str | None = None,
    ) -> EventCard:
        event = Event(
            name=require_text(name, "name"),
            date=parse_date(date),
            bar_ids=self._unique(bar_ids),
            description=(description or "").strip(),
            brief=self.ctx.sanitize(brief or ""),
            notes=self.ctx.sanitize(notes or ""),
            theme_override=(theme_override or "").strip() or None,
            created_by=actor_id(actor),
            created_at=self.ctx.clock.now(),
        )
        if not event.bar_ids:
            raise errors.InvalidInput("choose at least one bar", "bar_ids")
        return self.card(self._store_new(actor, event))

    @replayed
    def _store_new(self, actor: Actor, event: Event) -> int:
        """Store a new event with its generated slots; its id."""
        with self.ctx.uow() as uow:
            bars = self._bars(uow, event.bar_ids)
            uow.events.add(event)
            assert event.id is not None
            for slot in rules.generate_slots(event.id, bars, uow.templates.list()):
                uow.deliverables.add(slot)
            record(self.ctx, uow, actor, "event.created", "event", event.id, event.id, after=_snapshot(event))
            uow.commit()
        return event.id

    def update(self, actor: Actor, event_id: int, change: EventChanges) -> EventCard:
        self._change(actor, event_id, change)
        return self.card(event_id)

    @replayed
    def _change(self, actor: Actor, event_id: int, change: EventChanges) -> None:
        """Apply the fields given; moving the night (``date``) moves its due dates and J-7 with it (they are
        counted from the date), cancelling keeps everything and only hides it."""
        with self.ctx.uow() as uow:
            event = found(uow.events.get_for_update(event_id), "event", event_id)
            before = _snapshot(event)
            asked = given(change)
            cancelled = asked.pop("cancelled", UNCHANGED)
            event = evolve(event, **{key: self._value(key, value) for key, value in asked.items()})
            if cancelled is not UNCHANGED:
                event = evolve(event, cancelled_at=self._cancelled_at(event, cancelled))
            if event.bar_ids != before["bar_ids"]:
                self._rebar(uow, actor, event, before["bar_ids"])
            old, new = changes(before, _snapshot(event))
            if new:  # calendar feeds tell their subscribers the night changed
                event.sequence, event.updated_at = event.sequence + 1, self.ctx.clock.now()
            uow.events.update(event)
            if new:
                record(self.ctx, uow, actor, "event.updated", "event", event_id, event_id, before=old, after=new)
            uow.commit()

    def _cancelled_at(self, event: Event, cancelled: object) -> dt.datetime | None:
        """When the night is cancelled: the time it first was (a second cancel changes nothing), None to restore."""
        if not isinstance(cancelled, bool):
            raise errors.InvalidInput("cancelled must be true or false", "cancelled")
        if not cancelled:
            return None
        return event.cancelled_at or self.ctx.clock.now()

    def duplicate(self, actor: Actor, event_id: int, date: object) -> EventCard:
        """A copy of the night on ``date``: same name, bars, brief and slots (their specs and assignees), every
        slot to do again, no file, no comment."""
        return self.card(self._store_copy(actor, event_id, parse_date(date)))

    @replayed
    def _store_copy(self, actor: Actor, event_id: int, date: dt.date) -> int:
        with self.ctx.uow() as uow:
            source = self._event(uow, event_id)
            copy = Event(
                name=source.name,
                date=date,
                bar_ids=list(source.bar_ids),
                description=source.description,
                brief=source.brief,
                notes=source.notes,
                theme_override=source.theme_override,
                created_by=actor_id(actor),
                created_at=self.ctx.clock.now(),
            )
            uow.events.add(copy)
            assert copy.id is not None
            for slot in uow.deliverables.list_for_events([event_id]):
                uow.deliverables.add(_fresh_copy(slot, copy.id))
            after = _snapshot(copy) | {"duplicated_from": event_id}
            record(self.ctx, uow, actor, "event.created", "event", copy.id, copy.id, after=after)
            uow.commit()
        return copy.id

    def _value(self, key: str, value: Any) -> Any:
        """A requested value of an event's field, validated and normalised as the event stores it."""
        if key == "name":
            return require_text(value, "name")
        if key == "date":
            return parse_date(value)
        if key == "bar_ids":
            bar_ids = self._unique(value)
            if not bar_ids:
                raise errors.InvalidInput("an event needs at least one bar", "bar_ids")
            return bar_ids
        if key in RICH_FIELDS:
            return self.ctx.sanitize(value or "")
        if key == "theme_override":
            return (value or "").strip() or None
        return (value or "").strip()

    def _rebar(self, uow: UnitOfWork, actor: Actor, event: Event, previous: list[int]) -> None:
        """Added bars get their slots (or get them back); removed bars have theirs disabled, never deleted."""
        assert event.id is not None
        added = [b for b in event.bar_ids if b not in previous]
        removed = [b for b in previous if b not in event.bar_ids]
        bars = self._bars(uow, added)
        existing = uow.deliverables.list_for_events([event.id])
        for slot in existing:
            if slot.bar_id in removed or slot.bar_id in added:
                locked = found(uow.deliverables.get_for_update(slot.id or 0), "deliverable", slot.id)
                self._change_slot(uow, actor, event, locked, SlotChange(enabled=slot.bar_id in added))
        had = {(s.bar_id, s.template_id, s.screen_label) for s in existing}
        for slot in rules.generate_slots(event.id, bars, uow.templates.list(), with_event_wide=False):
            if (slot.bar_id, slot.template_id, slot.screen_label) not in had:
                uow.deliverables.add(slot)
                record(
                    self.ctx, uow, actor, "slot.created", "deliverable", slot.id, event.id, after=_slot_snapshot(slot)
                )

    def delete(self, actor: Actor, event_id: int, files: FileEraser | None = None) -> None:
        """Delete a night for good (admins only), with its slots, comments and files; the audit log keeps what it
        was. Its files go first, one by one, through ``files`` (the store's purge: each marked gone, then its bytes
        and preview removed), then the rows in one transaction: a crash halfway leaves the night in place with
        some files gone, and deleting it again finishes the job. Without ``files``, a night that still holds a
        file is refused (409)."""
        require_admin(actor)
        with self.ctx.uow(read_only=True) as uow:
            self._event(uow, event_id)
        erased = files.erase_event_files(actor, event_id) if files is not None else 0
        self._delete_rows(actor, event_id, erased)

    @replayed
    def _delete_rows(self, actor: Actor, event_id: int, erased: int) -> None:
        with self.ctx.uow() as uow:
            event = found(uow.events.get_for_update(event_id), "event", event_id)
            stored = [a for a in uow.assets.list_for_events([event_id]) if a.location is not StorageTier.PURGED]
            if stored:  # without an eraser, or a file that arrived meanwhile: its bytes would be left behind
                raise errors.Conflict(
                    "this event still holds %(count)s file(s); archive it or delete its files first", count=len(stored)
                )
            uow.events.delete(event_id)
            after = {"files": erased} if erased else None
            record(self.ctx, uow, actor, "event.deleted", "event", event_id, None, before=_snapshot(event), after=after)
            uow.commit()

    @replayed
    def add_slot(
        self,
        actor: Actor,
        event_id: int,
        name: str,
        specs: str = "",
        bar_id: int | None = None,
        assignee_id: int | None = None,
    ) -> Deliverable:
        """A custom slot the templates did not foresee."""
        with self.ctx.uow() as uow:
            event = self._event(uow, event_id)
            if bar_id is not None and bar_id not in event.bar_ids:
                raise errors.InvalidInput("bar %(bar_id)s is not one of this event's bars", "bar_id", bar_id=bar_id)
            if assignee_id is not None:
                self._assignee(uow, assignee_id)
            slot = uow.deliverables.add(
                Deliverable(
                    event_id=event_id,
                    name=require_text(name, "name"),
                    specs=(specs or "").strip(),
                    bar_id=bar_id,
                    assignee_id=assignee_id,
                )
            )
            record(self.ctx, uow, actor, "slot.created", "deliverable", slot.id, event_id, after=_slot_snapshot(slot))
            uow.commit()
        return slot

    @replayed
    def update_slot(
        self, actor: Actor, slot_id: int, change: SlotChange, expected_versions: Collection[int] | None = None
    ) -> Deliverable:
        """Apply ``change`` (only the fields it gives); with ``expected_versions``, only if the slot's
        ``row_version`` is still one of them (Outdated otherwise: someone changed it since the caller read it)."""
        with self.ctx.uow() as uow:
            slot = found(uow.deliverables.get_for_update(slot_id), "deliverable", slot_id)
            if expected_versions is not None and slot.row_version not in expected_versions:
                raise errors.Outdated("deliverable", slot_id)
            event = self._event(uow, slot.event_id)
            self._change_slot(uow, actor, event, slot, change)
            uow.commit()
        return slot

    def _change_slot(self, uow: UnitOfWork, actor: Actor, event: Event, slot: Deliverable, change: SlotChange) -> None:
        before = _slot_snapshot(slot)
        reason = self._reason(change)
        versions = self._decide(uow, actor, slot, change)
        self._edit(uow, slot, change)
        old, new = changes(before, _slot_snapshot(slot))
        if new.get("status") == Status.APPROVED.value:
            new |= self._approval_notes(uow, slot)
        if reason is not None and new.get("status") == Status.CHANGES_REQUESTED.value:
            new["reason"] = reason  # the notifications quote it (the comment below comes after them)
        if new:  # a change to what it already is leaves the slot (and its row_version) as it was
            uow.deliverables.update(slot)
            record(self.ctx, uow, actor, "slot.updated", "deliverable", slot.id, event.id, before=old, after=new)
        if reason is not None:  # said in the conversation, about the version it is about
            current = rules_review.current_version(slot, versions)
            anchor = Anchor(current.version) if current and current.version else None
            write_comment(self.ctx, uow, actor, event.id or 0, reason, deliverable_id=slot.id, anchor=anchor)

    @staticmethod
    def _approval_notes(uow: UnitOfWork, slot: Deliverable) -> dict[str, Any]:
        """What the activity notes about the version being approved: that it differs from the specs, when it does."""
        versions = [a for a in uow.assets.list_for_events([slot.event_id]) if a.deliverable_id == slot.id]
        shown = rules_review.current_version(slot, versions)
        if shown is None:
            return {}
        from eventflow.core import rules_specs  # the media checks: not loaded by the reads that never approve

        check = rules_specs.check_of(shown.content_type, shown.media_info, shown.spec_check, slot.specs)
        return {"spec_check": check.status.value} if check.status is rules_specs.SpecStatus.DIFFERS else {}

    def _decide(self, uow: UnitOfWork, actor: Actor, slot: Deliverable, change: SlotChange) -> list[Asset]:
        """Apply the change's current version, then its status (an approval checked against the team's settings);
        the slot's versions, when either was given."""
        if change.current_version is UNCHANGED and change.status is UNCHANGED:
            return []
        versions = self._versions_of(uow, slot)
        if change.current_version is not UNCHANGED:
            self._make_current(slot, versions, change.current_version)
        if change.status is not UNCHANGED:
            if change.status is Status.APPROVED and slot.status is not Status.APPROVED:
                current = rules_review.current_version(slot, versions)
                rules_review.check_approver(uow.settings.current(), current, actor_id(actor))
            self.set_status(slot, change.status, actor)
        return versions

    def _edit(self, uow: UnitOfWork, slot: Deliverable, change: SlotChange) -> None:
        """Apply the change's assignee, enabled flag, name and specs."""
        if change.assignee_id is not UNCHANGED:
            slot.assignee_id = None if change.assignee_id is None else self._assignee(uow, change.assignee_id)
        if change.enabled is not UNCHANGED:
            slot.enabled = change.enabled
        if change.name is not UNCHANGED:
            slot.name = require_text(change.name, "name")
        if change.specs is not UNCHANGED:
            slot.specs = (change.specs or "").strip()

    def _reason(self, change: SlotChange) -> str | None:
        """The cleaned reason of a request for changes (required with it, refused without it)."""
        if change.status is not Status.CHANGES_REQUESTED:
            if change.reason is not UNCHANGED:
                raise errors.InvalidInput("a reason goes with the status changes_requested only", "reason")
            return None
        if change.reason is UNCHANGED or not change.reason.strip():
            raise errors.InvalidInput("say what should change: changes_requested needs a reason", "reason")
        return clean_text(self.ctx, change.reason, "reason")

    def _make_current(self, slot: Deliverable, versions: Sequence[Asset], number: int) -> None:
        """``number`` becomes the current version; an approval was about another version, so it needs a new look."""
        if number < 1:
            raise errors.InvalidInput(
                "current_version is a version number (1, 2…), not %(number)s", "current_version", number=number
            )
        if rules_review.version_numbered(versions, number) is None:
            raise errors.NotFound("version", f"{number} of deliverable {slot.id}")
        slot.current_version = number
        if slot.status is Status.APPROVED and slot.approved_version != number:
            self.set_status(slot, Status.REVIEW)

    def set_status(self, slot: Deliverable, status: Status, actor: Actor = None) -> None:
        """Soft workflow: any status by hand. An approval keeps when (J-7 compliance), by whom and which version; the
        time the slot entered its status is kept for the risk forecast."""
        if status is not slot.status:
            slot.status_since = self.ctx.clock.now()
        if status is Status.APPROVED and slot.status is not Status.APPROVED:
            slot.approved_at = self.ctx.clock.now()
            slot.approved_by, slot.approved_version = actor_id(actor), slot.current_version
        elif status is not Status.APPROVED:
            slot.approved_at = slot.approved_by = slot.approved_version = None
        slot.status = status

    @staticmethod
    def _versions_of(uow: UnitOfWork, slot: Deliverable) -> list[Asset]:
        return [a for a in uow.assets.list_for_events([slot.event_id]) if a.deliverable_id == slot.id]

    # -- helpers -------------------------------------------------------------
    def _summaries(
        self,
        events: Iterable[Event],
        slots: Iterable[Deliverable],
        bars: Iterable[Bar],
        themes: Iterable[ThemePeriod],
        model: RiskModel,
    ) -> list[EventSummary]:
        by_id = {b.id: b for b in bars}
        by_month = {(t.year, t.month): t for t in themes}
        by_event: dict[int | None, list[Deliverable]] = defaultdict(list)
        for slot in slots:
            by_event[slot.event_id].append(slot)
        today = self.ctx.clock.today()
        out = []
        for e in events:
            theme = by_month.get((e.date.year, e.date.month))
            mine = by_event[e.id]
            out.append(
                EventSummary(
                    event=e,
                    bars=[by_id[b] for b in e.bar_ids if b in by_id],
                    theme=e.theme_override or (theme.name if theme else None),
                    health=rules.health(mine, e.date, today),
                    countdown=rules.countdown(e.date, today),
                    late_count=sum(rules.is_late(s, e.date, today) for s in mine),
                    forecast=self.forecast.night(model, e.date, mine),
                )
            )
        return out

    def _summaries_in(
        self, uow: UnitOfWork, events: list[Event], slots: list[Deliverable], model: RiskModel
    ) -> list[EventSummary]:
        """Summaries with the bars and themes read from ``uow``."""
        years = sorted({e.date.year for e in events})
        return self._summaries(events, slots, uow.bars.list(), [t for y in years for t in uow.themes.list(y)], model)

    @staticmethod
    def _versions_by_slot(assets: Iterable[Asset]) -> dict[int, list[Asset]]:
        out: dict[int, list[Asset]] = defaultdict(list)
        for a in assets:
            if a.deliverable_id is not None:
                out[a.deliverable_id].append(a)
        for versions in out.values():
            versions.sort(key=lambda a: a.version or 0)
        return out

    @staticmethod
    def _slot_view(slot: Deliverable, date: dt.date, today: dt.date, versions: dict[int, list[Asset]]) -> SlotView:
        mine = [_checked(a, slot.specs) for a in versions.get(slot.id or 0, [])]
        return SlotView(
            slot=slot,
            late=rules.is_late(slot, date, today),
            due=rules.due_date(date),
            versions=mine,
            current=rules_review.current_version(slot, mine),
        )

    @staticmethod
    def _event(uow: UnitOfWork, event_id: int) -> Event:
        event = uow.events.get(event_id)
        if event is None:
            raise errors.NotFound("event", event_id)
        return event

    @staticmethod
    def _bars(uow: UnitOfWork, bar_ids: Sequence[int]) -> list[Bar]:
        bars = []
        for bar_id in bar_ids:
            bar = uow.bars.get(bar_id)
            if bar is None:
                raise errors.NotFound("bar", bar_id)
            bars.append(bar)
        return bars

    @staticmethod
    def _assignee(uow: UnitOfWork, user_id: Any) -> int:
        if not isinstance(user_id, int) or isinstance(user_id, bool):
            raise errors.InvalidInput("assignee_id must be a user id", "assignee_id")
        user = uow.users.get(user_id)
        if user is None or not user.active:
            raise errors.InvalidInput(
                "user %(user_id)s does not exist or is deactivated", "assignee_id", user_id=user_id
            )
        return user_id

    @staticmethod
    def _unique(bar_ids: Any) -> list[int]:
        if not isinstance(bar_ids, list | tuple) or not all(
            isinstance(b, int) and not isinstance(b, bool) for b in bar_ids
        ):
            raise errors.InvalidInput("bar_ids must be a list of bar ids", "bar_ids")
        return list(dict.fromkeys(bar_ids))


#: The keys of the slots that belong to no one bar, and of those assigned to no one.
ALL_BARS = "all bars"
UNASSIGNED = "unassigned"


class Dated(Protocol):
    """A night as the compliance needs it: an event, or a night of the history."""

    @property
    def id(self) -> int | None: ...

    @property
    def date(self) -> dt.date: ...


Key = Callable[[Dated, Deliverable], str]


def compliance_groups(
    events: Iterable[Dated],
    slots: Iterable[Deliverable],
    bar_names: Mapping[int | None, str],
    user_names: Mapping[int | None, str],
    local_date: Callable[[dt.datetime], dt.date],
    today: dt.date,
) -> dict[str, dict[str, rules.Compliance]]:
    """J-7 compliance of the enabled slots of ``events`` due before ``today``, grouped four ways: per ``month``
    (``YYYY-MM`` of the night), ``bar`` (name, or ``all bars`` for a slot of the whole night), ``type`` (the slot's
    name) and ``assignee`` (name, or ``unassigned``)."""
    due = {e.id: e for e in events if rules.due_date(e.date) < today}
    counted = [(due[s.event_id], s) for s in slots if s.event_id in due]
    keys: dict[str, Key] = {
        "month": lambda e, s: e.date.strftime("%Y-%m"),
        "bar": lambda e, s: bar_names.get(s.bar_id, "?") if s.bar_id else ALL_BARS,
        "type": lambda e, s: s.name,
        "assignee": lambda e, s: user_names.get(s.assignee_id, "?") if s.assignee_id else UNASSIGNED,
    }

    def approved_on(slot: Deliverable) -> dt.date | None:
        return local_date(slot.approved_at) if slot.approved_at else None

    return {
        group: rules.compliance_by((key(e, s), s, e.date, approved_on(s)) for e, s in counted)
        for group, key in keys.items()
    }
