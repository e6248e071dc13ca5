"""Ports: what the core needs from the outside world, as Protocols.

Adapters implement them (``eventflow.adapters``); tests use the in-memory fakes
(``eventflow.adapters.memory``). Every repository method works inside a unit of work.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, BinaryIO, Protocol, Self

from attrs import field, frozen

from eventflow.core.model import (
    Activity,
    ApiToken,
    Asset,
    Bar,
    Comment,
    Deliverable,
    DeliverableTemplate,
    Event,
    Feed,
    Follow,
    Language,
    Lease,
    LoginFailure,
    Notification,
    OutboxMessage,
    Reservation,
    Session,
    Status,
    TeamSettings,
    ThemePeriod,
    User,
    Webhook,
    WebhookDelivery,
)


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, timezone-aware (UTC)."""

    def today(self) -> dt.date:
        """Today's date in the team's time zone."""

    def local_date(self, instant: dt.datetime) -> dt.date:
        """The team's calendar date at ``instant``."""

    def start_of(self, day: dt.date) -> dt.datetime:
        """The instant (UTC) the team's calendar day ``day`` begins."""


class Translator(Protocol):
    """The texts and formats of one language: the gettext catalogs, whose msgids are the English texts."""

    @property
    def language(self) -> Language: ...

    def gettext(self, message: str) -> str:
        """``message`` in this language; the English itself when the catalog has no translation."""

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of ``singular``/``plural`` this language uses for ``n`` ("1 jour", "0 jour", "2 days")."""

    def format_date(self, day: dt.date, format: str = "long") -> str:
        """``day`` as this language writes it ("25 novembre 2026", "November 25, 2026"); ``format`` is a CLDR
        length (short, medium, long, full) or pattern."""

    def format_size(self, size: int) -> str:
        """A number of bytes for people, in the largest unit it reaches ("1,4 Go", "1.4 GB")."""


class Translations(Protocol):
    def __call__(self, language: Language) -> Translator:
        """The translator of ``language``."""


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str:
        """A salted, slow hash of ``password`` fit for storage."""

    def verify(self, stored_hash: str, password: str) -> bool:
        """Whether ``password`` matches; never raises for a wrong one."""


class UserRepository(Protocol):
    def add(self, user: User) -> User:
        """Store a new user and give it an id."""

    def get(self, user_id: int) -> User | None:
        """The user with that id, or None."""

    def get_for_update(self, user_id: int) -> User | None:
        """``get``, locking the user until this unit of work ends (see ``UnitOfWork``)."""

    def get_by_email(self, email: str) -> User | None:
        """The user with that e-mail (case-insensitive), or None."""

    def list(self) -> list[User]:
        """Every user, active or not, by name."""

    def update(self, user: User) -> None:
        """Save the changed fields of a stored user."""


class TokenRepository(Protocol):
    def add(self, token: ApiToken) -> ApiToken:
        """Store a new personal token."""

    def get(self, token_id: int) -> ApiToken | None:
        """The token with that id, or None."""

    def get_by_hash(self, token_hash: str) -> ApiToken | None:
        """The token with that hash, or None."""

    def list_by_prefix(self, prefix: str) -> list[ApiToken]:
        """The tokens whose stored prefix is ``prefix``, oldest first."""

    def list_for_user(self, user_id: int) -> list[ApiToken]:
        """A user's tokens, oldest first."""

    def update(self, token: ApiToken) -> None:
        """Save a token's changed fields (last use)."""

    def delete(self, token_id: int) -> None:
        """Revoke a token."""


@frozen
class SessionCaller:
    """Who is calling with a session, and the database's revision: a number every committed write increases (what
    was read under one revision is still true as long as the revision is the same)."""

    session: Session
    user: User
    revision: int | None  # None: the store keeps none (then nothing read may be kept)
    unread: int = 0  # the user's unread in-app notifications (the header of every page shows the count)


class SessionRepository(Protocol):
    def add(self, session: Session) -> Session:
        """Store a new browser session."""

    def get_by_hash(self, key_hash: str) -> Session | None:
        """The session with that key hash, or None."""

    def get_with_user(self, key_hash: str) -> SessionCaller | None:
        """The session with that key hash, its user, the database's revision and the user's unread notifications,
        read together (every page request needs them), or None."""

    def update(self, session: Session) -> None:
        """Save a session's new expiry."""

    def delete(self, session_id: int) -> None:
        """End one session."""

    def delete_for_user(self, user_id: int) -> None:
        """End every session of a user."""


class LoginFailureRepository(Protocol):
    def add(self, failure: LoginFailure) -> LoginFailure:
        """Count one failed login."""

    def times(self, since: dt.datetime, *, email: str | None = None, address: str | None = None) -> list[dt.datetime]:
        """When the failures for ``email`` (or else from ``address``) after ``since`` happened, oldest first."""

    def delete(self, failure_id: int) -> None:
        """Forget one failure."""

    def delete_for_email(self, email: str) -> None:
        """Forget the failures for ``email`` (it has just logged in)."""

    def delete_older_than(self, instant: dt.datetime) -> int:
        """Forget the failures before ``instant``; how many there were."""


class BarRepository(Protocol):
    def add(self, bar: Bar) -> Bar:
        """Store a new bar."""

    def get(self, bar_id: int) -> Bar | None:
        """The bar with that id, or None."""

    def get_for_update(self, bar_id: int) -> Bar | None:
        """``get``, locking the bar until this unit of work ends (see ``UnitOfWork``)."""

    def get_by_name(self, name: str) -> Bar | None:
        """The bar with that name (case-insensitive), or None."""

    def list(self) -> list[Bar]:
        """Every bar, by name."""

    def update(self, bar: Bar) -> None:
        """Save a bar's changed fields."""


class ThemeRepository(Protocol):
    def add(self, theme: ThemePeriod) -> ThemePeriod:
        """Store the theme of a month that has none."""

    def get_for_month(self, year: int, month: int) -> ThemePeriod | None:
        """The theme of that month, or None."""

    def list(self, year: int | None = None) -> list[ThemePeriod]:
        """Themes in month order, of one year or all."""

    def update(self, theme: ThemePeriod) -> None:
        """Save a theme's new name or description."""


class TemplateRepository(Protocol):
    def add(self, template: DeliverableTemplate) -> DeliverableTemplate:
        """Store a new deliverable template."""

    def get(self, template_id: int) -> DeliverableTemplate | None:
        """The template with that id, or None."""

    def get_for_update(self, template_id: int) -> DeliverableTemplate | None:
        """``get``, locking the template until this unit of work ends (see ``UnitOfWork``)."""

    def get_by_name(self, name: str) -> DeliverableTemplate | None:
        """The template with that name (case-insensitive), or None."""

    def list(self) -> list[DeliverableTemplate]:
        """Every template, by name."""

    def update(self, template: DeliverableTemplate) -> None:
        """Save a template's changed fields."""


class EventRepository(Protocol):
    def add(self, event: Event) -> Event:
        """Store a new event with its bars."""

    def get(self, event_id: int) -> Event | None:
        """The event with that id, or None."""

    def get_for_update(self, event_id: int) -> Event | None:
        """``get``, locking the event until this unit of work ends (see ``UnitOfWork``)."""

    def get_many(self, event_ids: Iterable[int]) -> list[Event]:
        """The events with those ids (unknown ones left out), by date then name, in one query."""

    def list(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        bar_id: int | None = None,
        *,
        cancelled: bool | None = None,
        name: str | None = None,
    ) -> list[Event]:
        """Events from ``start`` to ``end`` included, optionally at one bar, by date then name. ``cancelled``: only
        the cancelled nights (True), only the others (False), or both (None). ``name``: only the nights whose name
        contains it, case and accents ignored (compared through ``rules.search_key``)."""

    def update(self, event: Event) -> None:
        """Save an event's changed fields and bars."""

    def delete(self, event_id: int) -> None:
        """Remove an event with its slots, assets rows and comments."""


class DeliverableRepository(Protocol):
    def add(self, slot: Deliverable) -> Deliverable:
        """Store a new slot."""

    def get(self, slot_id: int) -> Deliverable | None:
        """The slot with that id, or None."""

    def get_for_update(self, slot_id: int) -> Deliverable | None:
        """``get``, locking the slot until this unit of work ends (see ``UnitOfWork``)."""

    def list_for_events(self, event_ids: Iterable[int]) -> list[Deliverable]:
        """The slots of those events, in creation order (one query however many events)."""

    def list_in_status(self, status: Status) -> list[Deliverable]:
        """Every slot in that status."""

    def update(self, slot: Deliverable) -> None:
        """Save a slot's changed fields and count the change in its ``row_version`` (on ``slot`` too)."""


class AssetRepository(Protocol):
    def add(self, asset: Asset) -> Asset:
        """Store a new asset row."""

    def get(self, asset_id: int) -> Asset | None:
        """The asset with that id, or None."""

    def get_for_update(self, asset_id: int) -> Asset | None:
        """``get``, locking the asset until this unit of work ends (see ``UnitOfWork``)."""

    def list_for_events(self, event_ids: Iterable[int]) -> list[Asset]:
        """Assets (versions and photos) of those events, oldest first."""

    def update(self, asset: Asset) -> None:
        """Save an asset's changed fields (location, preview)."""

    def stored_bytes(self) -> int:
        """Bytes the quota counts: hot originals plus every preview."""

    def get_by_upload(self, upload_id: str) -> Asset | None:
        """The asset a resumable upload became, or None."""


class LeaseRepository(Protocol):
    def add(self, lease: Lease) -> Lease:
        """Store a new lease (its id is chosen by the caller)."""

    def list(self) -> list[Lease]:
        """Every stored lease, live or dead."""

    def renew(self, lease_id: str, until: dt.datetime, now: dt.datetime) -> bool:
        """Push the expiry of a lease not yet expired at ``now`` back to ``until``; False when it has expired or is
        gone (a dead lease never comes back: what it kept may already be reclaimed)."""

    def delete(self, lease_ids: Iterable[str]) -> None:
        """Forget those leases (unknown ids are ignored)."""


class ReservationRepository(Protocol):
    def lock(self) -> None:
        """Serialise quota decisions: until this transaction ends, no other one can pass ``lock()``."""

    def add(self, reservation: Reservation) -> Reservation:
        """Hold bytes for an upload under way."""

    def delete(self, reservation_id: int) -> None:
        """Release a hold (the upload ended, stored or not)."""

    def delete_for_lease(self, lease_id: str) -> None:
        """Release every hold a lease keeps."""

    def list(self) -> list[Reservation]:
        """Every hold, oldest first."""

    def total(self) -> int:
        """Bytes held by every upload under way."""

    def unfinished_bytes(self, user_id: int) -> int:
        """Bytes held for that person's unfinished resumable uploads."""


class CommentRepository(Protocol):
    def add(self, comment: Comment) -> Comment:
        """Store a new comment."""

    def get(self, comment_id: int) -> Comment | None:
        """The comment with that id, or None."""

    def get_for_update(self, comment_id: int) -> Comment | None:
        """``get``, locking the comment until this unit of work ends (see ``UnitOfWork``)."""

    def list_for_event(self, event_id: int) -> list[Comment]:
        """An event's comments, oldest first."""

    def update(self, comment: Comment) -> None:
        """Save an edited or deleted comment."""


class ActivityRepository(Protocol):
    def add(self, entry: Activity) -> Activity:
        """Append one entry to the record."""

    def list(
        self,
        event_id: int | None = None,
        actor_id: int | None = None,
        entity_type: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        limit: int | None = None,
        entity_id: int | None = None,
        action: str | None = None,
        action_prefix: str | None = None,
        offset: int = 0,
    ) -> list[Activity]:
        """Entries matching every filter given (``since`` and ``until`` inclusive; ``action`` exactly,
        ``action_prefix`` as the start of the action), newest first, at most ``limit`` after skipping ``offset``
        (both done by the database)."""


class OutboxRepository(Protocol):
    def lock_reminders(self) -> None:
        """Make reminder runs take turns: until this transaction ends, no other one can pass ``lock_reminders()``."""

    def lock_digest(self) -> None:
        """Make digest runs take turns: until this transaction ends, no other one can pass ``lock_digest()``."""

    def add(self, message: OutboxMessage) -> OutboxMessage:
        """Queue a message (Conflict when its ``dedupe_key`` is already queued)."""

    def get(self, message_id: int) -> OutboxMessage | None:
        """The message with that id, or None."""

    def has_key(self, dedupe_key: str) -> bool:
        """Whether a message with that ``dedupe_key`` was queued (and not pruned since: keys name a day or a deadline
        that does not come back once it is 30 days past)."""

    def due(self, now: dt.datetime, limit: int) -> list[OutboxMessage]:
        """Pending messages whose next attempt is due and that no sender holds, oldest first."""

    def claim(self, message_id: int, token: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take a due, unheld pending message for one sender until ``until``; False when another sender has it."""

    def update(self, message: OutboxMessage) -> None:
        """Save a message's delivery state."""

    def list(self, failing_only: bool = False, limit: int | None = None) -> list[OutboxMessage]:
        """Messages newest first; ``failing_only``: not sent and with an error (retrying or given up)."""

    def claim_group(
        self, group_key: str, token: str, now: dt.datetime, until: dt.datetime
    ) -> builtins.list[OutboxMessage]:
        """Take every pending, unheld message of ``group_key`` (due or not yet) for one sender until ``until``; the
        messages taken, oldest first (none when another sender holds them)."""

    def prune(self, sent_before: dt.datetime, failed_before: dt.datetime, limit: int) -> int:
        """Delete at most ``limit`` messages sent before ``sent_before`` or given up on before ``failed_before`` (by
        their last ``next_attempt_at``), oldest first; pending ones stay. How many went."""


class FollowRepository(Protocol):
    def get(self, event_id: int, user_id: int) -> Follow | None:
        """Whether that person follows that night (or chose not to), or None when neither was ever said."""

    def add(self, follow: Follow) -> Follow:
        """Store a person's first follow (or unfollow) of a night (Conflict when there is one already)."""

    def update(self, follow: Follow) -> None:
        """Save a changed follow (following or not)."""

    def list_for_event(self, event_id: int) -> list[Follow]:
        """The follows (and unfollows) of a night, oldest first."""


class NotificationRepository(Protocol):
    def add(self, notification: Notification) -> Notification:
        """Put a line in a person's inbox."""

    def list_for_user(self, user_id: int, limit: int | None = None) -> list[Notification]:
        """A person's notifications, newest first, at most ``limit``."""

    def unread_count(self, user_id: int) -> int:
        """How many of a person's notifications are unread."""

    def mark_read(self, user_id: int, at: dt.datetime, ids: Sequence[int] | None = None) -> int:
        """Mark a person's unread notifications read (only ``ids`` among them, when given); how many changed."""


class WebhookRepository(Protocol):
    def add(self, webhook: Webhook) -> Webhook:
        """Store a new webhook."""

    def get(self, webhook_id: int) -> Webhook | None:
        """The webhook with that id, or None."""

    def list(self) -> list[Webhook]:
        """Every webhook, oldest first."""

    def delete(self, webhook_id: int) -> None:
        """Remove a webhook with its deliveries."""


class DeliveryRepository(Protocol):
    """Webhook deliveries, claimed and settled like the outbox's messages."""

    def add(self, delivery: WebhookDelivery) -> WebhookDelivery:
        """Queue a delivery."""

    def get(self, delivery_id: int) -> WebhookDelivery | None:
        """The delivery with that id, or None."""

    def due(self, now: dt.datetime, limit: int) -> list[WebhookDelivery]:
        """Pending deliveries whose next attempt is due and that no sender holds, oldest first."""

    def claim(self, delivery_id: int, token: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take a due, unheld pending delivery for one sender until ``until``; False when another sender has it."""

    def update(self, delivery: WebhookDelivery) -> None:
        """Save a delivery's state after an attempt."""

    def list_for(self, webhook_id: int, limit: int) -> list[WebhookDelivery]:
        """A webhook's deliveries, newest first, at most ``limit``."""

    def prune(self, sent_before: dt.datetime, failed_before: dt.datetime, limit: int) -> int:
        """Like the outbox's: delete at most ``limit`` deliveries made before ``sent_before`` or given up on before
        ``failed_before``; how many went."""


class FeedRepository(Protocol):
    def add(self, feed: Feed) -> Feed:
        """Store a new calendar feed."""

    def get_by_hash(self, secret_hash: str) -> Feed | None:
        """The feed whose secret has that hash, or None."""

    def for_user(self, user_id: int) -> Feed | None:
        """A user's own feed, or None."""

    def for_bar(self, bar_id: int) -> Feed | None:
        """A bar's staff feed, or None."""

    def delete(self, feed_id: int) -> None:
        """Retire a feed: its address stops working."""


class SettingsRepository(Protocol):
    def current(self) -> TeamSettings:
        """The team's settings (the defaults until an admin changes one)."""

    def update(self, settings: TeamSettings) -> None:
        """Save the team's settings."""


@frozen
class HistoryNight:
    id: int
    date: dt.date
    created_at: dt.datetime | None


@frozen
class Upload:
    """A version of a slot was uploaded at ``at``."""

    slot_id: int
    at: dt.datetime


@frozen
class StatusChange:
    """An activity entry ``id`` that created a slot or changed its status: ``status`` is the status it set, if any."""

    id: int
    slot_id: int
    at: dt.datetime
    action: str
    status: str | None


@frozen
class HistoryRows:
    """The nights of a period with what their slots went through: the slots, when their versions were uploaded and
    the activity entries that created a slot or changed its status, oldest first (what the J-7 statistics and the
    risk forecast learn from; only the columns they need, so that a year of it reads fast)."""

    nights: list[HistoryNight]
    slots: list[Deliverable]
    uploads: list[Upload]
    changes: list[StatusChange]


#: The first and last night (included) of the history a page read should bring along.
HistoryWindow = tuple[dt.date, dt.date]


@frozen
class CalendarRows:
    """What a calendar shows of a period, read in one go: the events (with their bars), their slots, every bar, and
    the monthly themes of the months the period touches; and the history of a window when it was asked for."""

    events: list[Event]
    slots: list[Deliverable]
    bars: list[Bar]
    themes: list[ThemePeriod]
    history: HistoryRows | None = None


@frozen
class CardRows:
    """Everything an event card shows, read in one go; ``bars`` and ``users`` are all of them (to pick from)."""

    event: Event
    slots: list[Deliverable]
    assets: list[Asset]
    comments: list[Comment]
    activity: list[Activity]
    bars: list[Bar]
    themes: list[ThemePeriod]
    users: list[User]
    settings: TeamSettings  # how the team approves: the card's Approve buttons depend on it
    history: HistoryRows | None = None
    follows: list[Follow] = field(factory=list)  # who follows the night (or chose to stop)


class ReadModels(Protocol):
    """Reads of several tables a page needs at once, in the order the single repositories give them."""

    def calendar(
        self,
        start: dt.date,
        end: dt.date,
        bar_id: int | None = None,
        history: HistoryWindow | None = None,
        with_cancelled: bool = False,
    ) -> CalendarRows:
        """The events from ``start`` to ``end`` (at ``bar_id``; cancelled ones only ``with_cancelled``), their slots,
        every bar, the themes of those months; with ``history``, the history of the nights of that window too (in
        the same read)."""

    def card(
        self, event_id: int, activity_limit: int | None = None, history: HistoryWindow | None = None
    ) -> CardRows | None:
        """The event and all it holds (the newest ``activity_limit`` entries), with every bar and user (and the
        history of the ``history`` window); None if no such event."""

    def history(self, start: dt.date, end: dt.date) -> HistoryRows:
        """The nights from ``start`` to ``end`` (cancelled ones left out) with their slots, uploads and status
        changes."""


class Repositories(Protocol):
    """The repositories of a unit of work, declared once. Callers only read them (hence properties): each adapter's
    unit of work makes them when it begins, as plain attributes of its own repository types, and is checked
    against this port where it is used as one (a new repository: one line here, one where each adapter makes it)."""

    @property
    def users(self) -> UserRepository: ...
    @property
    def tokens(self) -> TokenRepository: ...
    @property
    def sessions(self) -> SessionRepository: ...
    @property
    def login_failures(self) -> LoginFailureRepository: ...
    @property
    def bars(self) -> BarRepository: ...
    @property
    def themes(self) -> ThemeRepository: ...
    @property
    def templates(self) -> TemplateRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def deliverables(self) -> DeliverableRepository: ...
    @property
    def assets(self) -> AssetRepository: ...
    @property
    def leases(self) -> LeaseRepository: ...
    @property
    def reservations(self) -> ReservationRepository: ...
    @property
    def comments(self) -> CommentRepository: ...
    @property
    def activity(self) -> ActivityRepository: ...
    @property
    def outbox(self) -> OutboxRepository: ...
    @property
    def read_models(self) -> ReadModels: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def deliveries(self) -> DeliveryRepository: ...
    @property
    def feeds(self) -> FeedRepository: ...
    @property
    def settings(self) -> SettingsRepository: ...
    @property
    def follows(self) -> FollowRepository: ...
    @property
    def notifications(self) -> NotificationRepository: ...


class UnitOfWork(Repositories, Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls everything back.

    Read what you are going to change with ``get_for_update``: the row stays locked until the unit of work ends, so
    a concurrent one that wants to change it too waits for this one and then reads what it committed (no change is
    lost). On PostgreSQL and MySQL/MariaDB that is ``SELECT ... FOR UPDATE``; SQLite and the in-memory store let
    one writer in at a time, so every row is already locked. A transaction the database cancels to settle a
    clash with another (deadlock, serialisation failure, lock wait timeout) raises ``errors.TryAgain`` after it
    was rolled back whole; ``core.replay.replayed`` runs such a use case again.
    """

    def __enter__(self) -> Self:
        """Begin the transaction (SQLite: take the write lock up front)."""

    def __exit__(self, *exc_info: object) -> None:
        """Roll back whatever was not committed and release the connection."""

    def commit(self) -> None:
        """Make the changes so far durable."""

    def has_data(self) -> bool:
        """Whether any user, bar or event is stored."""


class UnitOfWorkFactory(Protocol):
    def __call__(self, read_only: bool = False) -> UnitOfWork:
        """A new, not yet started unit of work; a ``read_only`` one lets readers run side by side and cannot commit."""


class ByteSource(Protocol):
    def read(self, size: int = -1, /) -> bytes:
        """Up to ``size`` bytes; ``b""`` at the end."""


class StoredBlob(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def size(self) -> int: ...

    @property
    def sha256(self) -> str: ...


@frozen
class LeasedFile:
    """A file kept alive by a lease: the temporary file of a write under way, the bytes of an unfinished upload."""

    lease_id: str | None  # None: its name names no lease (a leftover of an older eventflow)
    name: str  # where it is inside its place
    size: int


class LeasedFiles(Protocol):
    def leased_files(self) -> Iterator[LeasedFile]:
        """Every file kept by a lease, whether the lease is alive or dead."""

    def remove_leased(self, name: str) -> None:
        """Delete one of them; no error when it is already gone."""


class ProcessLease(Protocol):
    """The lease of the running process (see ``Lease``)."""

    def current(self) -> str:
        """This process's lease id: taken on first use (and again in a forked child), renewed by a heartbeat."""

    def ended(self, lease: Lease) -> bool:
        """Whether ``lease`` names a process of this machine that no longer runs (no need to wait for its expiry)."""


class BlobStore(LeasedFiles, Protocol):
    """A place for file bytes under generated keys; writes are atomic, their temporary files kept by this process's
    lease."""

    def put(self, stream: ByteSource, limit: int | None = None, key: str | None = None) -> StoredBlob:
        """Copy ``stream`` in chunks into a blob (a new key, or ``key`` replaced atomically); hash it on the way.

        Past ``limit`` bytes raise FileTooLarge, a disk without room StorageFull; either way nothing is kept.
        """

    def open(self, key: str) -> BinaryIO:
        """The blob's bytes for reading; NotFound when it is missing."""

    def path(self, key: str) -> str | None:
        """A filesystem path to the blob when the store has one (for sendfile)."""

    def size(self, key: str) -> int | None:
        """The blob's size in bytes, or None when it is missing."""

    def delete(self, key: str) -> None:
        """Remove a blob; no error when it is already gone."""

    def exists(self, key: str) -> bool:
        """Whether the blob is there."""

    def list_keys(self) -> Iterator[str]:
        """Every key stored (writes under way excluded)."""

    def free_bytes(self) -> int:
        """Free space on the volume that holds the store."""


@frozen
class EncodedImage:
    """An image encoded for the web (a compressed photo or a preview)."""

    data: bytes
    content_type: str
    width: int
    height: int


@frozen
class MediaPreview:
    """What could be learnt from a file: a preview image and facts, or why there is none."""

    image: EncodedImage | None = None
    facts: dict[str, Any] = field(factory=dict)
    error: str | None = None


class ImageProcessor(Protocol):
    def compress_photo(self, source: BinaryIO) -> EncodedImage:
        """A phone photo made fit to keep: orientation applied, metadata stripped, long edge capped, re-encoded.

        Raises UnsupportedMedia when it is not a readable image, InvalidInput when it has too many pixels.
        """

    def thumbnail(self, source: BinaryIO) -> EncodedImage:
        """A small preview of an image file (same errors as ``compress_photo``)."""


class MediaProbe(Protocol):
    def preview(self, source: BinaryIO, content_type: str) -> MediaPreview:
        """A preview image and facts (pages, duration, resolution, codec) for a stored file; never raises."""

    def page(self, source: BinaryIO, number: int, edge: int) -> EncodedImage:
        """Page ``number`` (1-based) of a PDF as an image whose long edge is ``edge`` pixels.

        Raises InvalidInput when the document has no such page, UnsupportedMedia when it cannot be read.
        """


class Notifier(Protocol):
    def send(self, to: Sequence[str], subject: str, text: str, html: str | None = None) -> None:
        """Deliver (or queue) one message to those addresses."""


@frozen
class HttpAnswer:
    """What a web server answered: its status code and the start of its body (for the delivery log)."""

    status: int
    excerpt: str = ""


class WebhookPoster(Protocol):
    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        """POST ``body`` to ``url`` with those headers, following no redirect, within a few seconds; raises OSError
        when no answer came (refused, timed out, TLS refused)."""


class BackupPlace(Protocol):
    """Where one backup lives (a folder, or a prefix of a bucket): named files written whole or not at all, and the
    backup's copy of each store, under the stores' own keys."""

    def write(self, name: str, stream: ByteSource) -> StoredBlob:
        """Copy ``stream`` into the file ``name`` (hashed on the way); it appears only once whole."""

    def open(self, name: str) -> BinaryIO:
        """The file ``name`` for reading; NotFound when the backup has no such file."""

    def exists(self, name: str) -> bool:
        """Whether the backup has the file ``name``."""

    def files(self, store: str) -> BlobStore:
        """The backup's copy of the files of ``store`` (hot or cold)."""


@frozen
class DatabaseDump:
    """A snapshot of the database inside a backup: its file, what wrote it, and its size and sha256."""

    name: str
    backend: str
    revision: str | None
    size: int
    sha256: str


class DatabaseBackup(Protocol):
    def dump(self, place: BackupPlace) -> tuple[DatabaseDump, list[Asset]]:
        """Write a consistent snapshot of the database into ``place`` while the app keeps running; the file rows
        (assets) of that same snapshot."""

    def is_empty(self) -> bool:
        """Whether the database holds no table at all (nothing a restore could overwrite)."""

    def load(self, place: BackupPlace, dump: DatabaseDump) -> None:
        """Fill the empty database from the dump in ``place``."""
