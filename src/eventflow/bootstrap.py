"""The composition root: the one place that picks adapters and wires the services bundle."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, TypeVar, overload

from attrs import define, field

from eventflow.config import BucketUrl, ConfigError, Settings
from eventflow.core.clock import SystemClock
from eventflow.core.model import Activity, Language
from eventflow.core.ports import (
    BackupPlace,
    BlobStore,
    Clock,
    EncodedImage,
    ImageProcessor,
    LeasedFiles,
    MediaPreview,
    MediaProbe,
    Notifier,
    PasswordHasher,
    ProcessLease,
    Translator,
    UnitOfWorkFactory,
    WebhookPoster,
)
from eventflow.core.services import ActivityHook, Context
from eventflow.core.shared_reads import SharedReads

if TYPE_CHECKING:  # each service's module is loaded when the service is first asked for (see ``Services``)
    from eventflow.core.ports import UnitOfWork
    from eventflow.core.services.assets import AssetService, Quota
    from eventflow.core.services.audit import AuditService
    from eventflow.core.services.backup import BackupService
    from eventflow.core.services.catalog import BarService, TemplateService, ThemeService
    from eventflow.core.services.comments import CommentService
    from eventflow.core.services.events import EventService
    from eventflow.core.services.feeds import FeedService
    from eventflow.core.services.inbox import InboxService
    from eventflow.core.services.migration import MigrationService
    from eventflow.core.services.notifications import DigestService
    from eventflow.core.services.outbox import OutboxService
    from eventflow.core.services.reminders import ReminderService
    from eventflow.core.services.review import ReviewService
    from eventflow.core.services.stats import StatsService
    from eventflow.core.services.storage import StorageService
    from eventflow.core.services.users import UserService
    from eventflow.core.services.webhooks import WebhookService

T = TypeVar("T")


@define
class StoragePorts:
    """The file-side adapters: hot and cold blob stores, unfinished resumable uploads, notifier, image processor,
    media probe, and the lease of this process that keeps its temporary files and quota holds."""

    hot: BlobStore
    cold: BlobStore
    uploads: LeasedFiles
    notifier: Notifier
    images: ImageProcessor
    probe: MediaProbe
    lease: ProcessLease

    @classmethod
    def local(cls, settings: Settings, ctx: Context, notifier: Notifier | None = None) -> StoragePorts:
        from eventflow.adapters.leases import ProcessLeases
        from eventflow.adapters.resumable import UploadFolders

        def pillow() -> tuple[ImageProcessor, MediaProbe]:
            from eventflow.adapters.images import PillowImageProcessor
            from eventflow.adapters.media import MediaPreviewer

            images = PillowImageProcessor(decodes=settings.image_decodes)
            return images, MediaPreviewer(images)

        media = MediaOnDemand(pillow)
        lease = ProcessLeases(ctx.uow, ctx.clock)
        hot, cold = stores(settings, lease.current)
        return cls(
            hot=hot,
            cold=cold,
            uploads=UploadFolders(settings.uploads_dir),
            notifier=notifier or mail_notifier(settings),
            images=media,
            probe=media,
            lease=lease,
        )


class MediaOnDemand:
    """The image processor and media probe that ``build`` makes, made on the first picture: Pillow, pillow-heif,
    PyAV and pypdfium2 take longer to load than most commands and pages take to run, and those never need them."""

    def __init__(self, build: Callable[[], tuple[ImageProcessor, MediaProbe]]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._built: tuple[ImageProcessor, MediaProbe] | None = None

    def compress_photo(self, source: BinaryIO) -> EncodedImage:
        return self._adapters()[0].compress_photo(source)

    def thumbnail(self, source: BinaryIO) -> EncodedImage:
        return self._adapters()[0].thumbnail(source)

    def preview(self, source: BinaryIO, content_type: str) -> MediaPreview:
        return self._adapters()[1].preview(source, content_type)

    def page(self, source: BinaryIO, number: int, edge: int) -> EncodedImage:
        return self._adapters()[1].page(source, number, edge)

    def _adapters(self) -> tuple[ImageProcessor, MediaProbe]:
        with self._lock:  # the web app's threads may ask at once: build once
            if self._built is None:
                self._built = self._build()
            return self._built


def stores(settings: Settings, lease: Callable[[], str]) -> tuple[BlobStore, BlobStore]:
    """The hot and cold stores: buckets when their URLs are set, else folders whose temporary files ``lease`` keeps."""
    from eventflow.adapters.blobstore import LocalBlobStore

    hot = blob_store(settings.hot_url, "hot") or LocalBlobStore(settings.files_dir, "hot", lease=lease)
    cold = blob_store(settings.cold_url, "cold") or LocalBlobStore(settings.cold_dir, "cold", lease=lease)
    return hot, cold


def store_at(place: str, name: str, variable: str) -> BlobStore:
    """A store at ``place``: a bucket URL (``s3://…``, checked now) or a folder."""
    if place.startswith("s3://"):
        store = blob_store(BucketUrl.parse(place, variable), name)
        assert store is not None
        return store
    from eventflow.adapters.blobstore import LocalBlobStore, unleased

    return LocalBlobStore(Path(place).expanduser().resolve(), name, lease=unleased)


def backup_place(place: str) -> BackupPlace:
    """Where a backup goes: a bucket URL (``s3://BUCKET/PREFIX?endpoint=…``, checked now) or a folder."""
    from eventflow.adapters.backup_places import BucketPlace, FolderPlace

    if not place.startswith("s3://"):
        return FolderPlace(Path(place).expanduser().resolve())
    url = BucketUrl.parse(place, "DEST")
    bucket = blob_store(url, "backup")
    assert bucket is not None
    return BucketPlace(bucket.client, url)  # type: ignore[attr-defined]


def backups(settings: Settings, clock: Clock | None = None) -> BackupService:
    """Backups of the configured database and stores, built without touching the database (no migration: a
    restore needs it empty)."""
    from eventflow.adapters.blobstore import unleased
    from eventflow.adapters.sql.backup import SqlDatabaseBackup
    from eventflow.core.services.backup import BackupService

    hot, cold = stores(settings, unleased)
    return BackupService(
        clock or SystemClock(settings.timezone),
        SqlDatabaseBackup(settings.database_url),
        {"hot": hot, "cold": cold},
        frozenset(name for name, url in (("hot", settings.hot_url), ("cold", settings.cold_url)) if url is None),
    )


def blob_store(url: BucketUrl | None, name: str) -> BlobStore | None:
    """The store in the bucket at ``url`` once it answered (its client is imported only then), or None for a folder."""
    if url is None:
        return None
    try:
        from eventflow.adapters.s3store import connect
    except ImportError as error:
        raise ConfigError(
            "%(variable)s needs obstore: pip install 'eventflow[s3]' (%(error)s)",
            variable=url.variable,
            error=str(error),
        ) from None
    return connect(url, name)


def mail_notifier(settings: Settings) -> Notifier:
    """SMTP when ``EVENTFLOW_SMTP_URL`` is set, else a notifier that only logs."""
    if settings.smtp_url:
        from eventflow.adapters.smtp import SmtpNotifier

        return SmtpNotifier.from_url(settings.smtp_url)
    from eventflow.adapters.notifier import LoggingNotifier

    return LoggingNotifier()


def web_poster() -> WebhookPoster:
    """Webhook deliveries over HTTP(S)."""
    from eventflow.adapters.webhooks import UrllibPoster

    return UrllibPoster()


class Argon2OnFirstUse:
    """The Argon2 password hasher, loaded on the first password hashed or checked (most commands check none)."""

    def __init__(self) -> None:
        self._hasher: PasswordHasher | None = None

    def hash(self, password: str) -> str:
        return self._argon2().hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        return self._argon2().verify(stored_hash, password)

    def _argon2(self) -> PasswordHasher:
        if self._hasher is None:  # two threads may both make one: they are alike
            from eventflow.adapters.security import Argon2Hasher

            self._hasher = Argon2Hasher()
        return self._hasher


def sanitize_html(html: str) -> str:
    """Rich text made safe (nh3, loaded on the first text written)."""
    from eventflow.adapters.security import sanitize_html as sanitized

    return sanitized(html)


def translations(language: Language) -> Translator:
    """The gettext catalogs the pages use (Babel is imported on the first e-mail, not at every command's start)."""
    from eventflow.adapters.translations import translator

    return translator(language)


class built_once(Generic[T]):
    """A service made on first use, once even when threads ask at the same time, then kept in the instance."""

    def __init__(self, build: Callable[[Services], T]) -> None:
        self._build = build
        self._name = build.__name__
        self.__doc__ = build.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, services: None, owner: type) -> built_once[T]: ...
    @overload
    def __get__(self, services: Services, owner: type) -> T: ...
    def __get__(self, services: Services | None, owner: type) -> built_once[T] | T:
        if services is None:
            return self
        with services.building:
            kept: dict[str, Any] = services.__dict__
            if self._name not in kept:
                kept[self._name] = self._build(services)
            made: T = kept[self._name]
            return made


class OnFirstEntry:
    """An activity hook made on the first activity entry it sees (its module is loaded then, not at start)."""

    def __init__(self, build: Callable[[], ActivityHook]) -> None:
        self._build = build
        self._hook: ActivityHook | None = None
        self._lock = threading.Lock()

    def __call__(self, uow: UnitOfWork, entry: Activity) -> None:
        with self._lock:
            if self._hook is None:
                self._hook = self._build()
        self._hook(uow, entry)


@define(slots=False)
class Services:
    """Everything the entrypoints call: use cases plus the settings and ports they were built with.

    Each service is made, and its module loaded, when it is first asked for: a command that lists events never
    loads the upload, webhook or statistics code. The activity hooks (notifications, webhooks) are in place from
    the start and load their code on the first write."""

    settings: Settings
    ctx: Context
    given_files: StoragePorts | None = None  # None: the local ones (``StoragePorts.local``), made on first use
    notifier: Notifier | None = None  # for the local ports; None: SMTP or the log (``mail_notifier``)
    poster: WebhookPoster | None = None  # None: over HTTP(S), made with the webhook service
    building: threading.RLock = field(factory=threading.RLock, init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        base_url = self.settings.base_url

        def notifications() -> ActivityHook:
            from eventflow.core.services.notifications import NotificationPlanner

            return NotificationPlanner(self.ctx, base_url, dt.timedelta(seconds=self.settings.mail_group_seconds))

        def webhooks() -> ActivityHook:
            from eventflow.core.services.webhooks import WebhookPlanner

            return WebhookPlanner(self.ctx, base_url)

        self.ctx.on_activity += [OnFirstEntry(notifications), OnFirstEntry(webhooks)]

    @built_once
    def files(self) -> StoragePorts:
        """The file-side adapters; the local ones are made on first use (listing events touches no file)."""
        return self.given_files or StoragePorts.local(self.settings, self.ctx, self.notifier)

    @built_once
    def users(self) -> UserService:
        from eventflow.core.services.users import UserService

        return UserService(self.ctx)

    @built_once
    def bars(self) -> BarService:
        from eventflow.core.services.catalog import BarService

        return BarService(self.ctx)

    @built_once
    def themes(self) -> ThemeService:
        from eventflow.core.services.catalog import ThemeService

        return ThemeService(self.ctx)

    @built_once
    def templates(self) -> TemplateService:
        from eventflow.core.services.catalog import TemplateService

        return TemplateService(self.ctx)

    @built_once
    def events(self) -> EventService:
        from eventflow.core.services.events import EventService

        return EventService(self.ctx)

    @built_once
    def comments(self) -> CommentService:
        from eventflow.core.services.comments import CommentService

        return CommentService(self.ctx)

    @built_once
    def quota(self) -> Quota:
        """The quota the uploads and the storage jobs share."""
        from eventflow.core.services.assets import Quota

        return Quota(self.ctx, self.settings.quota_bytes, self.files.lease)

    @built_once
    def assets(self) -> AssetService:
        from eventflow.core.services.assets import AssetService

        return AssetService(
            self.ctx,
            self.files.hot,
            self.files.cold,
            self.files.images,
            self.files.probe,
            self.quota,
            self.settings.max_upload_bytes,
            unfinished_expiry=dt.timedelta(hours=self.settings.unfinished_expiry_hours),
            max_unfinished_bytes=self.settings.max_unfinished_bytes,
        )

    @built_once
    def storage(self) -> StorageService:
        from eventflow.core.services.storage import StorageService

        files = self.files
        return StorageService(self.ctx, files.hot, files.cold, self.quota, files.notifier, files.uploads)

    @built_once
    def digest(self) -> DigestService:
        from eventflow.core.services.notifications import DigestService

        return DigestService(self.ctx, self.settings.base_url)

    @built_once
    def outbox(self) -> OutboxService:
        from eventflow.core.services.outbox import OutboxService

        return OutboxService(self.ctx, self.files.notifier)

    @built_once
    def audit(self) -> AuditService:
        from eventflow.core.services.audit import AuditService

        return AuditService(self.ctx)

    @built_once
    def reminders(self) -> ReminderService:
        from eventflow.core.services.reminders import ReminderService

        return ReminderService(self.ctx, self.settings.base_url)

    @built_once
    def webhooks(self) -> WebhookService:
        from eventflow.core.services.webhooks import WebhookService

        return WebhookService(self.ctx, self.poster or web_poster(), self.settings.base_url)

    @built_once
    def feeds(self) -> FeedService:
        from eventflow.core.services.feeds import FeedService

        return FeedService(self.ctx, self.settings.base_url, self.settings.secret_key)

    @built_once
    def review(self) -> ReviewService:
        from eventflow.core.services.review import ReviewService

        return ReviewService(self.ctx, self.assets, self.files.probe)

    @built_once
    def migration(self) -> MigrationService:
        from eventflow.core.services.migration import MigrationService

        return MigrationService(self.ctx, {"hot": self.files.hot, "cold": self.files.cold})

    @built_once
    def stats(self) -> StatsService:
        from eventflow.core.services.stats import StatsService

        return StatsService(self.ctx)

    @built_once
    def inbox(self) -> InboxService:
        from eventflow.core.services.inbox import InboxService

        return InboxService(self.ctx)

    @property
    def clock(self) -> Clock:
        return self.ctx.clock

    @property
    def uow(self) -> UnitOfWorkFactory:
        return self.ctx.uow

    @property
    def reads(self) -> SharedReads:
        """The units of work the services use: ``reads.sharing()`` makes a request's reads one transaction."""
        assert isinstance(self.ctx.uow, SharedReads)
        return self.ctx.uow

    @property
    def database(self) -> UnitOfWorkFactory:
        """The adapter's own factory (the SQL one has the engine and ``dispose()``)."""
        return self.reads.factory


def bootstrap(
    settings: Settings | None = None,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    notifier: Notifier | None = None,
    files: StoragePorts | None = None,
    poster: WebhookPoster | None = None,
    migrate: bool = True,
) -> Services:
    """Build the services. Anything passed in (a fake unit of work, a fixed clock…) replaces the default."""
    settings = settings or Settings.from_env()
    if uow is None:
        from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory

        uow = SqlUnitOfWorkFactory.from_url(settings.database_url, migrate=migrate)
    ctx = Context(
        uow=SharedReads(uow),
        clock=clock or SystemClock(settings.timezone),
        hasher=hasher or Argon2OnFirstUse(),
        sanitize=sanitize_html,
        translations=translations,
    )
    return Services(
        settings=settings,
        ctx=ctx,
        given_files=files,
        notifier=notifier,
        poster=poster,
    )
