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
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from attrs import define, evolve, field, frozen

from eventflow.core import errors, rules
from eventflow.core.model import Asset, Deliverable, PhotoCategory, Reservation, StorageTier
from eventflow.core.ports import BlobStore, ByteSource, ImageProcessor, MediaProbe, StoredBlob, UnitOfWork
from eventflow.core.replay import replayed
from eventflow.core.services import Actor, Context, actor_id, found, record
from eventflow.core.services.events import EventService

HEAD_BYTES = 4096
#: A hold older than this belongs to an upload that died (the server's request timeout is 10 minutes).
STALE_RESERVATION = dt.timedelta(hours=6)
MAX_FILENAME = 200


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
        what = "photos" if photo else "deliverable files"
        raise errors.UnsupportedMedia(
            f"{filename!r}: .{ext or '(none)'} files are not accepted as {what}; send one of "
            + ", ".join(f".{e}" for e in allowed)
        )
    return KINDS[ext]


def check_content(kind: FileKind, head: bytes, filename: str) -> None:
    if not head:
        raise errors.InvalidInput(f"{filename!r} is empty", "file")
    if not kind.matches(head):
        raise errors.UnsupportedMedia(
            f"{filename!r} does not contain what its name says ({kind.content_type}); check the file and send it again"
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
@define
class Quota:
    """Holds bytes for uploads under way and alerts admins when usage crosses the alert line."""

    ctx: Context
    quota_bytes: int

    def reserve(self, size: int) -> int:
        """Hold ``size`` bytes (in a committed transaction) or raise QuotaExceeded; returns the hold's id."""
        now = self.ctx.clock.now()
        with self.ctx.uow() as uow:
            uow.reservations.lock()
            uow.reservations.delete_older_than(now - STALE_RESERVATION)
            decision = rules.quota_check(uow.assets.stored_bytes(), uow.reservations.total(), size, self.quota_bytes)
            if not decision.allowed:
                uow.commit()
                raise errors.QuotaExceeded(size, decision.free)
            hold = uow.reservations.add(Reservation(key=uuid.uuid4().hex, size=size, created_at=now))
            uow.commit()
        assert hold.id is not None
        return hold.id

    def check_room(self, size: int) -> None:
        """Refuse early (QuotaExceeded) a file that could not fit now; holds nothing."""
        with self.ctx.uow(read_only=True) as uow:
            decision = rules.quota_check(uow.assets.stored_bytes(), uow.reservations.total(), size, self.quota_bytes)
        if not decision.allowed:
            raise errors.QuotaExceeded(size, decision.free)

    def release(self, reservation_id: int) -> None:
        with self.ctx.uow() as uow:
            uow.reservations.delete(reservation_id)
            uow.commit()

    def sweep(self) -> int:
        """Drop holds left by uploads that died; how many."""
        with self.ctx.uow() as uow:
            dropped = uow.reservations.delete_older_than(self.ctx.clock.now() - STALE_RESERVATION)
            uow.commit()
        return dropped

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


# -- uploads ---------------------------------------------------------------------------------------------------
@define
class Upload:
    """A file received into the hot store, not yet an asset. Deleted unless ``kept``."""

    filename: str
    kind: FileKind
    blob: StoredBlob
    kept: bool = False


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
        self, filename: str | None, stream: ByteSource, declared_size: int | None = None, photo: bool = False
    ) -> Iterator[Upload]:
        """Store a file's bytes under a quota hold; the body of the ``with`` turns it into an asset (or fails)."""
        name = clean_filename(filename)
        kind = kind_for(name, photo)
        self.check_size(declared_size)
        hold = self.quota.reserve(min(declared_size or self.max_upload_bytes, self.max_upload_bytes))
        upload: Upload | None = None
        try:
            head = read_head(stream)
            check_content(kind, head, name)
            upload = Upload(name, kind, self.hot.put(Prefixed(head, stream), self.max_upload_bytes))
            yield upload
        finally:
            if upload is not None and not upload.kept:
                self.hot.delete(upload.blob.key)
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
                    deliverable_id=slot_id, version=max(taken, default=0) + 1,
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
                    self._new_asset(actor, event_id, name, encoded.content_type, blob, category=chosen)
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
            stored.preview_key, stored.preview_size = (blob.key, blob.size) if blob else (None, 0)
            uow.assets.update(stored)
            self.quota.alert_if_crossed(uow, before)
            uow.commit()
        return stored

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
            raise errors.Conflict(f"{asset.filename!r} was purged to free space; only its details remain")
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
        )


def parse_category(value: str | None) -> PhotoCategory:
    try:
        return PhotoCategory((value or "").strip().lower())
    except ValueError:
        allowed = ", ".join(c.value for c in PhotoCategory)
        raise errors.InvalidInput(f"category must be one of {allowed}, not {value!r}", "category") from None
