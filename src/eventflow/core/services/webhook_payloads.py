"""What a webhook delivery says about a change: eventflow's JSON, or one sentence with a link for a chat.

- ``json``: ``{"id", "type", "occurred_at", "text", "url", "actor", "event", "deliverable", "comment", "changes"}``;
  ``id`` is unique per delivery (a receiver may drop a retry it already has), ``type`` the webhook event
  (``deliverable.approved``…), ``text`` the sentence below, ``changes`` the recorded ``before``/``after``.
- ``slack``: ``{"text": …}`` with a ``<url|Open the card>`` link, as Slack's incoming webhooks take it.
- ``teams``: a MessageCard (``@type``, ``@context``, ``summary``, ``text`` with a Markdown link), as Microsoft Teams'
  incoming webhooks take it.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from attrs import frozen

from eventflow.core.i18n import N_, STATUS_LABELS
from eventflow.core.model import Activity, Comment, Deliverable, Event, Status, User, Webhook, WebhookFormat
from eventflow.core.ports import Translator, UnitOfWork
from eventflow.core.rules_webhooks import TEST_EVENT
from eventflow.core.services import Actor, Context
from eventflow.core.services.mail_layout import plain
from eventflow.core.services.notifications import STATUS_WORDS, card_link

#: The sentence of each webhook event (status changes: the e-mails' sentences, ``STATUS_WORDS``).
SENTENCES = {
    "event.created": N_("%(actor)s planned “%(event)s” on %(date)s."),
    "event.updated": N_("%(actor)s changed “%(event)s” (%(date)s)."),
    "event.moved": N_("%(actor)s moved “%(event)s” from %(before)s to %(date)s."),
    "event.deleted": N_("%(actor)s deleted “%(event)s” (%(date)s)."),
    "version.uploaded": N_("%(actor)s uploaded version %(version)s of “%(slot)s” for “%(event)s” (%(date)s)."),
    "comment.added": N_("%(actor)s commented on “%(event)s” (%(date)s): %(text)s"),
    TEST_EVENT: N_("Test message from eventflow: this webhook works."),
}
OTHER_STATUS = N_("%(actor)s set “%(slot)s” of “%(event)s” (%(date)s) to “%(status)s”.")
COMMENT_CHARS = 280
TEAMS_CONTEXT = "https://schema.org/extensions"


@frozen
class Change:
    """A recorded change and what a payload tells of it, read in the change's own transaction."""

    at: dt.datetime
    actor: User | None
    entry: Activity | None = None  # None: the test message
    event: Event | None = None
    slot: Deliverable | None = None
    comment: Comment | None = None

    @classmethod
    def read(cls, uow: UnitOfWork, entry: Activity) -> Change | None:
        """The change ``entry`` records, or None when what it is about is gone."""
        actor = uow.users.get(entry.actor_id) if entry.actor_id is not None else None
        if entry.entity_type == "event":
            return cls(entry.at, actor, entry, uow.events.get(entry.entity_id or 0) or _deleted(entry))
        if entry.entity_type == "deliverable":
            slot = uow.deliverables.get(entry.entity_id or 0)
            night = uow.events.get(slot.event_id) if slot is not None else None
            return cls(entry.at, actor, entry, night, slot) if night is not None else None
        if entry.entity_type == "comment":
            comment = uow.comments.get(entry.entity_id or 0)
            where = uow.events.get(comment.event_id) if comment is not None else None
            return cls(entry.at, actor, entry, where, comment=comment) if where is not None else None
        return None


def test_change(actor: Actor, at: dt.datetime) -> Change:
    return Change(at, actor)


def _deleted(entry: Activity) -> Event:
    """A deleted night as its last snapshot in the record tells it."""
    was = entry.before or {}
    return Event(name=str(was.get("name", "")), date=dt.date.fromisoformat(str(was.get("date"))),
                 bar_ids=list(was.get("bar_ids") or []), id=entry.entity_id)  # fmt: skip


def body_for(ctx: Context, webhook: Webhook, name: str, change: Change, base_url: str) -> str:
    """The JSON text a delivery of ``name`` to ``webhook`` sends."""
    texts = ctx.translations(webhook.language)
    sentence = describe(texts, name, change)
    event = change.event
    link = card_link(base_url, event.id) if event is not None and event.id and name != "event.deleted" else None
    open_card = texts.gettext("Open the card")
    data: dict[str, Any]
    if webhook.format is WebhookFormat.SLACK:
        data = {"text": _slack_escape(sentence) + (f" <{link}|{_slack_escape(open_card)}>" if link else "")}
    elif webhook.format is WebhookFormat.TEAMS:
        text = sentence + (f"\n\n[{open_card}]({link})" if link else "")
        data = {"@type": "MessageCard", "@context": TEAMS_CONTEXT, "summary": sentence, "text": text}
    else:
        data = _eventflow_json(name, change, sentence, link)
    return json.dumps(data, ensure_ascii=False)


def describe(texts: Translator, name: str, change: Change) -> str:
    """One sentence, in the webhook's language, telling what happened."""
    entry = change.entry
    after, before = (entry.after or {}, entry.before or {}) if entry is not None else ({}, {})
    event = change.event
    values: dict[str, object] = {
        "actor": change.actor.name if change.actor is not None else texts.gettext("Someone"),
        "event": event.name if event is not None else "",
        "date": texts.format_date(event.date) if event is not None else "",
        "slot": change.slot.name if change.slot is not None else "",
        "version": after.get("version", ""),
        "text": plain(change.comment.text)[:COMMENT_CHARS] if change.comment is not None else "",
    }
    if name == "event.moved":
        values["before"] = texts.format_date(dt.date.fromisoformat(str(before.get("date"))))
    if name in SENTENCES:
        return texts.gettext(SENTENCES[name]) % values
    status = Status(after.get("status", Status.TODO.value))
    values["status"] = texts.gettext(STATUS_LABELS[status])
    template = STATUS_WORDS[status][1] if status in STATUS_WORDS else OTHER_STATUS
    return texts.gettext(template) % values


def _slack_escape(text: str) -> str:
    """Slack reads ``&``, ``<`` and ``>`` as markup: they travel escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _eventflow_json(name: str, change: Change, sentence: str, link: str | None) -> dict[str, Any]:
    entry, event, slot, comment, actor = change.entry, change.event, change.slot, change.comment, change.actor
    return {
        "id": uuid.uuid4().hex,
        "type": name,
        "occurred_at": change.at.isoformat(),
        "text": sentence,
        "url": link,
        "actor": {"id": actor.id, "name": actor.name} if actor is not None else None,
        "event": _night(event) if event is not None else None,
        "deliverable": _slot(slot) if slot is not None else None,
        "comment": _comment(comment) if comment is not None else None,
        "changes": {"before": entry.before, "after": entry.after} if entry is not None else None,
    }


def _night(event: Event) -> dict[str, Any]:
    return {"id": event.id, "name": event.name, "date": event.date.isoformat(), "bar_ids": list(event.bar_ids)}


def _slot(slot: Deliverable) -> dict[str, Any]:
    return {
        "id": slot.id,
        "name": slot.name,
        "specs": slot.specs,
        "status": slot.status.value,
        "bar_id": slot.bar_id,
        "assignee_id": slot.assignee_id,
    }


def _comment(comment: Comment) -> dict[str, Any]:
    return {"id": comment.id, "text": comment.text, "deliverable_id": comment.deliverable_id}
