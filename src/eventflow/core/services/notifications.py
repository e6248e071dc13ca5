"""Who gets which e-mail, written to the outbox in the same transaction as the change it tells about.

Every preference is opt-in (``User.notifications``); the actor never hears about their own change and only active
users get anything.

- A slot moved to review goes to whoever validates: every admin (admins run the review queue) and every member who
  opted in to ``review_requested`` (members may approve too).
- Approved / changes requested goes to the slot's assignee, if they opted in to ``review_outcome``.
- An ``@mention`` goes to each user newly mentioned who opted in to ``mention``.
- The daily digest goes to users who opted in to ``digest``, once a day at most, and only when there is something
  to say: an admin's lists every open slot (they run the plan), a member's the slots assigned to them.
- The disk alert (activity ``storage.alert``) goes to every active admin, whatever their preferences.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from attrs import define, frozen

from eventflow.core import rules
from eventflow.core.i18n import N_, STATUS_LABELS
from eventflow.core.model import Activity, Deliverable, Event, OutboxMessage, Status, User
from eventflow.core.ports import Translator, UnitOfWork
from eventflow.core.rules_risk import NightForecast, reasons
from eventflow.core.services import Context
from eventflow.core.services.forecast import Forecaster
from eventflow.core.services.mail_layout import Mail, Section, compose
from eventflow.core.services.storage import ARCHIVE_AFTER_DAYS, Outlook, read_outlook

REVIEW_REQUESTED = "review_requested"
REVIEW_OUTCOME = "review_outcome"
MENTION = "mention"
DIGEST = "digest"
STORAGE_ALERT = "storage_alert"

#: Activity actions that carry a slot's status change in ``before``/``after``.
STATUS_ACTIONS = ("slot.updated", "asset.version_added")
MENTION_ACTIONS = ("comment.added", "comment.edited")

#: The subject and first line of the e-mail telling that a slot moved to a status.
STATUS_WORDS = {
    Status.REVIEW: (
        N_("To review: %(slot)s — %(event)s"),
        N_("%(actor)s moved “%(slot)s” of “%(event)s” (%(date)s) to review."),
    ),
    Status.APPROVED: (
        N_("Approved: %(slot)s — %(event)s"),
        N_("%(actor)s approved “%(slot)s” of “%(event)s” (%(date)s)."),
    ),
    Status.CHANGES_REQUESTED: (
        N_("Changes requested: %(slot)s — %(event)s"),
        N_("%(actor)s requested changes to “%(slot)s” of “%(event)s” (%(date)s)."),
    ),
}


def card_link(base_url: str, event_id: int) -> str:
    return f"{base_url.rstrip('/')}/events/{event_id}"


def enqueue(ctx: Context, uow: UnitOfWork, user: User, kind: str, mail: Mail, event_id: int | None = None,
            dedupe_key: str | None = None) -> OutboxMessage:  # fmt: skip
    """Queue one message for one user; the outbox sender delivers it after the commit."""
    now = ctx.clock.now()
    return uow.outbox.add(
        OutboxMessage(
            kind=kind, recipient=user.email, subject=mail.subject, text=mail.text, html=mail.html,
            created_at=now, next_attempt_at=now, user_id=user.id, event_id=event_id, dedupe_key=dedupe_key,
        )
    )  # fmt: skip


def wants(user: User, kind: str, actor_id: int | None) -> bool:
    return user.active and user.id != actor_id and kind in user.notifications


@define
class NotificationPlanner:
    """The ``Context.on_activity`` hook: turns recorded changes into queued e-mails."""

    ctx: Context
    base_url: str

    def __call__(self, uow: UnitOfWork, entry: Activity) -> None:
        if entry.action in STATUS_ACTIONS:
            self._status_changed(uow, entry)
        elif entry.action in MENTION_ACTIONS:
            self._mentioned(uow, entry)
        elif entry.action == "storage.alert":
            self._storage_alert(uow, entry.after or {})

    def _status_changed(self, uow: UnitOfWork, entry: Activity) -> None:
        old, new = (entry.before or {}).get("status"), (entry.after or {}).get("status")
        slot = uow.deliverables.get(entry.entity_id or 0)
        if new == old or slot is None or (event := uow.events.get(slot.event_id)) is None:
            return
        if new == Status.REVIEW.value:
            validators = [
                u for u in uow.users.list()
                if u.active and u.id != entry.actor_id and (u.is_admin or REVIEW_REQUESTED in u.notifications)
            ]  # fmt: skip
            self._tell(uow, validators, REVIEW_REQUESTED, entry, event, slot, Status.REVIEW)
        elif new in (Status.APPROVED.value, Status.CHANGES_REQUESTED.value) and slot.assignee_id is not None:
            assignee = uow.users.get(slot.assignee_id)
            if assignee is not None and wants(assignee, REVIEW_OUTCOME, entry.actor_id):
                self._tell(uow, [assignee], REVIEW_OUTCOME, entry, event, slot, Status(new))

    def _tell(self, uow: UnitOfWork, users: Iterable[User], kind: str, entry: Activity, event: Event,
              slot: Deliverable, status: Status) -> None:  # fmt: skip
        subject, intro = STATUS_WORDS[status]
        for user in users:
            texts = self.ctx.translations(user.language)
            values = {"actor": self._actor_name(uow, entry, texts), "slot": slot.name, "event": event.name,
                      "date": texts.format_date(event.date)}  # fmt: skip
            mail = compose(
                texts,
                texts.gettext(subject) % values,
                texts.gettext(intro) % values,
                card_link(self.base_url, event.id or 0),
            )
            enqueue(self.ctx, uow, user, kind, mail, event.id)

    def _mentioned(self, uow: UnitOfWork, entry: Activity) -> None:
        comment = uow.comments.get(entry.entity_id or 0)
        if comment is None or comment.deleted_at is not None or (event := uow.events.get(comment.event_id)) is None:
            return
        already = set((entry.before or {}).get("mention_ids") or [])
        for user_id in comment.mention_ids:
            user = uow.users.get(user_id)
            if user is None or user_id in already or not wants(user, MENTION, entry.actor_id):
                continue
            texts = self.ctx.translations(user.language)
            values = {
                "actor": self._actor_name(uow, entry, texts),
                "event": event.name,
                "date": texts.format_date(event.date),
            }
            mail = compose(
                texts,
                texts.gettext("%(actor)s mentioned you — %(event)s") % values,
                texts.gettext("%(actor)s mentioned you in a comment on “%(event)s” (%(date)s):") % values,
                card_link(self.base_url, event.id or 0),
                quote_html=comment.text,
            )
            enqueue(self.ctx, uow, user, MENTION, mail, event.id)

    def _storage_alert(self, uow: UnitOfWork, facts: dict[str, Any]) -> None:
        outlook = read_outlook(uow, int(facts.get("quota_bytes", 0)), self.ctx)
        for admin in (u for u in uow.users.list() if u.is_admin and u.active):
            texts = self.ctx.translations(admin.language)
            values = {
                "percent": facts.get("percent", "?"),
                "used": texts.format_size(int(facts.get("used_bytes", 0))),
                "quota": texts.format_size(int(facts.get("quota_bytes", 0))),
            }
            subject = texts.gettext("eventflow: storage at %(percent)s%% of the quota") % values
            body = texts.gettext(
                "Stored files now use %(used)s of the %(quota)s quota (%(percent)s%%). Archive past events "
                "(eventflow archive) or purge old versions (eventflow purge) before uploads are refused."
            )
            sections = [Section(texts.gettext("Outlook"), [(line, None) for line in outlook_lines(outlook, texts)])]
            enqueue(self.ctx, uow, admin, STORAGE_ALERT, compose(texts, subject, body % values, None, sections))

    @staticmethod
    def _actor_name(uow: UnitOfWork, entry: Activity, texts: Translator) -> str:
        """The actor's name, or "someone" in the reader's language (the command line has no name)."""
        actor = uow.users.get(entry.actor_id) if entry.actor_id is not None else None
        return actor.name if actor is not None else texts.gettext("Someone")


def outlook_lines(outlook: Outlook, texts: Translator) -> list[str]:
    """When the quota will be full at the current pace, and what the next archive run would free."""
    full = (
        texts.gettext("At the pace of the last 90 days of uploads, the quota will be full on %(date)s.")
        % {"date": texts.format_date(outlook.full_on)}
        if outlook.full_on
        else texts.gettext("At the pace of the last 90 days of uploads, the quota is nowhere near full.")
    )
    archive = texts.gettext("Archiving events older than %(days)d days would free %(size)s.") % {
        "days": ARCHIVE_AFTER_DAYS,
        "size": texts.format_size(outlook.archive_would_free_bytes),
    }
    return [full, archive]


# -- the daily digest -------------------------------------------------------------------------------------------
@frozen
class DigestLine:
    event: Event
    slot: Deliverable
    late: bool


@frozen
class DigestReport:
    queued: list[str]
    nothing_to_say: list[str]
    already_done: list[str]


@define
class DigestService:
    """Per user who opted in: what is late and what is due this week, grouped by event; once a day."""

    ctx: Context
    base_url: str

    def run(self) -> DigestReport:
        today = self.ctx.clock.today()
        queued: list[str] = []
        quiet: list[str] = []
        done: list[str] = []
        with self.ctx.uow() as uow:
            lines = self._open_slots(uow, today)
            risks = self._at_risk(uow, lines)
            for user in uow.users.list():
                if not wants(user, DIGEST, None):
                    continue
                key = f"digest:{user.id}:{today.isoformat()}"
                mine = [line for line in lines if user.is_admin or line.slot.assignee_id == user.id]
                if uow.outbox.has_key(key):
                    done.append(user.email)
                elif not mine:
                    quiet.append(user.email)
                else:
                    enqueue(self.ctx, uow, user, DIGEST, self._mail(user, mine, today, risks), dedupe_key=key)
                    queued.append(user.email)
            uow.commit()
        return DigestReport(queued, quiet, done)

    @staticmethod
    def _open_slots(uow: UnitOfWork, today: dt.date) -> list[DigestLine]:
        """Enabled, unapproved slots that are late, or due (J-7) within the coming week."""
        week_end = today + dt.timedelta(days=6)
        events = uow.events.list(start=today, end=week_end + dt.timedelta(days=rules.J_MINUS), cancelled=False)
        events = [e for e in events if e.archived_at is None]
        by_id = {e.id: e for e in events if e.id is not None}
        out = []
        for slot in uow.deliverables.list_for_events(by_id):
            event = by_id[slot.event_id]
            if slot.enabled and slot.status is not Status.APPROVED:
                out.append(DigestLine(event, slot, rules.is_late(slot, event.date, today)))
        return sorted(out, key=lambda line: (line.event.date, line.event.name, line.slot.id or 0))

    def _at_risk(self, uow: UnitOfWork, lines: Sequence[DigestLine]) -> dict[int | None, NightForecast]:
        """The forecast of each night of ``lines`` that is on time but likely to be red at J-6."""
        forecaster = Forecaster(self.ctx)
        model = forecaster.model(uow)
        found = {}
        for event in _unique_events(lines):
            mine = [line for line in lines if line.event.id == event.id]
            forecast = forecaster.night(model, event.date, [line.slot for line in mine])
            if forecast.at_risk and not any(line.late for line in mine):
                found[event.id] = forecast
        return found

    def _mail(
        self, user: User, lines: Sequence[DigestLine], today: dt.date, risks: dict[int | None, NightForecast]
    ) -> Mail:
        texts = self.ctx.translations(user.language)
        late = [line for line in lines if line.late]
        due = [line for line in lines if not line.late]
        week_end = texts.format_date(today + dt.timedelta(days=6))
        sections = [
            *self._sections(texts.gettext("Late"), late, texts),
            *self._risk_sections(_unique_events(due), risks, texts),
            *self._sections(texts.gettext("Due this week (by %(due)s)") % {"due": week_end}, due, texts),
        ]
        counts = {"today": texts.format_date(today), "late": len(late), "due": len(due)}
        subject = texts.gettext("Digest for %(today)s: %(late)d late, %(due)d due this week") % counts
        return compose(texts, subject, subject, None, sections)

    def _sections(self, title: str, lines: Sequence[DigestLine], texts: Translator) -> list[Section]:
        """One section per event under ``title``: its slots and their status, each linking to the event card."""
        sections: list[Section] = []
        for event in _unique_events(lines):
            slots = [line.slot for line in lines if line.event.id == event.id]
            link = card_link(self.base_url, event.id or 0)
            heading = f"{title} — {event.name} ({texts.format_date(event.date)})"
            labels = [(f"{s.name} [{texts.gettext(STATUS_LABELS[s.status])}]", link) for s in slots]
            sections.append(Section(heading, labels))
        return sections

    def _risk_sections(
        self, events: Iterable[Event], risks: dict[int | None, NightForecast], texts: Translator
    ) -> list[Section]:
        """One section per night at risk: its chance of being red at J-6, and why."""
        sections = []
        for event in (e for e in events if e.id in risks):
            forecast = risks[event.id]
            title = texts.gettext("At risk (%(percent)d%%)") % {"percent": round(100 * (forecast.chance or 0))}
            link = card_link(self.base_url, event.id or 0)
            heading = f"{title} — {event.name} ({texts.format_date(event.date)})"
            sections.append(Section(heading, [(reason, link) for reason in reasons(forecast, texts)]))
        return sections


def _unique_events(lines: Iterable[DigestLine]) -> list[Event]:
    seen: dict[int | None, Event] = {}
    for line in lines:
        seen.setdefault(line.event.id, line.event)
    return list(seen.values())
