"""Files: new versions of a slot, moodboard photos, the quota that guards the disk, previews, downloads.

An upload goes: type checked from its name, bytes held in the quota (a reservation committed before a byte is
read, so concurrent uploads cannot overshoot), content checked from its first bytes (magic numbers), streamed
into the hot store (limit enforced, nothing kept past it), then the asset row is committed and the hold released.
Any failure deletes the stored bytes and releases the hold.

The 80% alert keeps no state of its own: every change of usage compares the usage just before and just after it
inside the same transaction, and an alert is queued (activity ``storage.alert``, mailed through the outbox) only
when it moves from below the line to at or above it.
Usage has to fall below the line again before it can cross it again, which makes it "once per crossing,
re-armed below" without a table.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from attrs import define, evolve, field, frozen

from eventflow.core import errors, rules, rules_specs
from eventflow.core.i18n import N_
from eventflow.core.model import Asset, Deliverable, Lease, PhotoCategory, Reservation, StorageTier, User
from eventflow.core.ports import (
    BlobStore,
    ByteSource,
    ImageProcessor,
    MediaProbe,
    ProcessLease,
    StoredBlob,
    UnitOfWork,
)
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, actor_id, found, record
from eventflow.core.services.events import EventService

HEAD_BYTES = 4096
MAX_FILENAME = 200
#: An unfinished resumable upload nobody resumes for this long expires (EVENTFLOW_TUS_EXPIRY_HOURS).
UNFINISHED_EXPIRY = dt.timedelta(hours=24)
#: What one person's unfinished resumable uploads may hold at most (EVENTFLOW_MAX_UNFINISHED_MB).
MAX_UNFINISHED_BYTES = 2048 * 1024 * 1024


# -- file types ------------------------------------------------------------------------------------------------
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _iso_brand(head: bytes) -> bytes | None:
    return head[8:12] if head[4:8] == b"ftyp" else None


def _is_heif(head: bytes) -> bool:
    return _iso_brand(head) in HEIF_BRANDS


def _is_iso_video(head: bytes) -> bool:
    brand = _iso_brand(head)
    return brand is not None and brand not in HEIF_BRANDS


def _is_svg(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    return text.startswith(b"<") and b"<svg" in text


@frozen
class FileKind:
    """An accepted type: its content type, how its first bytes look, whether a browser may show it inline."""

    content_type: str
    matches: Callable[[bytes], bool]
    inline: bool = False
    photo: bool = False


_JPEG = FileKind("image/jpeg", lambda h: h.startswith(b"\xff\xd8\xff"), inline=True, photo=True)
_HEIC = FileKind("image/heic", _is_heif, inline=True, photo=True)
_ZIP = FileKind("application/zip", lambda h: h.startswith((b"PK\x03\x04", b"PK\x05\x06")))
KINDS: dict[str, FileKind] = {
    "pdf": FileKind("application/pdf", lambda h: h.startswith(b"%PDF-"), inline=True),
    "png": FileKind("image/png", lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"), inline=True, photo=True),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "webp": FileKind("image/webp", lambda h: h[:4] == b"RIFF" and h[8:12] == b"WEBP", inline=True, photo=True),
    "gif": FileKind("image/gif", lambda h: h.startswith((b"GIF87a", b"GIF89a")), inline=True, photo=True),
    "heic": _HEIC,
    "heif": FileKind("image/heif", _is_heif, inline=True, photo=True),
    "mp4": FileKind("video/mp4", _is_iso_video, inline=True),
    "m4v": FileKind("video/x-m4v", _is_iso_video, inline=True),
    "mov": FileKind("video/quicktime", lambda h: _is_iso_video(h) or h[4:8] in QUICKTIME_ATOMS, inline=True),
    "webm": FileKind("video/webm", lambda h: h.startswith(b"\x1a\x45\xdf\xa3"), inline=True),
    "ai": FileKind("application/illustrator", lambda h: h.startswith((b"%PDF-", b"%!PS-Adobe"))),
    "psd": FileKind("image/vnd.adobe.photoshop", lambda h: h.startswith(b"8BPS")),
    "svg": FileKind("image/svg+xml", _is_svg),
    "zip": _ZIP,
}
PHOTO_EXTENSIONS = tuple(ext for ext, kind in KINDS.items() if kind.photo)
INLINE_TYPES = frozenset(kind.content_type for kind in KINDS.values() if kind.inline)


def clean_filename(filename: str | None) -> str:
    """The user's name for the file (kept for downloads only), accents composed, without folders, quotes or
    anything unprintable: control characters and the format ones, bidi overrides such as U+202E included
    (they make "fdp.exe" read "exe.pdf")."""
    name = unicodedata.normalize("NFC", re.split(r"[\\/]", filename or "")[-1])
    name = "".join(ch for ch in name if ch.isprintable() and ch != '"').strip().lstrip(".")
    if not name:
        raise errors.InvalidInput("the file has no name", "file")
    return name[-MAX_FILENAME:]


def extension(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def kind_for(filename: str, photo: bool = False) -> FileKind:
    """The accepted type a file name announces; UnsupportedMedia (415) otherwise."""
    allowed = PHOTO_EXTENSIONS if photo else tuple(KINDS)
    ext = extension(filename)
    if ext not in allowed:
        text = (
            N_("“%(filename)s”: .%(ext)s files are not accepted as photos; send one of %(allowed)s")
            if photo
            else N_("“%(filename)s”: .%(ext)s files are not accepted as deliverable files; send one of %(allowed)s")
        )
        raise errors.UnsupportedMedia(
            text, filename=filename, ext=ext or "(none)", allowed=", ".join(f".{e}" for e in allowed)
        )
    return KINDS[ext]


def empty_file(filename: str) -> errors.InvalidInput:
    """The refusal of a file with nothing in it (it would never become a version)."""
    return errors.InvalidInput("“%(filename)s” is empty", "file", filename=filename)


def check_content(kind: FileKind, head: bytes, filename: str) -> None:
    if not head:
        raise empty_file(filename)
    if not kind.matches(head):
        raise errors.UnsupportedMedia(
            "“%(filename)s” does not contain what its name says (%(content_type)s); check the file and send it again",
            filename=filename,
            content_type=kind.content_type,
        )


# -- streams ---------------------------------------------------------------------------------------------------
def read_head(stream: ByteSource, size: int = HEAD_BYTES) -> bytes:
    head = b""
    while len(head) < size and (chunk := stream.read(size - len(head))):
        head += chunk
    return head


@define
class Prefixed:
    """``stream`` with ``head`` (already read from it) put back in front."""

    head: bytes
    stream: ByteSource

    def read(self, size: int = -1, /) -> bytes:
        if not self.head:
            return self.stream.read(size)
        if size < 0:
            data, self.head = self.head + self.stream.read(), b""
            return data
        data, self.head = self.head[:size], self.head[size:]
        return data


# -- quota -----------------------------------------------------------------------------------------------------
@frozen
class LeaseCensus:
    """Which leases are alive, which are dead, and the holds no live lease keeps (read under the quota lock)."""

    live: frozenset[str]
    dead: list[Lease]
    orphan_holds: list[Reservation]


@define
class Quota:
    """Holds bytes for uploads under way and alerts admins when usage crosses the alert line.

    Every hold is kept by a lease: this process's (a multipart upload, a restore) or a resumable upload's. The holds
    of a dead lease are dropped by the next sweep, and at once when they stand in the way of a new hold.
    """

    ctx: Context
    quota_bytes: int
    process: ProcessLease

    def reserve(self, size: int) -> int:
        """Hold ``size`` bytes for this process (committed) or raise QuotaExceeded; returns the hold's id."""
        lease_id = self.process.current()  # before the transaction: taking it may write
        with self.ctx.uow() as uow:
            hold = self._hold(uow, Reservation(lease_id, size, self.ctx.clock.now()))
            uow.commit()
        assert hold.id is not None
        return hold.id

    def hold_unfinished(self, lease: Lease, size: int, user_id: int, cap: int) -> None:
        """Store ``lease`` with a hold of ``size`` bytes for a resumable upload of ``user_id``, within the quota and
        the person's ``cap`` of unfinished bytes (TooManyUnfinished beyond it)."""
        with self.ctx.uow() as uow:
            self._hold(uow, Reservation(lease.id, size, self.ctx.clock.now(), user_id=user_id), cap)
            uow.leases.add(lease)
            uow.commit()

    def release(self, reservation_id: int) -> None:
        with self.ctx.uow() as uow:
            uow.reservations.delete(reservation_id)
            uow.commit()

    def release_lease(self, lease_id: str, forget: bool = False) -> None:
        """Release the holds a lease keeps; with ``forget``, the lease itself too."""
        with self.ctx.uow() as uow:
            uow.reservations.delete_for_lease(lease_id)
            if forget:
                uow.leases.delete([lease_id])
            uow.commit()

    def census(self, uow: UnitOfWork) -> LeaseCensus:
        now = self.ctx.clock.now()
        leases = uow.leases.list()
        dead = [lease for lease in leases if lease.expires_at <= now or self.process.ended(lease)]
        live = frozenset(lease.id for lease in leases) - {lease.id for lease in dead}
        return LeaseCensus(live, dead, [r for r in uow.reservations.list() if r.lease_id not in live])

    def reclaim(self, uow: UnitOfWork) -> LeaseCensus:
        """Drop the holds no live lease keeps (call it holding the quota lock); the dead leases stay stored until
        the sweep has removed their files too."""
        census = self.census(uow)
        for hold in census.orphan_holds:
            uow.reservations.delete(hold.id or 0)
        return census

    def alert_if_crossed(self, uow: UnitOfWork, before: int) -> None:
        """Record ``storage.alert`` when ``uow``'s changes took usage from ``before`` across the alert line.

        The notifications hook turns that entry into an e-mail to every active admin, in their language,
        queued in the outbox with the change itself: nothing is sent for a change that is rolled back.
        """
        after = uow.assets.stored_bytes()
        if rules.crossed_alert_threshold(before, after, self.quota_bytes):
            facts = {
                "percent": round(100 * after / self.quota_bytes),
                "used_bytes": after,
                "quota_bytes": self.quota_bytes,
            }
            record(self.ctx, uow, None, "storage.alert", "storage", None, after=facts)

    def _hold(self, uow: UnitOfWork, hold: Reservation, cap: int | None = None) -> Reservation:
        uow.reservations.lock()
        refusal = self._refusal(uow, hold, cap)
        if refusal is not None and self.reclaim(uow).orphan_holds:
            refusal = self._refusal(uow, hold, cap)
        if refusal is not None:
            uow.commit()  # what was reclaimed stays reclaimed
            raise refusal
        return uow.reservations.add(hold)

    def _refusal(self, uow: UnitOfWork, hold: Reservation, cap: int | None) -> errors.QuotaExceeded | None:
        if cap is not None and hold.user_id is not None:
            unfinished = uow.reservations.unfinished_bytes(hold.user_id)
            if unfinished + hold.size > cap:
                return errors.TooManyUnfinished(hold.size, unfinished, cap)
        decision = rules.quota_check(uow.assets.stored_bytes(), uow.reservations.total(), hold.size, self.quota_bytes)
        return None if decision.allowed else errors.QuotaExceeded(hold.size, decision.free)


# -- uploads ---------------------------------------------------------------------------------------------------
@define
class Upload:
    """A file received into the hot store, not yet an asset. Deleted unless ``kept``."""

    filename: str
    kind: FileKind
    blob: StoredBlob
    upload_id: str | None = None  # the resumable upload it completes
    kept: bool = False


@frozen
class UploadTarget:
    """Where a resumable upload goes: a new version of a slot, or a moodboard photo of an event."""

    deliverable_id: int | None = None
    event_id: int | None = None
    category: str | None = None


@frozen
class Download:
    asset: Asset
    store: BlobStore

    def open(self) -> BinaryIO:
        return self.store.open(self.asset.storage_key)


@define
class AssetService:
    ctx: Context
    hot: BlobStore
    cold: BlobStore
    images: ImageProcessor
    probe: MediaProbe
    quota: Quota
    max_upload_bytes: int
    unfinished_expiry: dt.timedelta = UNFINISHED_EXPIRY
    max_unfinished_bytes: int = MAX_UNFINISHED_BYTES
    _events: EventService = field(init=False)

    def __attrs_post_init__(self) -> None:
        self._events = EventService(self.ctx)

    # -- receiving ---------------------------------------------------------------------------------------------
    def check_size(self, declared_size: int | None) -> None:
        """Refuse a file announced as larger than the per-file limit, before reading it."""
        if declared_size is not None and declared_size > self.max_upload_bytes:
            raise errors.FileTooLarge(self.max_upload_bytes)

    @contextmanager
    def receive(
        self,
        filename: str | None,
        stream: ByteSource,
        declared_size: int | None = None,
        photo: bool = False,
        upload_id: str | None = None,
    ) -> Iterator[Upload]:
        """Store a file's bytes under a quota hold; the body of the ``with`` turns it into an asset (or fails).

        A resumable upload (``upload_id``) already holds its bytes: its hold is used, not a new one.
        """
        name = clean_filename(filename)
        kind = kind_for(name, photo)
        self.check_size(declared_size)
        size = min(declared_size or self.max_upload_bytes, self.max_upload_bytes)
        hold = None if upload_id else self.quota.reserve(size)
        upload: Upload | None = None
        try:
            head = read_head(stream)
            check_content(kind, head, name)
            upload = Upload(name, kind, self.hot.put(Prefixed(head, stream), self.max_upload_bytes), upload_id)
            yield upload
        finally:
            if upload is not None and not upload.kept:
                self.hot.delete(upload.blob.key)
            if hold is not None:
                self.quota.release(hold)

    def add_version(self, actor: Actor, slot_id: int, upload: Upload) -> Asset:
        """The received file becomes the slot's next version (v1, v2…); the slot goes to review."""
        asset = self._record_version(actor, slot_id, upload)
        upload.kept = True
        return self.with_preview(asset)

    @replayed
    def _record_version(self, actor: Actor, slot_id: int, upload: Upload) -> Asset:
        """The version's row, numbered under the slot's lock: concurrent uploads to one slot take turns."""
        with self.ctx.uow() as uow:
            slot = found(uow.deliverables.get_for_update(slot_id), "deliverable", slot_id)
            before = uow.assets.stored_bytes()
            taken = [a.version or 0 for a in uow.assets.list_for_events([slot.event_id]) if a.deliverable_id == slot_id]
            asset = uow.assets.add(
                self._new_asset(
                    actor, slot.event_id, upload.filename, upload.kind.content_type, upload.blob,
                    deliverable_id=slot_id, version=max(taken, default=0) + 1, upload_id=upload.upload_id,
                )
            )  # fmt: skip
            old_status = slot.status
            self._events.set_status(slot, rules.after_new_version(slot))
            slot.current_version = asset.version  # the new file is the one to look at
            uow.deliverables.update(slot)
            record(
                self.ctx, uow, actor, "asset.version_added", "deliverable", slot_id, slot.event_id,
                before={"status": old_status.value},
                after={"version": asset.version, "filename": asset.filename, "status": slot.status.value},
            )  # fmt: skip
            self.quota.alert_if_crossed(uow, before)
            uow.commit()
        return asset

    def add_photo(self, actor: Actor, event_id: int, category: str, upload: Upload) -> Asset:
        """The received photo is compressed (upright, no metadata, long edge capped) and joins the moodboard."""
        chosen = parse_category(category)
        self.event_exists(event_id)
        with self.hot.open(upload.blob.key) as raw:
            encoded = self.images.compress_photo(raw)
        blob = self.hot.put(io.BytesIO(encoded.data))
        name = f"{upload.filename.rpartition('.')[0]}.{'webp' if encoded.content_type == 'image/webp' else 'jpg'}"
        try:
            with self.ctx.uow() as uow:
                self.event_exists(event_id, uow)
                before = uow.assets.stored_bytes()
                asset = uow.assets.add(
                    self._new_asset(
                        actor, event_id, name, encoded.content_type, blob, category=chosen, upload_id=upload.upload_id
                    )
                )
                record(
                    self.ctx, uow, actor, "asset.photo_added", "asset", asset.id, event_id,
                    after={"filename": name, "category": chosen.value},
                )  # fmt: skip
                self.quota.alert_if_crossed(uow, before)
                uow.commit()
        except BaseException:
            self.hot.delete(blob.key)
            raise
        return self.with_preview(asset)

    def upload_version(
        self, actor: Actor, slot_id: int, filename: str, stream: ByteSource, declared_size: int | None = None
    ) -> Asset:
        with self.receive(filename, stream, declared_size) as upload:
            return self.add_version(actor, slot_id, upload)

    def upload_photo(
        self,
        actor: Actor,
        event_id: int,
        category: str,
        filename: str,
        stream: ByteSource,
        declared_size: int | None = None,
    ) -> Asset:
        parse_category(category)
        with self.receive(filename, stream, declared_size, photo=True) as upload:
            return self.add_photo(actor, event_id, category, upload)

    # -- resumable uploads -------------------------------------------------------------------------------------
    def open_resumable(self, actor: User, upload_id: str, size: int) -> dt.datetime:
        """Hold ``size`` bytes for a new resumable upload, kept by its own lease (``upload_id``), within the quota and
        the person's cap of unfinished bytes; returns when it expires unless resumed before."""
        assert actor.id is not None
        self.check_size(size)
        expires = self.ctx.clock.now() + self.unfinished_expiry
        lease = Lease(upload_id, f"unfinished upload of {actor.name} (user {actor.id})", expires)
        self.quota.hold_unfinished(lease, size, actor.id, self.max_unfinished_bytes)
        return expires

    def keep_resumable(self, upload_id: str) -> dt.datetime | None:
        """Push back the expiry of a resumable upload that is still alive; None when it has expired (or is unknown)."""
        now = self.ctx.clock.now()
        until = now + self.unfinished_expiry
        with self.ctx.uow() as uow:
            alive = uow.leases.renew(upload_id, until, now)
            uow.commit()
        return until if alive else None

    def drop_resumable(self, upload_id: str) -> None:
        """Forget a resumable upload given up (or refused): its hold is released at once."""
        self.quota.release_lease(upload_id, forget=True)

    def complete_resumable(
        self, actor: User, upload_id: str, target: UploadTarget, filename: str, stream: ByteSource, size: int
    ) -> Asset:
        """The whole file of a resumable upload becomes an asset under the upload's hold, exactly once: run again
        (after a crash), it returns the asset the first run stored."""
        asset = self._asset_of_upload(upload_id)
        if asset is None:
            with self.receive(filename, stream, size, photo=target.event_id is not None, upload_id=upload_id) as up:
                if target.event_id is not None:
                    asset = self.add_photo(actor, target.event_id, target.category or "", up)
                else:
                    asset = self.add_version(actor, target.deliverable_id or 0, up)
        elif "preview" not in asset.media_info:  # stored, but the first run ended before its preview
            asset = self.with_preview(asset)
        self.quota.release_lease(upload_id)  # the lease stays: HEAD still names the asset until it expires
        return asset

    def _asset_of_upload(self, upload_id: str) -> Asset | None:
        with self.ctx.uow(read_only=True) as uow:
            return uow.assets.get_by_upload(upload_id)

    # -- previews ----------------------------------------------------------------------------------------------
    def with_preview(self, asset: Asset) -> Asset:
        """Make and cache the asset's preview (counted in the quota); a file without one says why.

        The asset is stored already: a disk too full for its preview costs the preview, not the upload.
        """
        try:
            return self._make_preview(asset)
        except errors.StorageFull as full:
            return evolve(asset, media_info={**asset.media_info, "preview": "unavailable", "preview_error": str(full)})

    def _make_preview(self, asset: Asset) -> Asset:
        assert asset.id is not None
        with self.store_of(asset).open(asset.storage_key) as source:
            made = self.probe.preview(source, asset.content_type)
        blob = self.hot.put(io.BytesIO(made.image.data)) if made.image else None
        status = {"preview": "ready"} if blob else {"preview": "unavailable", "preview_error": made.error}
        try:
            return self._save_preview(asset.id, {**made.facts, **status}, blob)
        except BaseException:
            if blob:
                self.hot.delete(blob.key)
            raise

    @replayed
    def _save_preview(self, asset_id: int, media_info: dict[str, Any], blob: StoredBlob | None) -> Asset:
        with self.ctx.uow() as uow:
            stored = found(uow.assets.get_for_update(asset_id), "file", asset_id)
            before = uow.assets.stored_bytes()
            stored.media_info = media_info
            stored.spec_check = self._spec_check(uow, stored)
            stored.preview_key, stored.preview_size = (blob.key, blob.size) if blob else (None, 0)
            uow.assets.update(stored)
            self.quota.alert_if_crossed(uow, before)
            uow.commit()
        return stored

    @staticmethod
    def _spec_check(uow: UnitOfWork, asset: Asset) -> dict[str, Any] | None:
        """A slot's version measured against the slot's specs (moodboard photos have none)."""
        if asset.deliverable_id is None:
            return None
        slot = found(uow.deliverables.get(asset.deliverable_id), "deliverable", asset.deliverable_id)
        return rules_specs.check_file(slot.specs, asset.content_type, asset.media_info).stored()

    # -- reading -----------------------------------------------------------------------------------------------
    def asset(self, asset_id: int, uow: UnitOfWork | None = None) -> Asset:
        if uow is None:
            with self.ctx.uow(read_only=True) as own:
                return self.asset(asset_id, own)
        found = uow.assets.get(asset_id)
        if found is None:
            raise errors.NotFound("file", asset_id)
        return found

    def content(self, asset_id: int) -> Download:
        asset = self.asset(asset_id)
        return Download(asset, self.store_of(asset))

    def preview(self, asset_id: int) -> tuple[Asset, BinaryIO]:
        asset = self.asset(asset_id)
        if not asset.preview_key:
            reason = asset.media_info.get("preview_error") or "it has not been made yet"
            raise errors.NotFound("preview of file", f"{asset_id} ({reason})")
        return asset, self.hot.open(asset.preview_key)

    def store_of(self, asset: Asset) -> BlobStore:
        if asset.location is StorageTier.PURGED:
            raise errors.Conflict(
                "“%(filename)s” was purged to free space; only its details remain", filename=asset.filename
            )
        return self.cold if asset.location is StorageTier.COLD else self.hot

    def slot(self, uow: UnitOfWork, slot_id: int) -> Deliverable:
        slot = uow.deliverables.get(slot_id)
        if slot is None:
            raise errors.NotFound("deliverable", slot_id)
        return slot

    def event_exists(self, event_id: int, uow: UnitOfWork | None = None) -> None:
        if uow is None:
            with self.ctx.uow(read_only=True) as own:
                return self.event_exists(event_id, own)
        if uow.events.get(event_id) is None:
            raise errors.NotFound("event", event_id)
        return None

    def slot_exists(self, slot_id: int) -> None:
        with self.ctx.uow(read_only=True) as uow:
            self.slot(uow, slot_id)

    def _new_asset(
        self,
        actor: Actor,
        event_id: int,
        filename: str,
        content_type: str,
        blob: StoredBlob,
        deliverable_id: int | None = None,
        version: int | None = None,
        category: PhotoCategory | None = None,
        upload_id: str | None = None,
    ) -> Asset:
        return Asset(
            event_id=event_id,
            filename=filename,
            content_type=content_type,
            size=blob.size,
            sha256=blob.sha256,
            storage_key=blob.key,
            uploaded_by=actor_id(actor),
            created_at=self.ctx.clock.now(),
            deliverable_id=deliverable_id,
            version=version,
            category=category,
            upload_id=upload_id,
        )


def parse_category(value: str | None) -> PhotoCategory:
    try:
        return PhotoCategory((value or "").strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in PhotoCategory)
        raise errors.InvalidInput(
            "category must be one of %(allowed)s, not %(value)r", "category", allowed=allowed, value=str(value)
        ) from None
