"""Files over HTTP: multipart uploads (slot versions, moodboard photos), downloads with Range, previews, storage.

Uploads are streamed: the ``file`` part is read in chunks straight into the blob store (never ``part.data``), and a
body announced larger than the per-file limit is refused with 413 from its ``Content-Length`` before a byte is read.
The upload becomes visible only once the whole body has arrived: the rest of the form read to its closing boundary
and the body to its declared length; a body cut before (a phone leaving the network) is a 400 and leaves nothing.
Downloads hand the server a file object (``wsgi.file_wrapper``), so gunicorn answers with ``sendfile`` even for
ranges; the content type comes from the checked upload, never from the file, and anything a browser could run
(SVG, …) is only ever served as an attachment under a sandboxing CSP.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO
from urllib.parse import quote

import falcon
from attrs import field, frozen
from falcon.media import Handlers
from falcon.media.multipart import BodyPart, MultipartFormHandler, MultipartParseError, MultipartParseOptions
from falcon.util.reader import BufferedReader

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.model import PhotoCategory
from eventflow.core.services.assets import INLINE_TYPES, AssetService
from eventflow.entrypoints import presenters
from eventflow.entrypoints.web.openapi import form, operation, path_id
from eventflow.entrypoints.web.schema import FilePart, Json, doc

#: Room for the multipart boundaries and the small text fields around the file.
MULTIPART_SLACK = 64 * 1024
TEXT_PART_LIMIT = 4 * 1024
READ_CHUNK = 256 * 1024
#: Sandboxed, nothing loads: an SVG or HTML file opened anyway can run nothing and reach nothing.
FILE_CSP = "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'"
#: A PDF shown inline may also be framed by the app's own pages (the preview dialog), still sandboxed.
PDF_CSP = f"{FILE_CSP}; frame-ancestors 'self'"
#: What the ASCII ``filename`` fallback keeps; anything else (quotes, backslashes, ``;``, ``%``…) becomes ``_``.
_FALLBACK_UNSAFE = re.compile(r"[^A-Za-z0-9 !#$&'()+,.=@\[\]^_{}~-]")
_RANGE = re.compile(r"^\s*bytes\s*=\s*(\d{0,19})\s*-\s*(\d{0,19})\s*$", re.IGNORECASE)


# -- uploads -----------------------------------------------------------------------------------------------------
def declared_size(req: falcon.Request, assets: AssetService) -> int | None:
    """The body's announced length, refused (413) when even without its envelope it is over the limit."""
    length = req.content_length
    if length is None:
        return None
    assets.check_size(max(length - MULTIPART_SLACK, 0))
    return min(length, assets.max_upload_bytes)


class WholeBody:
    """The request body as the server hands it over, counted: a stream that ends before its ``Content-Length``
    is a cut upload (the server takes a closed connection for the end of the body)."""

    def __init__(self, read: Callable[[int], bytes], length: int | None) -> None:
        self._read = read
        self._length = length
        self._received = 0
        self._eof = False

    def read(self, size: int) -> bytes:
        chunk = self._read(size)
        self._received += len(chunk)
        if size > 0 and not chunk:
            self._eof = True
            if self._length is not None and self._received < self._length:
                raise errors.UploadCut()
        return chunk

    @property
    def ended(self) -> bool:
        """Everything the client sent has been read (its declared length, or the end of a chunked body)."""
        return self._eof or (self._length is not None and self._received >= self._length)


class UploadForm:
    """A multipart form read as it arrives: text fields, the ``file`` part (streamed by the caller), the rest.

    ``finish()`` reads the form to its closing boundary and the body to its declared length; until it returns,
    nothing received may become visible. A form that ends early is an UploadCut.
    """

    def __init__(self, req: falcon.Request, max_bytes: int) -> None:
        if not (req.content_type or "").lower().startswith("multipart/form-data"):
            raise errors.UnsupportedMedia("send the file as multipart/form-data, in the field 'file'")
        handler = multipart_handler(req.options.media_handlers)
        length = req.content_length if req.content_length is not None else max_bytes  # chunked: max_bytes at most
        self._body = WholeBody(req.stream.read, req.content_length)
        # Falcon's default 8 KiB refills cost a Python call into the server per 8 KiB; 1 MiB ones keep up with the disk.
        self._stream = BufferedReader(self._body.read, length, chunk_size=READ_CHUNK)
        self._parts: Iterator[BodyPart] = iter(handler.deserialize(self._stream, req.content_type, length))
        self.fields: dict[str, str] = {}

    def file(self, what: str) -> BodyPart:
        """The ``file`` part, its bytes still to be read; the text fields before it go to ``fields``."""
        with self._cut_when_ended():
            for part in self._parts:
                if part.name == "file":
                    return part
                self.fields[part.name or ""] = text_of(part)
        raise errors.InvalidInput("no %(what)s was sent: put it in the multipart field 'file'", "file", what=what)

    def finish(self) -> dict[str, str]:
        """The text fields, once the whole form and body have arrived."""
        with self._cut_when_ended():
            for part in self._parts:
                self.fields[part.name or ""] = text_of(part)
        self._stream.exhaust()  # the epilogue, up to the declared length
        return self.fields

    @contextmanager
    def _cut_when_ended(self) -> Iterator[None]:
        """Falcon's parser calls a form whose body ran out before its boundaries malformed: it is a cut upload."""
        try:
            yield
        except MultipartParseError as error:
            if self._body.ended:
                raise errors.UploadCut() from error
            raise


def multipart_handler(handlers: Handlers) -> MultipartFormHandler:
    """The app's form parser (Falcon's, which ``register`` configures)."""
    handler = handlers[falcon.MEDIA_MULTIPART]
    if not isinstance(handler, MultipartFormHandler):
        raise TypeError(f"multipart/form-data must be parsed by Falcon's MultipartFormHandler, not {handler!r}")
    return handler


def text_of(part: BodyPart) -> str:
    return part.get_text() or ""


class VersionsResource:
    """``POST /api/deliverables/{id}/versions``: the ``file`` field becomes the slot's next version."""

    upload_methods = frozenset({"POST"})  # capped by admission.py

    def __init__(self, services: Services) -> None:
        self._assets = services.assets

    def on_post(self, req: falcon.Request, resp: falcon.Response, slot_id: int) -> None:
        self._assets.slot_exists(slot_id)
        size = declared_size(req, self._assets)
        form = UploadForm(req, self._assets.max_upload_bytes + MULTIPART_SLACK)
        part = form.file("file")
        with self._assets.receive(part.filename, part.stream, size) as upload:
            form.finish()
            asset = self._assets.add_version(req.context.user, slot_id, upload)
        resp.status = falcon.HTTP_201
        resp.location = f"/api/assets/{asset.id}/content"
        resp.media = presenters.Upload.json(asset)


class PhotosResource:
    """``POST /api/events/{id}/photos``: fields ``file`` and ``category`` (in either order)."""

    upload_methods = frozenset({"POST"})  # capped by admission.py

    def __init__(self, services: Services) -> None:
        self._assets = services.assets

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        self._assets.event_exists(event_id)
        size = declared_size(req, self._assets)
        form = UploadForm(req, self._assets.max_upload_bytes + MULTIPART_SLACK)
        part = form.file("photo")
        with self._assets.receive(part.filename, part.stream, size, photo=True) as upload:
            fields = form.finish()
            asset = self._assets.add_photo(req.context.user, event_id, fields.get("category", ""), upload)
        resp.status = falcon.HTTP_201
        resp.location = f"/api/assets/{asset.id}/content"
        resp.media = presenters.Upload.json(asset)


# -- downloads ---------------------------------------------------------------------------------------------------
class FileSlice:
    """A byte range of an open file that still has a ``fileno`` (gunicorn sends it with ``sendfile``)."""

    def __init__(self, file: BinaryIO, start: int, length: int) -> None:
        file.seek(start)
        self._file = file
        self._left = length

    def fileno(self) -> int:
        return self._file.fileno()

    def read(self, size: int | None = -1, /) -> bytes:
        if self._left <= 0:
            return b""
        data = self._file.read(self._left if size is None or size < 0 else min(size, self._left))
        self._left -= len(data)
        return data

    def close(self) -> None:
        self._file.close()


class Unsatisfiable(Exception):
    """The range starts past the end of the file (416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """``(first, last)`` of a single ``bytes=`` range; None for no range or one we ignore (RFC 9110: malformed)."""
    match = _RANGE.match(header or "")
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # suffix: the last N bytes
        if int(last) == 0:
            raise Unsatisfiable
        return max(size - int(last), 0), size - 1
    start, end = int(first), int(last) if last else size - 1
    if last and end < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(end, size - 1)


def not_modified(req: falcon.Request, etag: str, modified: dt.datetime) -> bool:
    match = req.get_header("If-None-Match")
    if match is not None:
        return match.strip() == "*" or etag in [m.strip().removeprefix("W/") for m in match.split(",")]
    try:
        since = req.get_header_as_datetime("If-Modified-Since")
    except falcon.HTTPInvalidHeader:  # a malformed date is ignored, like any unusable condition
        return False
    if since is None:
        return False
    return since.replace(tzinfo=since.tzinfo or dt.UTC) >= modified.astimezone(dt.UTC).replace(microsecond=0)


def send_file(
    req: falcon.Request,
    resp: falcon.Response,
    open_file: Any,
    size: int,
    etag: str,
    modified: dt.datetime,
    content_type: str,
) -> None:
    """Headers, conditional GET and Range for one stored file; the body is the open file (or a slice of it)."""
    resp.etag = etag
    resp.last_modified = modified.astimezone(dt.UTC).replace(tzinfo=None)
    resp.accept_ranges = "bytes"
    resp.cache_control = ["private", "no-cache"]
    if not_modified(req, etag, modified):
        resp.status = falcon.HTTP_304
        resp.content_type = None
        return
    resp.content_type = content_type
    if_range = req.get_header("If-Range")
    try:
        wanted = byte_range(req.get_header("Range"), size) if if_range in (None, etag) else None
    except Unsatisfiable:
        resp.status = falcon.HTTP_416
        resp.content_type = falcon.MEDIA_JSON
        resp.set_header("Content-Range", f"bytes */{size}")
        resp.media = {"title": "Range not satisfiable", "description": f"the file has {size} bytes"}
        return
    start, end = wanted or (0, size - 1)
    if wanted:
        resp.status = falcon.HTTP_206
        resp.content_range = (start, end, size)
    resp.content_length = end - start + 1
    resp.stream = FileSlice(open_file(), start, end - start + 1)


def content_disposition(disposition: str, filename: str) -> str:
    """RFC 6266: an ASCII ``filename`` for old clients, with nothing that could end its quoted string or the header,
    then the exact name as ``filename*`` (RFC 8187: UTF-8, percent-encoded), which browsers prefer."""
    letters = "".join(ch for ch in unicodedata.normalize("NFKD", filename) if not unicodedata.combining(ch))
    fallback = _FALLBACK_UNSAFE.sub("_", letters)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


class ContentResource:
    """``GET /api/assets/{id}/content`` (the stored bytes) and ``/preview`` (the preview image)."""

    def __init__(self, services: Services) -> None:
        self._assets = services.assets

    def on_get(self, req: falcon.Request, resp: falcon.Response, asset_id: int) -> None:
        download = self._assets.content(asset_id)
        asset = download.asset
        resp.set_header("X-Content-Type-Options", "nosniff")
        resp.set_header("Content-Security-Policy", FILE_CSP)
        inline = asset.content_type in INLINE_TYPES and not req.get_param_as_bool("download")
        disposition = content_disposition("inline" if inline else "attachment", asset.filename)
        resp.set_header("Content-Disposition", disposition)
        if inline and asset.content_type == "application/pdf":
            resp.set_header("Content-Security-Policy", PDF_CSP)
            resp.set_header("X-Frame-Options", "SAMEORIGIN")
        send_file(req, resp, download.open, asset.size, f'"{asset.sha256}"', asset.created_at, asset.content_type)

    def on_head(self, req: falcon.Request, resp: falcon.Response, asset_id: int) -> None:
        """The headers of ``GET`` (size, type, ETag, ranges) without the bytes, for players and download managers."""
        self.on_get(req, resp, asset_id)
        if isinstance(resp.stream, FileSlice):  # what ``send_file`` answers with
            resp.stream.close()
            resp.stream = None

    def on_get_preview(self, req: falcon.Request, resp: falcon.Response, asset_id: int) -> None:
        asset, preview = self._assets.preview(asset_id)
        size = self._assets.hot.size(asset.preview_key or "") or 0
        resp.set_header("Content-Security-Policy", FILE_CSP)
        etag = f'"p-{asset.sha256[:32]}-{size}"'
        send_file(req, resp, lambda: preview, size, etag, asset.created_at, "image/webp")
        if resp.stream is None:
            preview.close()


# -- storage -----------------------------------------------------------------------------------------------------
class StorageResource:
    """``GET /api/storage``; ``POST /api/storage/archive`` and ``/purge`` (admins): the storage jobs, now."""

    def __init__(self, services: Services) -> None:
        self._storage = services.storage

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = presenters.Storage.json(self._storage.report())

    def on_post_archive(self, req: falcon.Request, resp: falcon.Response) -> None:
        plan = self._storage.archive_plan()
        resp.media = presenters.StorageJob.json(self._storage.archive(req.context.user, plan))

    def on_post_purge(self, req: falcon.Request, resp: falcon.Response) -> None:
        plan = self._storage.purge_plan()
        resp.media = presenters.StorageJob.json(self._storage.purge(req.context.user, plan))


class ArchiveResource:
    """``POST /api/events/{id}/archive`` and ``/restore`` (admins): that event's files, now."""

    def __init__(self, services: Services) -> None:
        self._storage = services.storage

    def on_post(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        plan = self._storage.archive_plan(event_id=event_id)
        resp.media = presenters.StorageJob.json(self._storage.archive(req.context.user, plan))

    def on_post_restore(self, req: falcon.Request, resp: falcon.Response, event_id: int) -> None:
        plan = self._storage.restore_plan(event_id)
        resp.media = presenters.StorageJob.json(self._storage.restore(req.context.user, plan))


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    options: MultipartParseOptions = multipart_handler(app.req_options.media_handlers).parse_options
    options.max_body_part_count = 8
    options.max_body_part_buffer_size = TEXT_PART_LIMIT
    options.max_body_part_headers_size = 8 * 1024
    content = ContentResource(services)
    archive = ArchiveResource(services)
    app.add_route("/api/deliverables/{slot_id:id}/versions", VersionsResource(services))
    app.add_route("/api/events/{event_id:id}/photos", PhotosResource(services))
    app.add_route("/api/assets/{asset_id:id}/content", content)
    app.add_route("/api/assets/{asset_id:id}/preview", content, suffix="preview")
    storage = StorageResource(services)
    app.add_route("/api/storage", storage)
    app.add_route("/api/storage/archive", storage, suffix="archive")
    app.add_route("/api/storage/purge", storage, suffix="purge")
    app.add_route("/api/events/{event_id:id}/archive", archive)
    app.add_route("/api/events/{event_id:id}/restore", archive, suffix="restore")


# -- OpenAPI -----------------------------------------------------------------------------------------------------
@frozen
class VersionForm:
    """The form of ``POST /api/deliverables/{id}/versions``."""

    file: FilePart = field(metadata=doc(description="the new version"))


@frozen
class PhotoForm:
    """The form of ``POST /api/events/{id}/photos`` (the fields in either order)."""

    file: FilePart = field(metadata=doc(description="the photo (compressed, metadata stripped)"))
    category: PhotoCategory


def _upload(summary: str, op_id: str, param: Json, body: type) -> Json:
    return operation(
        summary, "files", presenters.Upload, status=201, params=[param], body=form(body),
        errors=(404, 507), operation_id=op_id,
    )  # fmt: skip


def _file(summary: str, op_id: str, media: str) -> Json:
    op = operation(summary, "files", None, params=[path_id("asset_id")], errors=(404, 409, 503), operation_id=op_id)
    op["responses"]["200"] = {
        "description": summary,
        "content": {media: {"schema": {"type": "string", "format": "binary"}}},
    }
    op["responses"]["206"] = {"description": "The requested byte range (Range: bytes=…)"}
    op["responses"]["304"] = {"description": "Unchanged since If-None-Match / If-Modified-Since"}
    op["responses"]["416"] = {"description": "The range starts past the end of the file"}
    return op


OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/deliverables/{slot_id}/versions": {
            "post": _upload(
                "Upload a new version of a slot (the slot moves to review)",
                "uploadVersion",
                path_id("slot_id", "the deliverable slot"),
                VersionForm,
            )
        },
        "/api/events/{event_id}/photos": {
            "post": _upload(
                "Add a moodboard photo (compressed, metadata stripped)",
                "uploadPhoto",
                path_id("event_id"),
                PhotoForm,
            )
        },
        "/api/assets/{asset_id}/content": {
            "get": _file("The stored file, byte for byte (Range supported)", "getAssetContent", "*/*"),
            "head": _file("The stored file's headers (size, type, ETag) without its bytes", "headAssetContent", "*/*"),
        },
        "/api/assets/{asset_id}/preview": {"get": _file("The file's preview image", "getAssetPreview", "image/webp")},
        "/api/storage": {
            "get": operation(
                "Disk usage, quota, free space, biggest events",
                "storage",
                presenters.Storage,
                operation_id="getStorage",
            )
        },
        "/api/storage/archive": {
            "post": operation(
                "Move the files of every event past the archive delay to cold storage (admins)",
                "storage",
                presenters.StorageJob,
                errors=(403,),
                operation_id="archiveAll",
            )
        },
        "/api/storage/purge": {
            "post": operation(
                "Free every superseded version still stored; a slot's latest and approved ones stay (admins)",
                "storage",
                presenters.StorageJob,
                errors=(403,),
                operation_id="purgeAll",
            )
        },
        "/api/events/{event_id}/archive": {
            "post": operation(
                "Move this event's files to cold storage now (admins)",
                "storage",
                presenters.StorageJob,
                params=[path_id("event_id")],
                errors=(403, 404, 503),
                operation_id="archiveEvent",
            )
        },
        "/api/events/{event_id}/restore": {
            "post": operation(
                "Bring this event's archived files back (admins)",
                "storage",
                presenters.StorageJob,
                params=[path_id("event_id")],
                errors=(403, 404, 503, 507),
                operation_id="restoreEvent",
            )
        },
    },
}
