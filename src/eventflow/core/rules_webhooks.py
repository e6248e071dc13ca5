"""Outgoing webhooks: which recorded changes they hear about, how a delivery is signed, which addresses they take.

Pure functions; the use cases are in ``services/webhooks.py``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from eventflow.core import errors
from eventflow.core.model import Activity, Status

#: The events a webhook may subscribe to.
EVENT_NAMES = (
    "event.created",
    "event.updated",
    "event.moved",
    "event.deleted",
    "version.uploaded",
    "deliverable.status_changed",
    "deliverable.approved",
    "comment.added",
)
#: What the "test" action sends, whatever the webhook subscribed to.
TEST_EVENT = "webhook.test"
SIGNATURE_HEADER = "X-Eventflow-Signature"
MAX_URL = 2000
MIN_SECRET, MAX_SECRET = 16, 200


def names_for(entry: Activity) -> list[str]:
    """The webhook events a recorded change stands for, the most specific first: a night whose date changed is
    ``event.moved`` then ``event.updated``; an approval ``deliverable.approved`` then ``deliverable.status_changed``;
    a new version ``version.uploaded`` then the status change it brought."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "event.updated":
        return ["event.moved", "event.updated"] if "date" in after else ["event.updated"]
    if entry.action == "asset.version_added":
        return ["version.uploaded", *_status_names(before, after)]
    if entry.action == "slot.updated":
        return _status_names(before, after)
    if entry.action in ("event.created", "event.deleted", "comment.added"):
        return [entry.action]
    return []


def _status_names(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    new = after.get("status")
    if new is None or new == before.get("status"):
        return []
    if new == Status.APPROVED.value:
        return ["deliverable.approved", "deliverable.status_changed"]
    return ["deliverable.status_changed"]


def chosen_event(subscribed: Iterable[str], candidates: list[str]) -> str | None:
    """The one event a webhook hears for a change: the most specific of ``candidates`` it subscribed to."""
    wanted = set(subscribed)
    return next((name for name in candidates if name in wanted), None)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Eventflow-Signature`` value: ``t=UNIX_SECONDS,v1=HEX``, HEX the HMAC-SHA256 of ``"{t}.{body}"``
    under the webhook's secret. A receiver recomputes it over the raw body it got and compares in constant time."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def check_url(url: str) -> str:
    """An http(s) address with a host, or InvalidInput naming the ``url`` field."""
    text = (url or "").strip()
    if not _web_address(text):
        raise errors.InvalidInput(
            "the webhook URL must be an http:// or https:// address (at most %(max_url)s characters), not %(text)r",
            "url",
            max_url=MAX_URL,
            text=text[:80],
        )
    return text


def _web_address(text: str) -> bool:
    if len(text) > MAX_URL or any(c.isspace() for c in text):
        return False
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number from 0 to 65535
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_secret(secret: str) -> str:
    if not MIN_SECRET <= len(secret or "") <= MAX_SECRET or (secret or "").strip() != secret:
        raise errors.InvalidInput(
            "the secret must have %(min_secret)s to %(max_secret)s characters, without spaces around it",
            "secret",
            min_secret=MIN_SECRET,
            max_secret=MAX_SECRET,
        )
    return secret


def check_events(names: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(names))
    unknown = [name for name in chosen if name not in EVENT_NAMES]
    if unknown or not chosen:
        if unknown:
            raise errors.InvalidInput(
                "events must be a non-empty list of: %(allowed)s (unknown: %(unknown)s)",
                "events",
                allowed=", ".join(EVENT_NAMES),
                unknown=", ".join(unknown),
            )
        raise errors.InvalidInput("tick at least one change to be told about", "events")
    return chosen
