"""The composition root: the one place that picks adapters and wires the services bundle."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from attrs import define, field

from eventflow.adapters.security import Argon2Hasher, sanitize_html
from eventflow.config import BucketUrl, ConfigError, Settings
from eventflow.core.clock import SystemClock
from eventflow.core.model import Language
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
from eventflow.core.services import Context
from eventflow.core.services.assets import AssetService, Quota
from eventflow.core.services.audit import AuditService
from eventflow.core.services.backup import BackupService
from eventflow.core.services.catalog import BarService, TemplateService, ThemeService
from eventflow.core.services.comments import CommentService
from eventflow.core.services.events import EventService
from eventflow.core.services.feeds import FeedService
from eventflow.core.services.inbox import InboxService
from eventflow.core.services.migration import MigrationService
from eventflow.core.services.notifications import DigestService, NotificationPlanner
from eventflow.core.services.outbox import OutboxService
from eventflow.core.services.reminders import ReminderService
from eventflow.core.services.review import ReviewService
from eventflow.core.services.stats import StatsService
from eventflow.core.services.storage import StorageService
from eventflow.core.services.users import UserService
from eventflow.core.services.webhooks import WebhookPlanner, WebhookService
from eventflow.core.shared_reads import SharedReads


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

    hot, cold = stores(settings, unleased)
    return BackupService(
        clock or SystemClock(settings.timezone),
        SqlDatabaseBackup(settings.database_url),
        {"hot": hot, "cold": cold},
        frozenset(name for name, url in (("hot", settings.hot_url), ("cold", settings.cold_url)) if url is None),
    )


def blob_store(url: BucketUrl | None, name: str) -> BlobStore | None:
    """The store in the bucket at ``url`` once it answered (boto3 is imported only then), or None for a folder."""
    if url is None:
        return None
    try:
        from eventflow.adapters.s3store import connect
    except ImportError as error:
        raise ConfigError(f"{url.variable} needs boto3: pip install 'eventflow[s3]' ({error})") from None
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


def translations(language: Language) -> Translator:
    """The gettext catalogs the pages use (Babel is imported on the first e-mail, not at every command's start)."""
    from eventflow.adapters.translations import translator

    return translator(language)


@define
class Services:
    """Everything the entrypoints call: use cases plus the settings and ports they were built with."""

    settings: Settings
    ctx: Context
    files: StoragePorts
    poster: WebhookPoster = field(factory=web_poster)
    users: UserService = field(init=False)
    bars: BarService = field(init=False)
    themes: ThemeService = field(init=False)
    templates: TemplateService = field(init=False)
    events: EventService = field(init=False)
    comments: CommentService = field(init=False)
    assets: AssetService = field(init=False)
    storage: StorageService = field(init=False)
    digest: DigestService = field(init=False)
    outbox: OutboxService = field(init=False)
    audit: AuditService = field(init=False)
    reminders: ReminderService = field(init=False)
    webhooks: WebhookService = field(init=False)
    feeds: FeedService = field(init=False)
    review: ReviewService = field(init=False)
    migration: MigrationService = field(init=False)
    stats: StatsService = field(init=False)
    inbox: InboxService = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.users = UserService(self.ctx)
        self.bars = BarService(self.ctx)
        self.themes = ThemeService(self.ctx)
        self.templates = TemplateService(self.ctx)
        self.events = EventService(self.ctx)
        self.comments = CommentService(self.ctx)
        quota = Quota(self.ctx, self.settings.quota_bytes, self.files.lease)
        self.assets = AssetService(
            self.ctx,
            self.files.hot,
            self.files.cold,
            self.files.images,
            self.files.probe,
            quota,
            self.settings.max_upload_bytes,
            unfinished_expiry=dt.timedelta(hours=self.settings.unfinished_expiry_hours),
            max_unfinished_bytes=self.settings.max_unfinished_bytes,
        )
        self.storage = StorageService(
            self.ctx, self.files.hot, self.files.cold, quota, self.files.notifier, self.files.uploads
        )
        window = dt.timedelta(seconds=self.settings.mail_group_seconds)
        self.ctx.on_activity.append(NotificationPlanner(self.ctx, self.settings.base_url, window))
        self.digest = DigestService(self.ctx, self.settings.base_url)
        self.outbox = OutboxService(self.ctx, self.files.notifier)
        self.audit = AuditService(self.ctx)
        self.ctx.on_activity.append(WebhookPlanner(self.ctx, self.settings.base_url))
        self.reminders = ReminderService(self.ctx, self.settings.base_url)
        self.webhooks = WebhookService(self.ctx, self.poster, self.settings.base_url)
        self.feeds = FeedService(self.ctx, self.settings.base_url, self.settings.secret_key)
        self.review = ReviewService(self.ctx, self.assets, self.files.probe)
        self.migration = MigrationService(self.ctx, {"hot": self.files.hot, "cold": self.files.cold})
        self.stats = StatsService(self.ctx)
        self.inbox = InboxService(self.ctx)

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
        from eventflow.adapters.sql import SqlUnitOfWorkFactory

        uow = SqlUnitOfWorkFactory.from_url(settings.database_url, migrate=migrate)
    ctx = Context(
        uow=SharedReads(uow),
        clock=clock or SystemClock(settings.timezone),
        hasher=hasher or Argon2Hasher(),
        sanitize=sanitize_html,
        translations=translations,
    )
    return Services(
        settings=settings,
        ctx=ctx,
        files=files or StoragePorts.local(settings, ctx, notifier),
        poster=poster or web_poster(),
    )
