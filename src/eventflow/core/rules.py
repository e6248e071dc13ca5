"""Pure policies. "Today", usage and the like are arguments: nothing here reads a clock or a disk."""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence

from attrs import frozen

from eventflow.core.model import Bar, Deliverable, DeliverableTemplate, Health, Status

J_MINUS = 7
ALERT_RATIO = 0.8
#: The storage forecast goes on the pace of the uploads of this many last days...
GROWTH_WINDOW_DAYS = 90
#: ...and says nothing of a quota more than this many days away at that pace.
FORECAST_HORIZON_DAYS = 3650


#: Letters NFKD does not take apart.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ı": "i"})


def search_key(text: str) -> str:
    """``text`` as searches compare it: case folded, accents and other marks dropped ("Soirée Œnologie" ->
    "soiree oenologie"). Stored beside a night's name, so every database finds "cafe" in "Café" alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def due_date(event_date: dt.date) -> dt.date:
    """Every deliverable is due seven days before the night (J-7)."""
    return event_date - dt.timedelta(days=J_MINUS)


def is_late(slot: Deliverable, event_date: dt.date, today: dt.date) -> bool:
    """Late: enabled, not approved, and today is past J-7 (at J-7 itself it is not late yet)."""
    return slot.enabled and slot.status is not Status.APPROVED and today > due_date(event_date)


def health(slots: Iterable[Deliverable], event_date: dt.date, today: dt.date) -> Health:
    enabled = [s for s in slots if s.enabled]
    if not enabled:
        return Health.NONE
    if any(is_late(s, event_date, today) for s in enabled):
        return Health.RED
    if all(s.status is Status.APPROVED for s in enabled):
        return Health.GREEN
    return Health.ORANGE


def countdown(event_date: dt.date, today: dt.date) -> int:
    """Days from today to the night: J-X is ``countdown == X``; negative once past."""
    return (event_date - today).days


def countdown_label(event_date: dt.date, today: dt.date) -> str:
    days = countdown(event_date, today)
    return f"J-{days}" if days >= 0 else f"J+{-days}"


def generate_slots(
    event_id: int, bars: Sequence[Bar], templates: Sequence[DeliverableTemplate], with_event_wide: bool = True
) -> list[Deliverable]:
    """The slots a new event (or a bar newly added to one) needs.

    Default templates without a hardware kind give one event-wide slot each (skipped with
    ``with_event_wide=False`` when only bars are added). Default templates with a hardware kind
    give one slot per (bar, screen) of that kind, with the screen's own specs.
    """
    defaults = [t for t in templates if t.is_default]
    slots: list[Deliverable] = []
    if with_event_wide:
        slots += [
            Deliverable(event_id=event_id, name=t.name, specs=t.specs, template_id=t.id)
            for t in defaults
            if not t.hardware_kind
        ]
    for bar in bars:
        for screen in bar.screens:
            for t in defaults:
                if t.hardware_kind and t.hardware_kind == screen.kind:
                    slots.append(
                        Deliverable(
                            event_id=event_id,
                            name=t.name,
                            specs=screen.specs or t.specs,
                            template_id=t.id,
                            bar_id=bar.id,
                            screen_label=screen.label,
                        )
                    )
    return slots


def after_new_version(slot: Deliverable) -> Status:
    """A new file always needs a new look, even on an approved slot."""
    return Status.REVIEW


@frozen
class Compliance:
    """J-7 compliance: the share of slots approved on or before their due date."""

    on_time: int
    total: int

    @property
    def ratio(self) -> float | None:
        return self.on_time / self.total if self.total else None


def approved_on_time(slot: Deliverable, event_date: dt.date, tz_date_of_approval: dt.date | None) -> bool:
    return (
        slot.status is Status.APPROVED
        and tz_date_of_approval is not None
        and tz_date_of_approval <= due_date(event_date)
    )


def compliance_by(
    rows: Iterable[tuple[str, Deliverable, dt.date, dt.date | None]],
) -> dict[str, Compliance]:
    """Group ``(key, slot, event_date, approval_date)`` rows by key; only enabled slots due by now count."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, slot, event_date, approved_on in rows:
        if not slot.enabled:
            continue
        counts[key][1] += 1
        if approved_on_time(slot, event_date, approved_on):
            counts[key][0] += 1
    return {k: Compliance(on_time=v[0], total=v[1]) for k, v in sorted(counts.items())}


@frozen
class QuotaDecision:
    allowed: bool
    free: int


def quota_check(used: int, reserved: int, incoming: int, quota: int) -> QuotaDecision:
    """May ``incoming`` bytes be stored given what is used and already reserved by uploads under way?"""
    free = quota - used - reserved
    return QuotaDecision(allowed=incoming <= free, free=free)


def crossed_alert_threshold(before: int, after: int, quota: int, ratio: float = ALERT_RATIO) -> bool:
    """True when usage goes from below the alert line to at or above it."""
    line = quota * ratio
    return before < line <= after


def full_on(
    uploads: Iterable[tuple[dt.date, int]], used: int, quota: int, today: dt.date, window: int = GROWTH_WINDOW_DAYS
) -> dt.date | None:
    """The day usage reaches ``quota`` if files keep coming at the pace of the last ``window`` days: ``uploads``
    are (day, bytes) pairs, the pace their bytes per day over the window (or over the days since the first upload,
    when it is younger). None when nothing came in the window (usage is not growing) or the day is years away."""
    uploads = list(uploads)
    since = today - dt.timedelta(days=window)
    recent = sum(size for day, size in uploads if since < day <= today)
    if recent <= 0:
        return None
    if used >= quota:
        return today
    first = min(day for day, _ in uploads)
    pace = recent / max(1, min(window, (today - first).days + 1))
    days = math.ceil((quota - used) / pace)
    return today + dt.timedelta(days=days) if days <= FORECAST_HORIZON_DAYS else None
