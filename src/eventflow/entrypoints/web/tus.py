"""Resumable uploads at ``/api/uploads/``: tus 1.0 (core, creation, checksum, termination, expiration).

For big videos from phones and for hosts that cut a request after a few minutes: a cut upload resumes from the
offset the server reports. The state lives on disk (``adapters.resumable``), so uploads survive a restart; each
upload belongs to the user who created it. ``Upload-Metadata`` carries ``filename`` and either ``deliverable_id``
(a new version of that slot) or ``event_id`` + ``category`` (a moodboard photo).

Creating an upload holds its ``Upload-Length`` in the quota, within a cap of unfinished bytes per person
(``EVENTFLOW_MAX_UNFINISHED_MB``). An upload nobody resumes for ``EVENTFLOW_TUS_EXPIRY_HOURS`` expires
(``Upload-Expires`` says when): its bytes and its hold are dropped, and a termination (DELETE) drops them at once.
When the last byte arrives the file goes through the same path as a multipart upload (type, limit, photo
compression) under the upload's hold, and the response's ``Upload-Asset-Id`` header names the new asset: the
version exists before the final PATCH answers. A completion cut short by a crash is finished by the next HEAD or
PATCH, exactly once (the asset records the upload's id): an upload is never reported whole without its asset.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import falcon

from eventflow.adapters.blobstore import disk_full
from eventflow.adapters.resumable import UploadFolders, UploadInfo
from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.i18n import N_, Value
from eventflow.core.model import User
from eventflow.core.services.assets import AssetService, UploadTarget, empty_file, kind_for, parse_category
from eventflow.entrypoints.web.errors import Refusal
from eventflow.entrypoints.web.schema import Json

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,checksum,termination,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
CHUNK = 1024 * 1024
OFFSET_TYPE = "application/offset+octet-stream"
NO_SUCH_UPLOAD = N_("no such upload (finished long ago, terminated or never created)")
CHECKSUM_MISMATCH = "460 Checksum Mismatch"
#: The titles of the statuses only tus answers with (the others are ``web.errors.TITLES``), translated like them.
TITLES = {falcon.HTTP_410: N_("Gone"), CHECKSUM_MISMATCH: N_("Checksum mismatch")}


class TusError(Refusal):
    """A protocol-level refusal, in the caller's language like every error; every tus response carries
    ``Tus-Resumable``."""

    def __init__(self, status: str, message: str, /, headers: dict[str, str] | None = None, **values: Value) -> None:
        super().__init__(status, message, headers={"Tus-Resumable": TUS_VERSION, **(headers or {})}, **values)
        self.title = TITLES.get(status, status.partition(" ")[2])


@contextmanager
def dropped_when_full(path: Path, offset: int) -> Iterator[None]:
    """A disk too full for a PATCH's bytes: they are dropped (the upload stays at ``offset``) and it is a 507."""
    try:
        yield
    except OSError as error:
        if not disk_full(error):
            raise
        os.truncate(path, offset)
        raise errors.StorageFull("uploads folder", shutil.disk_usage(path.parent).free) from error


def parse_metadata(header: str | None) -> dict[str, str]:
    """``key base64value,key2 base64value2`` -> a dict; malformed values are a 400."""
    values: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in (header or "").split(","))):
        key, _, encoded = item.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise TusError(
                falcon.HTTP_400, "Upload-Metadata: the value of %(key)r is not base64 UTF-8", key=key
            ) from None
    return values


def _int_header(req: falcon.Request, name: str) -> int:
    value = req.get_header(name) or ""
    if not value.isdigit() or len(value) > 19:
        raise TusError(falcon.HTTP_400, "the %(name)s header must be a whole number of bytes", name=name)
    return int(value)


def _id_field(meta: dict[str, str], name: str) -> int:
    value = meta.get(name, "")
    if not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
        raise errors.InvalidInput("Upload-Metadata: %(name)s must be an id", name, name=name)
    return int(value)


class TusBase:
    def __init__(self, services: Services) -> None:
        self._assets: AssetService = services.assets
        self._storage = services.storage
        self._uploads = UploadFolders(services.settings.uploads_dir)
        self._clock = services.clock
        self._expiry_hours = services.settings.unfinished_expiry_hours

    def process_response_headers(self, resp: falcon.Response, expires: dt.datetime | None = None) -> None:
        resp.set_header("Tus-Resumable", TUS_VERSION)
        if expires is not None:
            resp.set_header("Upload-Expires", falcon.dt_to_http(expires))
        resp.cache_control = ["no-store"]

    @staticmethod
    def require_version(req: falcon.Request) -> None:
        if req.get_header("Tus-Resumable") != TUS_VERSION:
            version = {"Tus-Version": TUS_VERSION}
            raise TusError(falcon.HTTP_412, "send Tus-Resumable: %(version)s", version, version=TUS_VERSION)


class UploadsResource(TusBase):
    """``OPTIONS`` (what the server supports) and ``POST`` (create an upload) on ``/api/uploads``."""

    upload_methods = frozenset({"POST"})  # capped by admission.py

    def on_options(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.status = falcon.HTTP_204
        resp.set_header("Tus-Version", TUS_VERSION)
        resp.set_header("Tus-Extension", EXTENSIONS)
        resp.set_header("Tus-Max-Size", str(self._assets.max_upload_bytes))
        resp.set_header("Tus-Checksum-Algorithm", ",".join(CHECKSUMS))
        self.process_response_headers(resp)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        self.require_version(req)
        if req.get_header("Upload-Defer-Length"):
            raise TusError(falcon.HTTP_400, "send Upload-Length: deferred lengths are not supported")
        length = _int_header(req, "Upload-Length")
        meta = parse_metadata(req.get_header("Upload-Metadata"))
        self._assets.check_size(length)
        filename = meta.get("filename") or ""
        if not length:  # whole as soon as created: it would never be completed into a version
            raise empty_file(filename)
        target = self._target(meta)
        kind_for(filename, photo="category" in target)
        self._storage.reclaim(only_uploads=True)  # expired uploads give their bytes back first
        user: User = req.context.user
        info = UploadInfo(
            id=uuid.uuid4().hex,
            user_id=user.id or 0,
            length=length,
            filename=filename,
            target=target,
            created_at=self._clock.now().isoformat(),
        )
        expires = self._assets.open_resumable(user, info.id, length)
        try:
            self._uploads.create(info)
        except BaseException:
            self._assets.drop_resumable(info.id)
            raise
        resp.status = falcon.HTTP_201
        resp.location = f"{req.path.rstrip('/')}/{info.id}"
        self.process_response_headers(resp, expires)

    def _target(self, meta: dict[str, str]) -> dict[str, Any]:
        if "deliverable_id" in meta:
            slot_id = _id_field(meta, "deliverable_id")
            self._assets.slot_exists(slot_id)
            return {"deliverable_id": slot_id}
        if "event_id" in meta:
            event_id = _id_field(meta, "event_id")
            self._assets.event_exists(event_id)
            return {"event_id": event_id, "category": parse_category(meta.get("category")).value}
        raise errors.InvalidInput("Upload-Metadata needs deliverable_id, or event_id and category", "deliverable_id")


class UploadResource(TusBase):
    """``HEAD`` (the offset), ``PATCH`` (more bytes) and ``DELETE`` (give up) on ``/api/uploads/{id}``."""

    upload_methods = frozenset({"PATCH"})  # capped by admission.py

    def on_head(self, req: falcon.Request, resp: falcon.Response, upload_id: str) -> None:
        self.require_version(req)
        expires = self._keep(req, upload_id)
        with self._uploads.locked(upload_id):  # a PATCH under way finishes first: the offset is final
            info = self._load(req, upload_id)
            self._finish_if_whole(req.context.user, info)
            self._describe(resp, info, expires)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, upload_id: str) -> None:
        self.require_version(req)
        if (req.content_type or "").split(";")[0].strip().lower() != OFFSET_TYPE:
            raise TusError(falcon.HTTP_415, "send the bytes as %(type)s", type=OFFSET_TYPE)
        expires = self._keep(req, upload_id)
        with self._uploads.locked(upload_id):
            info = self._load(req, upload_id)
            self._finish_if_whole(req.context.user, info)
            offset = self._uploads.received(info)
            if _int_header(req, "Upload-Offset") != offset:
                at = {"Upload-Offset": str(offset)}
                raise TusError(falcon.HTTP_409, "the upload is at offset %(offset)s", at, offset=offset)
            if info.asset_id is None:
                with dropped_when_full(self._uploads.data(info.id), offset):
                    self._append(req, info, offset)
                self._finish_if_whole(req.context.user, info)
        resp.status = falcon.HTTP_204
        self._describe(resp, info, expires)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, upload_id: str) -> None:
        self.require_version(req)
        self._load(req, upload_id)
        with self._uploads.locked(upload_id):
            self._assets.drop_resumable(upload_id)
            self._uploads.delete(upload_id)
        resp.status = falcon.HTTP_204
        self.process_response_headers(resp)

    def _load(self, req: falcon.Request, upload_id: str) -> UploadInfo:
        info = self._uploads.load(upload_id)
        if info is None or info.user_id != req.context.user.id:
            raise TusError(falcon.HTTP_404, NO_SUCH_UPLOAD)
        return info

    def _keep(self, req: falcon.Request, upload_id: str) -> dt.datetime:
        """The caller's upload, kept alive a while longer; 410 once it has expired (its bytes are dropped)."""
        info = self._load(req, upload_id)
        expires = self._assets.keep_resumable(info.id)
        if expires is None:
            self._assets.drop_resumable(info.id)
            self._uploads.delete(info.id)
            raise TusError(
                falcon.HTTP_410,
                "this upload expired: an unfinished upload is kept %(hours)g hours after its last request; send the "
                "file again",
                hours=self._expiry_hours,
            )
        return expires

    def _describe(self, resp: falcon.Response, info: UploadInfo, expires: dt.datetime) -> None:
        resp.set_header("Upload-Offset", str(self._uploads.received(info)))
        resp.set_header("Upload-Length", str(info.length))
        if info.asset_id is not None:
            resp.set_header("Upload-Asset-Id", str(info.asset_id))
        self.process_response_headers(resp, expires)

    def _append(self, req: falcon.Request, info: UploadInfo, offset: int) -> None:
        """Write the body after ``offset``; a checksum mismatch (460) or a cut connection keeps only whole data."""
        checksum = self._checksum(req.get_header("Upload-Checksum"))
        room = info.length - offset
        if req.content_length is not None and req.content_length > room:
            raise TusError(falcon.HTTP_413, "only %(room)s more bytes fit in this upload", room=room)
        path = self._uploads.data(info.id)
        with path.open("r+b") as out:
            out.seek(offset)
            try:
                written = self._copy(req, out, room, checksum[1] if checksum else None)
            except OSError as error:  # the client went away: keep what arrived (unless it must be checked), it resumes
                if disk_full(error):
                    raise
                written = -1
            if checksum and (written < 0 or checksum[1].digest() != checksum[0]):
                out.truncate(offset)
                if written >= 0:
                    raise TusError(CHECKSUM_MISMATCH, "the bytes received do not match Upload-Checksum")
            out.flush()
            os.fsync(out.fileno())
        if written < 0:
            raise TusError(falcon.HTTP_400, "the connection was cut; ask HEAD for the offset and resume")

    @staticmethod
    def _copy(req: falcon.Request, out: Any, room: int, digest: Any) -> int:
        written = 0
        while written < room and (chunk := req.bounded_stream.read(min(CHUNK, room - written))):
            out.write(chunk)
            if digest is not None:
                digest.update(chunk)
            written += len(chunk)
        return written

    @staticmethod
    def _checksum(header: str | None) -> tuple[bytes, Any] | None:
        if not header:
            return None
        algorithm, _, encoded = header.strip().partition(" ")
        if algorithm.lower() not in CHECKSUMS:
            raise TusError(falcon.HTTP_400, "Upload-Checksum: use one of %(names)s", names=", ".join(CHECKSUMS))
        try:
            return base64.b64decode(encoded, validate=True), CHECKSUMS[algorithm.lower()]()
        except binascii.Error:
            raise TusError(falcon.HTTP_400, "Upload-Checksum: the checksum is not base64") from None

    def _finish_if_whole(self, user: User, info: UploadInfo) -> None:
        """Every byte is here but no asset is recorded (just now, or a completion a crash cut short): complete it."""
        if info.asset_id is None and self._uploads.received(info) == info.length:
            self._complete(user, info)

    def _complete(self, user: User, info: UploadInfo) -> None:
        """The whole file becomes an asset exactly as a multipart upload would, under the upload's hold."""
        path = self._uploads.data(info.id)
        try:
            with path.open("rb") as data:
                target = UploadTarget(**info.target)
                asset = self._assets.complete_resumable(user, info.id, target, info.filename, data, info.length)
        except errors.EventflowError:
            self._assets.drop_resumable(info.id)
            self._uploads.delete(info.id)  # refused for good (type, slot gone…): nothing to resume
            raise
        info.asset_id = asset.id
        self._uploads.save(info)
        path.unlink()


def register(app: falcon.App[falcon.Request, falcon.Response], services: Services) -> None:
    app.add_route("/api/uploads", UploadsResource(services))
    app.add_route("/api/uploads/{upload_id}", UploadResource(services))


def _tus(summary: str, op_id: str, status: int, codes: dict[int, str], with_id: bool = True) -> Json:
    op: Json = {
        "summary": summary,
        "tags": ["files"],
        "operationId": op_id,
        "parameters": [
            {
                "name": "Tus-Resumable",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "enum": [TUS_VERSION]},
            }
        ],
        "responses": {str(status): {"description": summary}}
        | {str(code): {"description": reason} for code, reason in codes.items()},
    }
    if with_id:
        op["parameters"].append({"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string"}})
    return op


COMMON = {401: "Not logged in", 404: "No such upload", 412: "Tus-Resumable missing or not 1.0.0"}
EXPIRED = {410: "The upload expired (Upload-Expires passed): send the file again"}
OPENAPI: dict[str, Any] = {
    "paths": {
        "/api/uploads": {
            "options": _tus("What this tus server supports", "tusOptions", 204, {401: "Not logged in"}, False)
            | {"parameters": []},
            "post": _tus(
                "Create a resumable upload (Upload-Length; Upload-Metadata: filename and deliverable_id, "
                "or event_id and category)",
                "createUpload",
                201,
                COMMON
                | {
                    400: "Bad header",
                    403: "CSRF",
                    413: "Too large",
                    415: "Type",
                    422: "Bad metadata",
                    507: "Over the quota, or over the person's cap of unfinished uploads (finish or cancel them)",
                },
                False,
            ),
        },
        "/api/uploads/{upload_id}": {
            "head": _tus("The upload's offset (Upload-Offset) and length", "getUploadOffset", 200, COMMON | EXPIRED),
            "patch": _tus(
                "Append bytes at Upload-Offset (application/offset+octet-stream; optional Upload-Checksum)",
                "appendUpload",
                204,
                COMMON
                | EXPIRED
                | {
                    400: "Bad header or cut",
                    403: "CSRF",
                    409: "Wrong offset",
                    413: "Past the length",
                    415: "Wrong content type",
                    460: "Checksum mismatch",
                    507: "Quota",
                },
            ),
            "delete": _tus("Give up an upload (termination)", "deleteUpload", 204, COMMON | {403: "CSRF"}),
        },
    }
}
