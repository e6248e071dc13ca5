"""The composition root: the one place that picks adapters and wires the services bundle."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import BinaryIO

from attrs import define, field

from eventflow.adapters.security import Argon2Hasher, sanitize_html
from eventflow.config import Settings
from eventflow.core.clock import SystemClock
from eventflow.core.ports import (
    BlobStore,
    Clock,
    EncodedImage,
    ImageProcessor,
    MediaPreview,
    MediaProbe,
    Notifier,
    PasswordHasher,
    UnitOfWorkFactory,
)
from eventflow.core.services import Context
from eventflow.core.services.assets import AssetService, Quota
from eventflow.core.services.audit import AuditService
from eventflow.core.services.catalog import BarService, TemplateService, ThemeService
from eventflow.core.services.comments import CommentService
from eventflow.core.services.events import EventService
from eventflow.core.services.notifications import DigestService, NotificationPlanner
from eventflow.core.services.outbox import OutboxService
from eventflow.core.services.storage import StorageService
from eventflow.core.services.users import UserService
from eventflow.core.shared_reads import SharedReads


@define
class StoragePorts:
    """The file-side adapters: hot and cold blob stores, notifier, image processor, media probe."""

    hot: BlobStore
    cold: BlobStore
    notifier: Notifier
    images: ImageProcessor
    probe: MediaProbe

    @classmethod
    def local(cls, settings: Settings, notifier: Notifier | None = None) -> StoragePorts:
        from eventflow.adapters.blobstore import LocalBlobStore

        def pillow() -> tuple[ImageProcessor, MediaProbe]:
            from eventflow.adapters.images import PillowImageProcessor
            from eventflow.adapters.media import MediaPreviewer

            images = PillowImageProcessor()
            return images, MediaPreviewer(images)

        media = MediaOnDemand(pillow)
        return cls(
            hot=LocalBlobStore(settings.files_dir, "hot"),
            cold=LocalBlobStore(settings.cold_dir, "cold"),
            notifier=notifier or mail_notifier(settings),
            images=media,
            probe=media,
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

    def _adapters(self) -> tuple[ImageProcessor, MediaProbe]:
        with self._lock:  # the web app's threads may ask at once: build once
            if self._built is None:
                self._built = self._build()
            return self._built


def mail_notifier(settings: Settings) -> Notifier:
    """SMTP when ``EVENTFLOW_SMTP_URL`` is set, else a notifier that only logs."""
    if settings.smtp_url:
        from eventflow.adapters.smtp import SmtpNotifier

        return SmtpNotifier.from_url(settings.smtp_url)
    from eventflow.adapters.notifier import LoggingNotifier

    return LoggingNotifier()


@define
class Services:
    """Everything the entrypoints call: use cases plus the settings and ports they were built with."""

    settings: Settings
    ctx: Context
    files: StoragePorts
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

    def __attrs_post_init__(self) -> None:
        self.users = UserService(self.ctx)
        self.bars = BarService(self.ctx)
        self.themes = ThemeService(self.ctx)
        self.templates = TemplateService(self.ctx)
        self.events = EventService(self.ctx)
        self.comments = CommentService(self.ctx)
        quota = Quota(self.ctx, self.settings.quota_bytes)
        self.assets = AssetService(
            self.ctx,
            self.files.hot,
            self.files.cold,
            self.files.images,
            self.files.probe,
            quota,
            self.settings.max_upload_bytes,
        )
        self.storage = StorageService(self.ctx, self.files.hot, self.files.cold, quota, self.files.notifier)
        self.ctx.on_activity.append(NotificationPlanner(self.ctx, self.settings.base_url))
        self.digest = DigestService(self.ctx, self.settings.base_url)
        self.outbox = OutboxService(self.ctx, self.files.notifier)
        self.audit = AuditService(self.ctx)

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
    )
    return Services(settings=settings, ctx=ctx, files=files or StoragePorts.local(settings, notifier))
