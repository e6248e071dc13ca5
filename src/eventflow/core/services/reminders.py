"""Reminders before the deadline: "J-7 in 2 days" and "J-7 today", e-mailed through the outbox, each with a line in
the inbox of the person e-mailed (kind ``reminder``).

Every enabled slot not yet approved whose J-7 is two days away or today (``rules_reminders``) is reminded to the
people who should act on it (``reminder_recipients``), in their language, if they kept the ``reminders``
preference (on by default); a person's reminders of one run leave as one e-mail. Once per slot, step and
deadline: the outbox's dedupe key ``reminder:<step>:<slot>:<due date>:<user>`` makes a second run on the same day
queue nothing (nor a second inbox line), and a night moved to another date be reminded again for its new deadline.
``eventflow remind`` (cron) and the web server's worker both run it; two runs at once queue each reminder once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from attrs import define, frozen

from eventflow.core import errors, rules
from eventflow.core.i18n import N_, STATUS_LABELS, Message, Value, render
from eventflow.core.model import Deliverable, Event, Notification, User
from eventflow.core.ports import UnitOfWork
from eventflow.core.rules_reminders import ReminderStep, nights_to_look_at, slot_reminder
from eventflow.core.services import Context
from eventflow.core.services.mail_layout import Mail, compose
from eventflow.core.services.notifications import THEN, card_link, enqueue, wants

REMINDERS = "reminders"
#: Runs take turns (``lock_reminders``); should one still meet another's reminder, it runs again and finds it queued.
ATTEMPTS = 3
INTRO = N_("“%(slot)s” of “%(event)s” (%(date)s) must be approved by %(due)s (J-7); its status now: %(status)s.")
UNASSIGNED = N_("Nobody is assigned to it yet.")


@frozen
class ReminderReport:
    queued: int
    already_sent: int


def reminder_recipients(uow: UnitOfWork, event: Event, slot: Deliverable) -> list[User]:
    """Who is reminded of a slot: its assignee; when nobody (active) is assigned, the people the night concerns —
    whoever planned it, commented on it or uploaded to it. Of those, the active ones who kept the preference."""
    assignee = uow.users.get(slot.assignee_id) if slot.assignee_id is not None else None
    if assignee is not None and assignee.active:
        people: list[User | None] = [assignee]
    else:
        people = [uow.users.get(user_id) for user_id in _concerned_ids(uow, event)]
    return [user for user in people if user is not None and wants(user, REMINDERS, None)]


def _concerned_ids(uow: UnitOfWork, event: Event) -> list[int]:
    event_id = event.id or 0
    commenters = [c.author_id for c in uow.comments.list_for_event(event_id) if c.deleted_at is None]
    uploaders = [a.uploaded_by for a in uow.assets.list_for_events([event_id])]
    return [i for i in dict.fromkeys([event.created_by, *commenters, *uploaders]) if i is not None]


def subject(step: ReminderStep, days: int) -> str:
    if step is ReminderStep.TODAY:
        return N_("J-7 today: %(slot)s — %(event)s")
    if days == 1:
        return N_("J-7 tomorrow: %(slot)s — %(event)s")
    return N_("J-7 in %(days)d days: %(slot)s — %(event)s")


@define
class ReminderService:
    ctx: Context
    base_url: str

    def run(self) -> ReminderReport:
        """Queue the reminders due today that were not queued yet."""
        for _ in range(ATTEMPTS - 1):
            try:
                return self._run_once()
            except errors.Conflict:  # another run queued some of them meanwhile (or the database made us give way)
                continue
        return self._run_once()

    def _run_once(self) -> ReminderReport:
        today = self.ctx.clock.today()
        queued = already = 0
        with self.ctx.uow() as uow:
            uow.outbox.lock_reminders()  # a run at the same time waits here, then finds what this one queued
            for event, slot, step in self._due(uow, today):
                due = rules.due_date(event.date)
                for user in reminder_recipients(uow, event, slot):
                    key = f"reminder:{step.value}:{slot.id}:{due.isoformat()}:{user.id}"
                    if uow.outbox.has_key(key):
                        already += 1
                        continue
                    mail, line = self._mail(user, event, slot, step, today)
                    group = f"reminders:{user.id}:{today.isoformat()}"  # a person's reminders of the day: one e-mail
                    enqueue(self.ctx, uow, user, REMINDERS, mail, event.id, dedupe_key=key, group=group)
                    text = render(line, self.ctx.translations(user.language))[:1000]
                    now = self.ctx.clock.now()
                    uow.notifications.add(Notification(user.id or 0, "reminder", text, now, event.id, message=line))
                    queued += 1
            uow.commit()
        return ReminderReport(queued, already)

    @staticmethod
    def _due(uow: UnitOfWork, today: dt.date) -> Iterator[tuple[Event, Deliverable, ReminderStep]]:
        first, last = nights_to_look_at(today)
        events = {
            e.id: e for e in uow.events.list(first, last, cancelled=False) if e.archived_at is None and e.id is not None
        }
        for slot in uow.deliverables.list_for_events(events):
            event = events[slot.event_id]
            step = slot_reminder(slot, event.date, today)
            if step is not None:
                yield event, slot, step

    def _mail(
        self, user: User, event: Event, slot: Deliverable, step: ReminderStep, today: dt.date
    ) -> tuple[Mail, Message]:
        """The e-mail, and its first sentences for the inbox line."""
        texts = self.ctx.translations(user.language)
        due = rules.due_date(event.date)
        days = (due - today).days
        values: dict[str, Value] = {
            "slot": slot.name,
            "event": event.name,
            "date": event.date,
            "due": due,
            "status": Message(STATUS_LABELS[slot.status]),
            "days": days,
        }
        intro = Message(INTRO, values)
        if slot.assignee_id is None:
            intro = Message(THEN, {"first": intro, "then": Message(UNASSIGNED)})
        link = card_link(self.base_url, event.id or 0)
        return compose(texts, render(Message(subject(step, days), values), texts), render(intro, texts), link), intro
