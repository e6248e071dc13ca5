"""Entities and value objects of eventflow.

Entities are plain attrs classes: the SQL adapter maps rows to them by hand, so
nothing here knows how it is stored. ``id`` is ``None`` until a repository adds it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from attrs import define, field, frozen

if TYPE_CHECKING:
    from eventflow.core.i18n import Message


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    REVIEW = "review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


class Health(StrEnum):
    GREEN = "green"
    ORANGE = "orange"
    RED = "red"
    NONE = "none"


class PhotoCategory(StrEnum):
    UNIFORM = "uniform"
    DECO = "deco"
    BRIEF = "brief"
    INSPIRATION = "inspiration"


class StorageTier(StrEnum):
    HOT = "hot"
    COLD = "cold"
    PURGED = "purged"


class Language(StrEnum):
    FR = "fr"
    EN = "en"


#: E-mails a user may choose (``reminders``: "J-7 in 2 days" and "J-7 today"; ``following``: what happens on the
#: nights they follow; ``review_requested``: every deliverable sent to review, on any night; ``digest``: the daily one).
NOTIFICATION_KINDS = ("assigned", "review_outcome", "mention", "following", "reminders", "review_requested", "digest")
#: What a new account gets: only what concerns them (their slots, their uploads reviewed, mentions, the nights they
#: follow, their J-7 reminders, the daily digest of their slots); every deliverable sent to review is opt-in.
DEFAULT_NOTIFICATIONS = ("assigned", "review_outcome", "mention", "following", "reminders", "digest")


@define
class User:
    email: str
    name: str
    role: Role = Role.MEMBER
    active: bool = True
    language: Language = Language.FR
    password_hash: str | None = None
    my_bar_ids: list[int] = field(factory=list)
    notifications: list[str] = field(factory=list)
    id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def mention_handles(self) -> set[str]:
        """Lower-case handles that ``@mention`` this user: name parts, full name, e-mail local part."""
        local = self.email.split("@", 1)[0].lower()
        name = self.name.lower()
        return {local, name, name.replace(" ", ""), *name.split()}


@define
class ApiToken:
    """A personal token for scripts; only its hash is stored, and ``prefix``, its first characters, to tell it apart
    (none for tokens made before prefixes were kept)."""

    user_id: int
    token_hash: str
    label: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    prefix: str | None = None
    id: int | None = None


@define
class Session:
    """A browser session: the cookie carries ``key``; only its hash is stored."""

    key_hash: str
    user_id: int
    created_at: dt.datetime
    expires_at: dt.datetime
    id: int | None = None


@frozen
class Screen:
    """A screen of a bar: its ``kind`` matches templates' hardware kind; its specs fill the slots made for it."""

    kind: str
    label: str = ""
    specs: str = ""


@define
class Bar:
    name: str
    location: str = ""
    screens: tuple[Screen, ...] = ()
    id: int | None = None


@define
class ThemePeriod:
    year: int
    month: int
    name: str
    description: str = ""
    id: int | None = None

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@define
class DeliverableTemplate:
    name: str
    specs: str = ""
    is_default: bool = False
    hardware_kind: str | None = None
    id: int | None = None


@define
class Event:
    name: str
    date: dt.date
    bar_ids: list[int] = field(factory=list)
    description: str = ""
    brief: str = ""
    notes: str = ""
    theme_override: str | None = None
    created_by: int | None = None
    created_at: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    #: How many times the night was changed, and when last (calendar feeds tell subscribers what moved).
    sequence: int = 0
    updated_at: dt.datetime | None = None
    #: When the night was cancelled (kept in history, left out of the calendar and reminders); None: it is on.
    cancelled_at: dt.datetime | None = None
    id: int | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


@define
class Deliverable:
    """A slot: one asset the event needs."""

    event_id: int
    name: str
    specs: str = ""
    template_id: int | None = None
    bar_id: int | None = None
    screen_label: str | None = None
    assignee_id: int | None = None
    status: Status = Status.TODO
    enabled: bool = True
    approved_at: dt.datetime | None = None
    row_version: int = 1  # counts the saved changes: what the API's ETag of a slot is made of
    current_version: int | None = None  # the version under review and on the screens (None: the latest)
    approved_version: int | None = None  # which version the approval is about, and who gave it
    approved_by: int | None = None
    status_since: dt.datetime | None = None  # when it entered its status (None: before eventflow kept it)
    id: int | None = None


@define
class Asset:
    """One stored file: a version of a slot, or a moodboard photo of an event."""

    event_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    storage_key: str
    uploaded_by: int | None
    created_at: dt.datetime
    deliverable_id: int | None = None
    version: int | None = None
    category: PhotoCategory | None = None
    location: StorageTier = StorageTier.HOT
    preview_key: str | None = None
    preview_size: int = 0
    media_info: dict[str, Any] = field(factory=dict)
    spec_check: dict[str, Any] | None = None  # a slot's version checked against its specs (``rules_specs.SpecCheck``)
    upload_id: str | None = None  # the resumable upload it came from: its completion stores it once
    id: int | None = None


@define
class Lease:
    """What keeps temporary files and quota holds alive: a running process (its heartbeat renews the lease) or an
    unfinished resumable upload (each request on it renews the lease).

    A lease is dead once ``expires_at`` has passed, or as soon as its process is known to have ended; whatever a dead
    lease kept (holds, temporary files, the upload's bytes) is reclaimed.
    """

    id: str  # 32 hex digits, also in the names of the files it keeps
    owner: str  # for people: "eventflow serve (pid 812) on web1", "resumable upload of user 3"
    expires_at: dt.datetime
    host: str | None = None  # the machine of a process lease (None for an upload)
    pid: int | None = None

    @property
    def of_process(self) -> bool:
        return self.pid is not None


@define
class LoginFailure:
    """A failed login, counted for a while against the e-mail it tried and the address it came from."""

    email: str
    address: str
    at: dt.datetime
    id: int | None = None


@define
class Reservation:
    """Bytes promised to an upload under way, so concurrent uploads cannot overshoot the quota; kept by a lease."""

    lease_id: str
    size: int
    created_at: dt.datetime
    user_id: int | None = None  # set for a resumable upload's hold: counted in that person's unfinished bytes
    id: int | None = None


@frozen
class Anchor:
    """What a comment is about within a slot: one of its versions, and in it at most one spot: a page (1-based) of a
    PDF, a moment (seconds) of a video, or a region ``(x, y, w, h)`` of the preview in fractions of its size (a pin
    is a region without size)."""

    version: int
    page: int | None = None
    time: float | None = None
    region: tuple[float, float, float, float] | None = None

    def as_json(self) -> dict[str, Any]:
        """The version and the spot named, as JSON-ready data (how it is stored and recorded)."""
        spot = {"page": self.page, "time": self.time, "region": list(self.region) if self.region else None}
        return {"version": self.version, **{key: value for key, value in spot.items() if value is not None}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Anchor:
        region = data.get("region")
        return cls(data["version"], data.get("page"), data.get("time"), tuple(region) if region else None)


@define
class Comment:
    event_id: int
    author_id: int
    text: str
    created_at: dt.datetime
    deliverable_id: int | None = None
    parent_id: int | None = None
    mention_ids: list[int] = field(factory=list)
    edited_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None
    anchor: Anchor | None = None
    id: int | None = None


@frozen
class TeamSettings:
    """How the team works, set by an admin."""

    #: Whoever uploaded the current version of a slot may not approve it: someone else must look.
    second_pair_of_eyes: bool = False


@define
class Activity:
    """Who did what to which entity, when, with before -> after."""

    action: str
    entity_type: str
    entity_id: int | None
    at: dt.datetime
    actor_id: int | None = None
    event_id: int | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    id: int | None = None


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt


@define
class OutboxMessage:
    """One e-mail to one recipient, written in the same transaction as the change it tells about.

    A sender claims it (``claim_token`` until ``claimed_until``), sends it, then marks it sent; a failure is kept in
    ``last_error`` and retried at ``next_attempt_at``. ``dedupe_key`` (unique) makes a message be queued once only.
    """

    kind: str
    recipient: str
    subject: str
    text: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    html: str | None = None
    user_id: int | None = None
    event_id: int | None = None
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str | None = None
    sent_at: dt.datetime | None = None
    claim_token: str | None = None
    claimed_until: dt.datetime | None = None
    dedupe_key: str | None = None
    #: Messages with the same group key still pending are sent as one e-mail (a burst of uploads: one message).
    group_key: str | None = None
    id: int | None = None


@define
class Follow:
    """A person's choice to follow a night (``following``) or to stop following it. Without one, whoever planned
    the night, is assigned to one of its slots, uploaded to it or commented on it follows it (``rules_follow``)."""

    event_id: int
    user_id: int
    following: bool
    at: dt.datetime
    id: int | None = None


#: What the inbox calls each kind of line (``Notification.kind``).
INBOX_KINDS = (
    "assigned",
    "version_uploaded",
    "review_requested",
    "approved",
    "changes_requested",
    "mention",
    "comment",
    "reminder",
    "moved",
    "cancelled",
    "restored",
)


@define
class Notification:
    """One line of a person's in-app inbox: what it says (``message``, shown in the reader's language of the moment),
    and ``text``, the line in their language when it happened (all that lines written before messages have)."""

    user_id: int
    kind: str
    text: str
    created_at: dt.datetime
    event_id: int | None = None
    read_at: dt.datetime | None = None
    message: Message | None = None
    id: int | None = None

    @property
    def read(self) -> bool:
        return self.read_at is not None


class WebhookFormat(StrEnum):
    """What a webhook's deliveries look like: eventflow's JSON, or what a chat's incoming webhook accepts."""

    JSON = "json"
    SLACK = "slack"
    TEAMS = "teams"


@define
class Webhook:
    """An address told about changes, by signed JSON POSTs (``secret`` signs them, so it is kept to sign)."""

    url: str
    secret: str
    events: list[str]
    created_at: dt.datetime
    format: WebhookFormat = WebhookFormat.JSON
    language: Language = Language.FR
    created_by: int | None = None
    id: int | None = None


@define
class WebhookDelivery:
    """One POST to one webhook, queued in the transaction of the change it tells about, then sent and retried like
    an e-mail of the outbox (claim, lease, back-off). ``body`` is the exact JSON sent; its signature is made when it
    is sent, with the time of that attempt."""

    webhook_id: int
    event_name: str
    body: str
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_status_code: int | None = None
    last_error: str | None = None
    last_attempt_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    claim_token: str | None = None
    claimed_until: dt.datetime | None = None
    id: int | None = None


@define
class Feed:
    """A secret calendar address: a user's own (``user_id``) or a bar's, for its staff (``bar_id``).

    Only ``secret_hash`` is looked up; the secret is an HMAC of ``salt`` under the server's key, so the address can
    be shown again to its owner while the database alone never holds a working one.
    """

    secret_hash: str
    salt: str
    created_at: dt.datetime
    user_id: int | None = None
    bar_id: int | None = None
    id: int | None = None
