"""Who is told what: each change recorded in the activity tells the people it concerns, in their inbox and, when
they want that kind of e-mail (``User.notifications``), by e-mail through the outbox, in the same transaction as the
change. The actor never hears about their own change and only active users hear anything; each person is told once
per change, for the first reason below that holds.

- A new version of a slot (each one): its assignee (``assigned``), the validators who opted in to
  ``review_requested`` (every deliverable sent to review), and the night's followers (``following``: by default
  its creator, assignees, uploaders and commenters, see ``rules_follow``).
- A slot moved to review by hand: the same people.
- Approved / changes requested: the slot's assignee and whoever uploaded its versions (``review_outcome``), then the
  night's followers. A request for changes quotes its reason (cleaned, as the conversation shows it) in the inbox
  line and the e-mail.
- A slot assigned to someone (changed, or created with an assignee): that person (``assigned``).
- A comment: each user newly ``@mentioned`` (``mention``), then the night's followers (``following``).
- A night moved to another date, cancelled or restored: the night's followers (``following``).
- The daily digest goes to users who opted in to ``digest``, once a day at most, and only when there is something
  to say: an admin's lists every open slot (they run the plan), a member's the slots assigned to them.
- The disk alert (activity ``storage.alert``) goes to every active admin, whatever their preferences.

A change that records several entries at once (changes requested, then the reason as a comment) tells each person
once: the first entry that concerns them.

E-mails about changes wait ``GROUP_WINDOW`` in the outbox under their reader's group key: the sender sends every
pending message of a group as one e-mail (ten uploads in a minute make one message).
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

from eventflow.core import rules
from eventflow.core.i18n import N_, STATUS_LABELS, Message, Value, render
from eventflow.core.model import Activity, Deliverable, Event, Notification, OutboxMessage, Status, User
from eventflow.core.ports import Translator, UnitOfWork
from eventflow.core.rules_follow import followers
from eventflow.core.rules_risk import NightForecast, reasons
from eventflow.core.services import Context
from eventflow.core.services.forecast import Forecaster
from eventflow.core.services.mail_layout import Mail, Section, compose, plain

if TYPE_CHECKING:
    from eventflow.core.services.storage import Outlook

ASSIGNED = "assigned"
REVIEW_REQUESTED = "review_requested"
REVIEW_OUTCOME = "review_outcome"
MENTION = "mention"
FOLLOWING = "following"
DIGEST = "digest"
STORAGE_ALERT = "storage_alert"
#: How long an e-mail about a change waits for others to the same person, to leave with them as one message
#: (``EVENTFLOW_MAIL_GROUP_SECONDS``; 0 sends each one on its own, at once).
GROUP_WINDOW = dt.timedelta(minutes=1)

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
NEW_VERSION = (
    N_("New version: %(slot)s — %(event)s"),
    N_("%(actor)s sent v%(version)s of “%(slot)s” of “%(event)s” (%(date)s)."),
)
ASSIGNED_WORDS = (
    N_("Assigned to you: %(slot)s — %(event)s"),
    N_("%(actor)s assigned “%(slot)s” of “%(event)s” (%(date)s) to you; it is due by %(due)s."),
)
COMMENT_WORDS = (
    N_("New comment — %(event)s"),
    N_("%(actor)s commented on “%(event)s” (%(date)s):"),
)
MENTION_WORDS = (
    N_("%(actor)s mentioned you — %(event)s"),
    N_("%(actor)s mentioned you in a comment on “%(event)s” (%(date)s):"),
)
#: An inbox line of two parts: its intro, then what was written (a comment, the reason for changes) or a remark.
THEN = N_("%(first)s %(then)s")
#: A night moved, cancelled or restored, with what the inbox calls it.
NIGHT_WORDS = {
    "moved": (
        N_("Moved to %(date)s: %(event)s"),
        N_("%(actor)s moved “%(event)s” from %(before)s to %(date)s; its deliverables are now due by %(due)s (J-7)."),
    ),
    "cancelled": (
        N_("Cancelled: %(event)s (%(date)s)"),
        N_("%(actor)s cancelled “%(event)s” (%(date)s)."),
    ),
    "restored": (
        N_("Back on: %(event)s (%(date)s)"),
        N_("%(actor)s restored “%(event)s” (%(date)s): the night is on again."),
    ),
}


def card_link(base_url: str, event_id: int) -> str:
    return f"{base_url.rstrip('/')}/events/{event_id}"


def enqueue(ctx: Context, uow: UnitOfWork, user: User, kind: str, mail: Mail, event_id: int | None = None,
            dedupe_key: str | None = None, group_window: dt.timedelta | None = None,
            group: str | None = None) -> OutboxMessage:  # fmt: skip
    """Queue one message for one user; the outbox sender delivers it after the commit (with a ``group_window``:
    that long after, with the other grouped messages to that user still pending then; with a ``group``: at once,
    with the messages of that group queued in the same transaction)."""
    now = ctx.clock.now()
    grouped = group_window is not None and group_window > dt.timedelta(0)
    return uow.outbox.add(
        OutboxMessage(
            kind=kind, recipient=user.email, subject=mail.subject, text=mail.text, html=mail.html,
            created_at=now, next_attempt_at=now + group_window if grouped and group_window else now,
            user_id=user.id, event_id=event_id, dedupe_key=dedupe_key,
            group_key=f"user:{user.id}" if grouped else group,
        )
    )  # fmt: skip


def wants(user: User, kind: str, actor_id: int | None) -> bool:
    return user.active and user.id != actor_id and kind in user.notifications


@frozen
class Reason:
    """Why a person hears of a change: the e-mail preference it falls under, and what their inbox calls it."""

    preference: str
    inbox_kind: str
    words: tuple[str, str]


@define
class Telling:
    """The people one change concerns, each once, for the first reason given (none of ``told``)."""

    actor_id: int | None
    reasons: dict[int, tuple[User, Reason]]
    told: set[int] = field(factory=set)

    def add(self, users: Iterable[User | None], reason: Reason) -> None:
        for user in users:
            if user is None or user.id is None or not user.active or user.id in (self.actor_id, *self.told):
                continue
            self.reasons.setdefault(user.id, (user, reason))


@define
class NotificationPlanner:
    """The ``Context.on_activity`` hook: turns recorded changes into inbox lines and queued e-mails."""

    ctx: Context
    base_url: str
    group_window: dt.timedelta = GROUP_WINDOW
    #: Who was told already in each open transaction.
    _told: weakref.WeakKeyDictionary[UnitOfWork, set[int]] = field(factory=weakref.WeakKeyDictionary, init=False)
    _lock: threading.Lock = field(factory=threading.Lock, init=False)

    def __call__(self, uow: UnitOfWork, entry: Activity) -> None:
        if entry.action in STATUS_ACTIONS or entry.action == "slot.created":
            self._slot_changed(uow, entry)
        elif entry.action in MENTION_ACTIONS:
            self._commented(uow, entry)
        elif entry.action == "event.updated":
            self._night_changed(uow, entry)
        elif entry.action == "storage.alert":
            self._storage_alert(uow, entry.after or {})

    def _slot_changed(self, uow: UnitOfWork, entry: Activity) -> None:
        before, after = entry.before or {}, entry.after or {}
        slot = uow.deliverables.get(entry.entity_id or 0)
        if slot is None or (event := uow.events.get(slot.event_id)) is None:
            return
        values = {"version": after.get("version")}
        if after.get("assignee_id") is not None and after.get("assignee_id") != before.get("assignee_id"):
            telling = Telling(entry.actor_id, {})
            telling.add([uow.users.get(after["assignee_id"])], Reason(ASSIGNED, "assigned", ASSIGNED_WORDS))
            self._tell(uow, telling, entry, event, slot, values)
        status = after.get("status")
        uploaded = entry.action == "asset.version_added"
        if entry.action == "slot.created" or (not uploaded and (status == before.get("status") or status is None)):
            return
        telling = Telling(entry.actor_id, {})
        reason = after.get("reason") if status == Status.CHANGES_REQUESTED.value else None
        assignee = [uow.users.get(slot.assignee_id)] if slot.assignee_id is not None else []
        if uploaded or status == Status.REVIEW.value:
            words = NEW_VERSION if uploaded else STATUS_WORDS[Status.REVIEW]
            kind = "version_uploaded" if uploaded else "review_requested"
            validators = (u for u in uow.users.list() if REVIEW_REQUESTED in u.notifications)
            telling.add(assignee, Reason(ASSIGNED, kind, words))
            telling.add(validators, Reason(REVIEW_REQUESTED, "review_requested", STATUS_WORDS[Status.REVIEW]))
            telling.add(self._followers(uow, event), Reason(FOLLOWING, kind, words))
        elif status in (Status.APPROVED.value, Status.CHANGES_REQUESTED.value):
            outcome = Reason(REVIEW_OUTCOME, status, STATUS_WORDS[Status(status)])
            versions = [a for a in uow.assets.list_for_events([event.id or 0]) if a.deliverable_id == slot.id]
            uploaders = sorted({a.uploaded_by for a in versions if a.uploaded_by is not None})
            telling.add(assignee, outcome)
            telling.add((uow.users.get(u) for u in uploaders), outcome)
            telling.add(self._followers(uow, event), Reason(FOLLOWING, status, STATUS_WORDS[Status(status)]))
        self._tell(uow, telling, entry, event, slot, values, quote_html=reason if isinstance(reason, str) else None)

    def _commented(self, uow: UnitOfWork, entry: Activity) -> None:
        comment = uow.comments.get(entry.entity_id or 0)
        if comment is None or comment.deleted_at is not None or (event := uow.events.get(comment.event_id)) is None:
            return
        already = set((entry.before or {}).get("mention_ids") or [])
        telling = Telling(entry.actor_id, {})
        mentioned = [uow.users.get(i) for i in comment.mention_ids if i not in already]
        telling.add(mentioned, Reason(MENTION, "mention", MENTION_WORDS))
        if entry.action == "comment.added":
            with self._lock:
                telling.told = set(self._told.get(uow, ()))
            telling.add(self._followers(uow, event), Reason(FOLLOWING, "comment", COMMENT_WORDS))
        self._tell(uow, telling, entry, event, None, {}, quote_html=comment.text)

    def _night_changed(self, uow: UnitOfWork, entry: Activity) -> None:
        """A night cancelled, restored or moved to another date (other edits tell nobody)."""
        before, after = entry.before or {}, entry.after or {}
        if "cancelled" in after:
            kind = "cancelled" if after["cancelled"] else "restored"
        elif "date" in after and before.get("date"):
            kind = "moved"
        else:
            return
        if (event := uow.events.get(entry.entity_id or 0)) is None:
            return
        telling = Telling(entry.actor_id, {})
        telling.add(self._followers(uow, event), Reason(FOLLOWING, kind, NIGHT_WORDS[kind]))
        moved_from = dt.date.fromisoformat(str(before["date"])) if "date" in after and before.get("date") else None
        self._tell(uow, telling, entry, event, None, {"before": moved_from})

    def _tell(self, uow: UnitOfWork, telling: Telling, entry: Activity, event: Event, slot: Deliverable | None,
              extra: dict[str, Any], quote_html: str | None = None) -> None:  # fmt: skip
        """Each person concerned gets a line in their inbox, and the e-mail when they want that kind."""
        now = self.ctx.clock.now()
        with self._lock:
            self._told.setdefault(uow, set()).update(telling.reasons)
        values: dict[str, Value] = {
            **{key: value for key, value in extra.items() if value is not None},
            "actor": self._actor_name(uow, entry),
            "slot": slot.name if slot else "",
            "event": event.name,
            "date": event.date,
            "due": rules.due_date(event.date),
        }
        quote = plain(quote_html)[:1000] if quote_html else ""  # the person's words: in no catalog
        for user, reason in telling.reasons.values():
            texts = self.ctx.translations(user.language)
            subject, intro = (Message(words, values) for words in reason.words)
            line = Message(THEN, {"first": intro, "then": quote}) if quote else intro
            uow.notifications.add(
                Notification(user.id or 0, reason.inbox_kind, render(line, texts)[:1000], now, event.id, message=line)
            )
            if reason.preference in user.notifications:
                link = card_link(self.base_url, event.id or 0)
                mail = compose(texts, render(subject, texts), render(intro, texts), link, quote_html=quote_html)
                enqueue(self.ctx, uow, user, reason.preference, mail, event.id, group_window=self.group_window)

    @staticmethod
    def _followers(uow: UnitOfWork, event: Event) -> list[User | None]:
        event_id = event.id or 0
        people = followers(
            event,
            uow.deliverables.list_for_events([event_id]),
            uow.assets.list_for_events([event_id]),
            uow.comments.list_for_event(event_id),
            uow.follows.list_for_event(event_id),
        )
        return [uow.users.get(person) for person in sorted(people)]

    def _storage_alert(self, uow: UnitOfWork, facts: dict[str, Any]) -> None:
        from eventflow.core.services.storage import read_outlook  # the storage code: for this rare alert only

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
    def _actor_name(uow: UnitOfWork, entry: Activity) -> str | Message:
        """The actor's name, or "someone" in the reader's language (the command line has no name)."""
        actor = uow.users.get(entry.actor_id) if entry.actor_id is not None else None
        return actor.name if actor is not None else Message(N_("Someone"))


def outlook_lines(outlook: Outlook, texts: Translator) -> list[str]:
    """When the quota will be full at the current pace, and what the next archive run would free."""
    from eventflow.core.services.storage import ARCHIVE_AFTER_DAYS  # not loaded with the inbox's kinds (presenters)

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
            uow.outbox.lock_digest()  # a run at the same time (another cron host) waits here, then finds these queued
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
