"""A slot's life as the activity record tells it: the statuses it went through and when, and when its files came.

The J-7 statistics (how long work and reviews take) and the risk forecast both learn from these timelines. Pure:
the records are arguments, and nothing here reads a clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator

from attrs import evolve, frozen

from eventflow.core import rules
from eventflow.core.model import Deliverable, Status
from eventflow.core.ports import HistoryNight, StatusChange, Upload

DAY = dt.timedelta(days=1)
#: Activity entries that set a slot's status (``after["status"]``) or create a slot.
STATUS_ACTIONS = ("slot.created", "slot.updated", "asset.version_added")
STATUSES = {s.value: s for s in Status}


def days(span: dt.timedelta) -> float:
    return span / DAY


@frozen
class Step:
    """The slot entered ``status`` at ``at``."""

    at: dt.datetime
    status: Status


@frozen
class Timeline:
    """One slot's life: its type (the slot's name), its due date (J-7), the statuses it went through in time order
    (the first is ``todo``, when the slot was created) and when each of its versions was uploaded."""

    slot: Deliverable
    due: dt.date
    steps: tuple[Step, ...]
    uploads: tuple[dt.datetime, ...]

    @property
    def kind(self) -> str:
        return self.slot.name

    def until(self, instant: dt.datetime) -> Timeline:
        """The timeline as it stood at ``instant`` (what a replay of the past may know)."""
        steps = tuple(s for s in self.steps if s.at <= instant)
        status, since = (steps[-1].status, steps[-1].at) if steps else (Status.TODO, None)
        slot = evolve(
            self.slot,
            status=status,
            status_since=since,
            approved_at=since if status is Status.APPROVED else None,
        )
        return Timeline(slot, self.due, steps, tuple(u for u in self.uploads if u <= instant))

    def entries(self, status: Status) -> Iterator[dt.datetime]:
        """Each time the slot entered ``status``."""
        return (s.at for s in self.steps if s.status is status)

    def approval_after(self, instant: dt.datetime) -> dt.datetime | None:
        """The first approval at or after ``instant``, or None."""
        return next((s.at for s in self.steps if s.status is Status.APPROVED and s.at >= instant), None)

    @property
    def work_start(self) -> dt.datetime | None:
        """When the work began: the first step out of ``todo`` (set in progress, a file sent...)."""
        return next((s.at for s in self.steps if s.status is not Status.TODO), None)

    @property
    def approved_at(self) -> dt.datetime | None:
        """The approval that stands (the slot is approved now), or None."""
        last = self.steps[-1] if self.steps else None
        return last.at if last is not None and last.status is Status.APPROVED else None

    def waits(self) -> tuple[float, float] | None:
        """Days the approved slot waited for a file and for a review, from the start of work to its approval
        (time spent approved before a new version came is neither)."""
        start, end = self.work_start, self.approved_at
        if start is None or end is None:
            return None
        file_wait = review_wait = 0.0
        for step, following in zip(self.steps, self.steps[1:], strict=False):
            if step.at < start or following.at > end:
                continue
            spent = days(following.at - step.at)
            if step.status is Status.REVIEW:
                review_wait += spent
            elif step.status is not Status.APPROVED:
                file_wait += spent
        return file_wait, review_wait

    def upload_to_approval(self) -> float | None:
        """Days from the first file to the approval that stands."""
        if not self.uploads or self.approved_at is None or self.uploads[0] > self.approved_at:
            return None
        return days(self.approved_at - self.uploads[0])


def timelines(
    nights: Iterable[HistoryNight],
    slots: Iterable[Deliverable],
    uploads: Iterable[Upload],
    changes: Iterable[StatusChange],
) -> list[Timeline]:
    """The timeline of each slot of ``nights``, from the status changes the activity record kept and the uploads.

    A slot starts ``todo`` when it was created (its ``slot.created`` entry, else its night's creation); a slot
    approved without an entry saying so (written before the record kept it) gets its approval from ``approved_at``.
    """
    by_id = {n.id: n for n in nights}
    entries: dict[int, list[StatusChange]] = defaultdict(list)
    for change in changes:
        entries[change.slot_id].append(change)
    sent: dict[int, list[dt.datetime]] = defaultdict(list)
    for upload in uploads:
        sent[upload.slot_id].append(upload.at)
    out = []
    for slot in slots:
        night = by_id.get(slot.event_id)
        if night is None or slot.id is None:
            continue
        steps = _steps(slot, night, sorted(entries[slot.id], key=lambda c: (c.at, c.id)))
        out.append(Timeline(slot, rules.due_date(night.date), steps, tuple(sorted(sent[slot.id]))))
    return out


def _steps(slot: Deliverable, night: HistoryNight, changes: list[StatusChange]) -> tuple[Step, ...]:
    created = next((c.at for c in changes if c.action == "slot.created"), night.created_at)
    found: list[Step] = [Step(created, Status.TODO)] if created is not None else []
    for change in changes:
        status = STATUSES.get(change.status or "")
        if status is not None and (not found or found[-1].status is not status):
            found.append(Step(change.at, status))
    if (
        slot.status is Status.APPROVED
        and slot.approved_at is not None
        and (not found or found[-1].status is not Status.APPROVED)
    ):
        found.append(Step(max([slot.approved_at, *(s.at for s in found[-1:])]), Status.APPROVED))
    return tuple(found)
