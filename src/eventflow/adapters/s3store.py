"""Blob stores in S3-compatible object storage (``EVENTFLOW_HOT_URL``, ``EVENTFLOW_COLD_URL``), through boto3.

Writes stream: the bytes are cut into 8 MiB parts of a multipart upload (a file of one part is a single PUT),
hashed (sha256) on the way, with a few parts sent in parallel while the next one is read (``PARTS_IN_FLIGHT``);
whatever the file's size, memory stays flat. Every part carries a checksum the server checks
(botocore's CRC32), and the sha256 of the whole is what the caller compares with the database. The object
appears whole when the upload completes, or never: any failure (the limit passed, the client or the server gone)
aborts the upload. A ``kill -9`` can leave an unfinished upload behind: invisible, outside the quota, cleared by
the bucket's lifecycle rule (abort incomplete multipart uploads after a day, see the README).

Reads are ranged GETs behind a seekable file object: each GET asks for a window (1 MiB after a seek, doubling up
to 64 MiB while the reader goes on), pinned with If-Match to the object first seen. A video player seeking in an
archived file costs one small request; a whole read, a few large ones.

Keys are the hot store's (``ab/<32 hex>``) under the URL's prefix. Connection problems, refusals and a server that
stops answering mid-way are ``StoreUnavailable``: nothing was changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import mmap
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, BinaryIO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, ProfileNotFound

from eventflow.adapters.blobstore import CHUNK, Blob, new_key, valid_key
from eventflow.config import BucketUrl, ConfigError
from eventflow.core import errors
from eventflow.core.ports import ByteSource, LeasedFile

PART = 8 * 1024 * 1024
#: Parts sent at once, by store: uploads from people arrive at network speed (slower than a part goes to the
#: bucket), so the hot store sends one while it reads the next and keeps a server
#: worker's memory low; archiving reads a local disk, so the cold store sends more at once. One more part is read
#: while they go: at most (parts in flight + 1) x 8 MiB in memory per write.
PARTS_IN_FLIGHT = {"hot": 1, "cold": 4}
FIRST_WINDOW = 1024 * 1024
LAST_WINDOW = 64 * 1024 * 1024
#: A bucket has no volume to fill: the quota is its only limit. Reported as "free on the volume" (1 PiB).
NO_VOLUME_LIMIT = 2**50
CREDENTIALS = "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
_MISSING = {"NoSuchKey", "NotFound", "404"}
_REFUSED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403", "InvalidToken", "ExpiredToken"}

#: An unfinished multipart upload this old is a leftover (a bucket's lifecycle rule may clear them sooner).
ABANDONED_UPLOAD = dt.timedelta(days=1)
#: Separates an object's key from the id of an upload to it, in a leftover's name.
UPLOAD_MARK = "#upload="


def s3_client(url: BucketUrl) -> Any:
    """A thread-safe client for ``url``'s endpoint; credentials from the usual ``AWS_*`` variables or profile."""
    config = Config(
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=32,
        s3={"addressing_style": "path"} if url.endpoint else None,
    )
    try:
        session = boto3.session.Session()
    except ProfileNotFound as error:
        raise ConfigError(f"{url.variable}: {error} (AWS_PROFILE names no profile of ~/.aws/config)") from None
    return session.client("s3", endpoint_url=url.endpoint, region_name=url.region or "us-east-1", config=config)


def connect(url: BucketUrl, name: str) -> S3BlobStore:
    """The store at ``url``, once the bucket answered; otherwise one ConfigError line naming the variable."""
    store = S3BlobStore(s3_client(url), url, name)
    store.check()
    return store


class S3BlobStore:
    """Objects under ``url.prefix`` in one bucket; the same class serves as the hot and the cold store."""

    def __init__(self, client: Any, url: BucketUrl, name: str = "cold") -> None:
        self.client = client
        self.url = url
        self.name = name
        self.place = f"{name} store ({url})"
        self.parts_in_flight = PARTS_IN_FLIGHT.get(name, PARTS_IN_FLIGHT["hot"])

    def check(self) -> None:
        """Reach the bucket with these credentials, or stop with one line naming the setting."""
        where = f"{self.url.variable}={self.url}: the bucket {self.url.bucket!r}"
        try:
            self.client.head_bucket(Bucket=self.url.bucket)
        except NoCredentialsError:
            raise ConfigError(f"{where} needs credentials: set {CREDENTIALS}") from None
        except ClientError as error:
            code = _code(error)
            if code in _MISSING or code == "NoSuchBucket":
                raise ConfigError(f"{where} does not exist at {self.endpoint}") from None
            if code in _REFUSED:
                raise ConfigError(f"{where} refused these credentials: check {CREDENTIALS}") from None
            raise ConfigError(f"{where} answered {code}: {_message(error)}") from None
        except BotoCoreError as error:
            raise ConfigError(f"{where} cannot be reached at {self.endpoint}: {error}") from None

    @property
    def endpoint(self) -> str:
        return self.url.endpoint or "AWS"

    # -- writing -------------------------------------------------------------------------------------------------
    def put(self, stream: ByteSource, limit: int | None = None, key: str | None = None) -> Blob:
        given, key = key is not None, key or new_key()
        with self.answering(key):
            size, sha256 = self.write_object(self._object(key), stream, limit, replacing=given)
        return Blob(key=key, size=size, sha256=sha256)

    def write_object(
        self, name: str, stream: ByteSource, limit: int | None = None, replacing: bool = True
    ) -> tuple[int, str]:
        """Stream ``stream`` into the object ``name`` (the bucket's own name for it): its size and sha256."""
        counted = _Counted(stream, limit)
        read = [counted.part()]  # a list the sender empties: a part sent is a part forgotten
        if len(read[0]) < PART:
            with _closing(read.pop()) as body:
                self.client.put_object(Bucket=self.url.bucket, Key=name, Body=body)
        else:
            if replacing:
                self._abort_leftovers(name)
            self._multipart(name, counted, read)
        return counted.size, counted.digest.hexdigest()

    def _multipart(self, name: str, counted: _Counted, read: list[mmap.mmap | bytes]) -> None:
        upload = self.client.create_multipart_upload(Bucket=self.url.bucket, Key=name)["UploadId"]
        try:
            done = self._send_parts(name, upload, counted, read)
            self.client.complete_multipart_upload(
                Bucket=self.url.bucket, Key=name, UploadId=upload, MultipartUpload={"Parts": done}
            )
        except BaseException:
            self._abort(name, upload)
            raise

    def _send_parts(
        self, name: str, upload: str, counted: _Counted, read: list[mmap.mmap | bytes]
    ) -> list[dict[str, Any]]:
        """Read part after part while earlier ones are sent; at most one more part than those in flight is held."""
        room = threading.BoundedSemaphore(self.parts_in_flight + 1)
        sent: list[Future[dict[str, Any]]] = []
        with ThreadPoolExecutor(self.parts_in_flight, thread_name_prefix="s3-part") as pool:
            try:
                while True:
                    room.acquire()
                    body = read.pop() if read else counted.part()
                    if not body:
                        room.release()
                        break
                    sent.append(pool.submit(self._send_part, name, upload, len(sent) + 1, body, room))
                    del body
                    for part in sent:
                        if part.done() and part.exception():
                            part.result()  # a part that failed stops the reading now
                return [part.result() for part in sent]
            except BaseException:
                for part in sent:
                    part.cancel()
                raise

    def _send_part(
        self, name: str, upload: str, number: int, body: mmap.mmap | bytes, room: threading.BoundedSemaphore
    ) -> dict[str, Any]:
        try:
            with _closing(body):
                answer = self.client.upload_part(
                    Bucket=self.url.bucket, Key=name, UploadId=upload, PartNumber=number, Body=body
                )
        finally:
            room.release()
        part = {"PartNumber": number, "ETag": answer["ETag"]}
        part.update({k: v for k, v in answer.items() if k.startswith("Checksum")})
        return part

    def _abort_leftovers(self, name: str) -> None:
        """Unfinished uploads to an object written again: leftovers of a killed copy of this file (an archive run
        killed mid-file), or a write this one replaces anyway. A rerun clears them instead of leaving parts."""
        listed = self.client.list_multipart_uploads(Bucket=self.url.bucket, Prefix=name)
        for upload in listed.get("Uploads", []):
            if upload["Key"] == name:
                self._abort(name, upload["UploadId"])

    def _abort(self, name: str, upload: str) -> None:
        with contextlib.suppress(ClientError, BotoCoreError):  # the server is gone: its lifecycle rule clears the parts
            self.client.abort_multipart_upload(Bucket=self.url.bucket, Key=name, UploadId=upload)

    # -- leftovers -----------------------------------------------------------------------------------------------
    def leased_files(self) -> Iterator[LeasedFile]:
        """Multipart uploads left unfinished for over a day (a process killed mid-write): no lease names them, so the
        age tells them apart from writes under way. Their size is not listed cheaply: reported as 0."""
        cutoff = dt.datetime.now(dt.UTC) - ABANDONED_UPLOAD
        with self.answering():
            listed = self.client.list_multipart_uploads(Bucket=self.url.bucket, Prefix=self.url.prefix)
        for upload in listed.get("Uploads", []):
            if upload["Initiated"] < cutoff:
                yield LeasedFile(None, f"{upload['Key']}{UPLOAD_MARK}{upload['UploadId']}", 0)

    def remove_leased(self, name: str) -> None:
        key, _, upload = name.partition(UPLOAD_MARK)
        if not upload:
            raise errors.NotFound(f"unfinished upload in the {self.name} store", name)
        self._abort(key, upload)

    # -- reading -------------------------------------------------------------------------------------------------
    def open(self, key: str) -> BinaryIO:
        with self.answering(key):
            return self.open_object(self._object(key))

    def open_object(self, name: str) -> BinaryIO:
        """The object ``name`` for reading, seekable (ClientError when it is missing)."""
        head = self.client.head_object(Bucket=self.url.bucket, Key=name)
        reader = RangedReader(self, name, int(head["ContentLength"]), head["ETag"])
        return io.BufferedReader(reader, buffer_size=CHUNK)

    def path(self, key: str) -> str | None:
        return None

    def size(self, key: str) -> int | None:
        try:
            with self.answering(key):
                head = self.client.head_object(Bucket=self.url.bucket, Key=self._object(key))
        except errors.NotFound:
            return None
        return int(head["ContentLength"])

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def delete(self, key: str) -> None:
        with self.answering(key):
            self.client.delete_object(Bucket=self.url.bucket, Key=self._object(key))

    def list_keys(self) -> Iterator[str]:
        """Every stored key, in order (unfinished uploads are not objects yet)."""
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.url.bucket, Prefix=self.url.prefix)
        with self.answering():
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.url.prefix) :]
                    if valid_key(key):
                        yield key

    def free_bytes(self) -> int:
        return NO_VOLUME_LIMIT

    # -- helpers -------------------------------------------------------------------------------------------------
    def _object(self, key: str) -> str:
        if not valid_key(key):
            raise errors.NotFound(f"file in the {self.name} store", key)
        return f"{self.url.prefix}{key}"

    @contextmanager
    def answering(self, key: str | None = None) -> Iterator[None]:
        """boto3's errors as the core's: a missing object NotFound, a replaced one Conflict, the rest unavailable."""
        try:
            yield
        except ClientError as error:
            code = _code(error)
            if key is not None and code in _MISSING:
                raise errors.NotFound(f"file in the {self.name} store", key) from None
            if code in ("PreconditionFailed", "412"):
                raise errors.Conflict(
                    "file %(the_key)s changed in the %(name)s store while it was read",
                    the_key=key or "",
                    name=self.name,
                ) from None
            reason = f"it refused these credentials ({code}): check {CREDENTIALS}" if code in _REFUSED else code
            raise errors.StoreUnavailable(self.place, f"{reason}: {_message(error)}") from None
        except BotoCoreError as error:
            raise errors.StoreUnavailable(self.place, str(error)) from None


class RangedReader(io.RawIOBase):
    """An object read through ranged GETs, seekable; see the module's docstring for the windows."""

    def __init__(self, store: S3BlobStore, name: str, size: int, etag: str) -> None:
        self._store = store
        self._name = name
        self._size = size
        self._etag = etag
        self._pos = 0
        self._window = FIRST_WINDOW
        self._body: Any = None
        self._left = 0  # bytes of the open GET not read yet

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        target = max(base + offset, 0)
        if target != self._pos:
            self._drop()
            self._pos, self._window = target, FIRST_WINDOW
        return self._pos

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            self._open()
        with self._store.answering(self._name):
            data = self._body.read(min(len(buffer), self._left))
        if not data:
            self._drop()
            raise errors.StoreUnavailable(self._store.place, "it stopped sending the file before its end")
        buffer[: len(data)] = data
        self._pos += len(data)
        self._left -= len(data)
        if self._left == 0:
            self._drop()
        return len(data)

    def close(self) -> None:
        self._drop()
        super().close()

    def _open(self) -> None:
        last = min(self._pos + self._window, self._size) - 1
        store = self._store
        with store.answering(self._name):
            answer = store.client.get_object(
                Bucket=store.url.bucket,
                Key=self._name,
                Range=f"bytes={self._pos}-{last}",
                IfMatch=self._etag,
            )
        self._body, self._left = answer["Body"], last - self._pos + 1
        self._window = min(self._window * 2, LAST_WINDOW)

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body, self._left = None, 0


class _Counted:
    """The source cut into parts, counted against the limit and hashed on the way."""

    def __init__(self, stream: ByteSource, limit: int | None) -> None:
        self._stream = stream
        self._limit = limit
        self.size = 0
        self.digest = hashlib.sha256()

    def part(self) -> mmap.mmap | bytes:
        """The next ``PART`` bytes (fewer at the end, none after it), in a mapping of their own: closed once sent,
        its memory goes straight back to the system instead of staying in the allocator of the request's thread
        (8 MiB blocks freed by malloc stay resident: a worker kept ~50 MB after one big upload)."""
        buffer, filled = mmap.mmap(-1, PART), 0
        while filled < PART and (chunk := self._stream.read(min(CHUNK, PART - filled))):
            self.size += len(chunk)
            if self._limit is not None and self.size > self._limit:
                buffer.close()
                raise errors.FileTooLarge(self._limit)
            self.digest.update(chunk)
            buffer[filled : filled + len(chunk)] = chunk
            filled += len(chunk)
        if not filled:
            buffer.close()
            return b""  # a mapping cannot be empty
        if filled < PART:
            buffer.resize(filled)
        return buffer


@contextmanager
def _closing(part: mmap.mmap | bytes) -> Iterator[mmap.mmap | bytes]:
    """A part, unmapped once used (an empty one is plain bytes)."""
    try:
        yield part
    finally:
        if isinstance(part, mmap.mmap):
            part.close()


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", "unknown"))


def _message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message") or error)
