"""Blob stores in S3-compatible object storage (``EVENTFLOW_HOT_URL``, ``EVENTFLOW_COLD_URL``), through obstore.

obstore (Rust's ``object_store`` behind a small Python layer) is the client: a web worker holding it is ~10 MB
larger, against ~23 MB for boto3 (bench/s3.py, README "Object storage"). What it does not offer (the bucket
itself, unfinished multipart uploads) is a few requests signed here (``Bucket``).

Writes stream: the bytes go in parts of a multipart upload (5 MiB to the hot store, 8 MiB to the cold; a file under
one part is a single PUT), hashed (sha256) on the way, with a few parts sent in parallel while the next one is read
(``PARTS_IN_FLIGHT``); whatever the file's size, memory stays flat. Every part and single PUT is signed with the
SHA-256 of its bytes, which the server checks (parts carry it as their checksum too); the sha256 of the whole is
what the caller compares with the database. The object appears whole when the upload completes, or never: any
failure (the limit passed, the client or the server gone) aborts the upload. A ``kill -9`` can leave an unfinished
upload behind: invisible, outside the quota, aborted when the same object is written again, listed as a leftover
after a day and cleared by the bucket's lifecycle rule (see the README).

Reads are ranged GETs behind a seekable file object: each GET asks for a window (1 MiB after a seek, doubling up
to 64 MiB while the reader goes on), pinned with If-Match to the object first seen. A video player seeking in an
archived file costs one small request; a whole read, a few large ones.

Keys are the hot store's (``ab/<32 hex>``) under the URL's prefix. Connection problems, refusals and a server that
stops answering mid-way are ``StoreUnavailable``: nothing was changed.
"""

from __future__ import annotations

import configparser
import contextlib
import datetime as dt
import hashlib
import hmac
import io
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

import obstore
from attrs import frozen
from obstore.exceptions import (
    BaseError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionError,
    UnauthenticatedError,
)
from obstore.store import S3Store

from eventflow.adapters.blobstore import CHUNK, Blob, new_key, valid_key
from eventflow.adapters.images import give_big_buffers_back
from eventflow.config import BucketUrl, ConfigError
from eventflow.core import errors
from eventflow.core.ports import ByteSource, LeasedFile

if TYPE_CHECKING:
    from obstore.store import S3Config, S3Credential

MIB = 1024 * 1024
#: Parts sent at once, and their size, by store: uploads from people arrive at network speed (slower than a part
#: goes to the bucket), so the hot store sends one part while it fills the next, of S3's smallest size (5 MiB,
#: files up to 48 GiB), keeping a server worker's memory low (bench/s3.py: a peak ~4 MB lower than with 8 MiB);
#: archiving reads a local disk, so the cold store sends more, larger parts at once. At most (parts in flight + 1)
#: parts in memory per write.
PARTS_IN_FLIGHT = {"hot": 1, "cold": 4}
PART_SIZE = {"hot": 5 * MIB, "cold": 8 * MIB}
FIRST_WINDOW = 1024 * 1024
LAST_WINDOW = 64 * 1024 * 1024
#: A bucket has no volume to fill: the quota is its only limit. Reported as "free on the volume" (1 PiB).
NO_VOLUME_LIMIT = 2**50
CREDENTIALS = "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)"
#: A whole request (a part sent, a window read) may take this long: a reader that pauses longer gets the rest of
#: its window from a new request (``RangedReader``).
REQUEST_TIMEOUT = dt.timedelta(minutes=5)
CONNECT_TIMEOUT = dt.timedelta(seconds=5)
RETRIES = 3
#: An unfinished multipart upload this old is a leftover (a bucket's lifecycle rule may clear them sooner).
ABANDONED_UPLOAD = dt.timedelta(days=1)
#: Separates an object's key from the id of an upload to it, in a leftover's name.
UPLOAD_MARK = "#upload="
_S3_XML = "{http://s3.amazonaws.com/doc/2006-03-01/}"
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@frozen
class Credentials:
    access_key: str
    secret_key: str
    token: str | None = None


#: Where the keys come from: called for each request signed here; obstore asks again once they expire.
Keys = Callable[[], Credentials]


def credentials(url: BucketUrl, env: dict[str, str] | None = None) -> tuple[Keys, bool]:
    """The usual ``AWS_*`` variables, else the static keys of ``AWS_PROFILE`` (or the default profile) in
    ``~/.aws/credentials`` or ``~/.aws/config``, else what boto3 finds when it is installed (SSO and assume-role
    profiles, instance and container roles); whether they may change. Otherwise one ConfigError line naming the
    setting."""
    env = dict(os.environ) if env is None else env
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        static = Credentials(
            env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env.get("AWS_SESSION_TOKEN") or None
        )
        return _fixed(static), False
    profile = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE")
    files = (
        (Path(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser(), profile or "default"),
        (
            Path(env.get("AWS_CONFIG_FILE") or "~/.aws/config").expanduser(),
            f"profile {profile}" if profile else "default",
        ),
    )
    found = False
    for path, section in files:
        parser = configparser.RawConfigParser()
        try:
            parser.read(path)
        except (OSError, configparser.Error):
            continue
        if not parser.has_section(section):
            continue
        found = True
        keys = dict(parser.items(section))
        if keys.get("aws_access_key_id") and keys.get("aws_secret_access_key"):
            static = Credentials(
                keys["aws_access_key_id"], keys["aws_secret_access_key"], keys.get("aws_session_token")
            )
            return _fixed(static), False
    if profile and not found:
        raise ConfigError(
            "%(variable)s=%(url)s: the bucket %(bucket)r: AWS_PROFILE=%(profile)s names no profile of "
            "~/.aws/credentials or ~/.aws/config",
            **naming(url),
            profile=profile,
        )
    from_boto3 = _boto3_keys(url)
    if from_boto3 is not None:
        return from_boto3, True
    if profile:
        raise ConfigError(
            "%(variable)s=%(url)s: the bucket %(bucket)r: the profile %(profile)s holds no "
            "aws_access_key_id / aws_secret_access_key "
            "(for its SSO or role credentials: pip install boto3)",
            **naming(url),
            profile=profile,
        )
    raise ConfigError(
        "%(variable)s=%(url)s: the bucket %(bucket)r needs credentials: set %(credentials)s",
        **naming(url),
        credentials=CREDENTIALS,
    )


def naming(url: BucketUrl) -> dict[str, str]:
    """The values every line about this bucket starts with: "%(variable)s=%(url)s: the bucket %(bucket)r"."""
    return {"variable": url.variable, "url": str(url), "bucket": url.bucket}


def _fixed(keys: Credentials) -> Keys:
    return lambda: keys


def _boto3_keys(url: BucketUrl) -> Keys | None:
    """boto3's credentials, when it is installed and finds some: the rare setups (SSO, roles) pay for its weight."""
    try:
        import boto3
        from botocore.exceptions import BotoCoreError
    except ImportError:
        return None
    try:
        found = boto3.session.Session().get_credentials()
    except BotoCoreError as error:
        raise ConfigError(
            "%(variable)s=%(url)s: the bucket %(bucket)r: %(error)s",
            **naming(url),
            error=str(error),
        ) from None
    if found is None:
        return None

    def current() -> Credentials:
        keys = found.get_frozen_credentials()  # refreshed by boto3 when they are about to expire
        return Credentials(str(keys.access_key), str(keys.secret_key), keys.token and str(keys.token))

    return current


class BucketError(Exception):
    """A signed request to the bucket answered ``status`` (0: no answer), with S3's error ``code``."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}" if code else message)
        self.status = status
        self.code = code


class Bucket:
    """One bucket's client, thread-safe: obstore's store for the objects, and a few requests signed here (AWS
    Signature V4) for what obstore does not offer: reaching the bucket itself, listing and aborting unfinished
    multipart uploads."""

    def __init__(self, url: BucketUrl, keys: Keys, changing: bool = False) -> None:
        self.name = url.bucket
        self.region = url.region or "us-east-1"
        self.endpoint = url.endpoint or f"https://s3.{self.region}.amazonaws.com"
        self._keys = keys
        # The client's threads hold each part (5 or 8 MiB) in a malloc'ed block: mapped, it goes back to the system once
        # sent, instead of staying in the arena of whichever thread held it.
        give_big_buffers_back()
        self.store = S3Store(
            url.bucket,
            endpoint=self.endpoint,
            region=self.region,
            credential_provider=self._current if changing else None,
            config=None if changing else _static(keys()),
            virtual_hosted_style_request=False,
            checksum_algorithm="SHA256",
            client_options={
                "allow_http": self.endpoint.startswith("http://"),
                "connect_timeout": CONNECT_TIMEOUT,
                "timeout": REQUEST_TIMEOUT,
            },
            retry_config={
                "max_retries": RETRIES,
                "retry_timeout": dt.timedelta(seconds=20),
                "backoff": {
                    "init_backoff": dt.timedelta(milliseconds=100),
                    "max_backoff": dt.timedelta(seconds=2),
                    "base": 2,
                },
            },
        )

    def _current(self) -> S3Credential:
        keys = self._keys()
        expiry = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
        return {
            "access_key_id": keys.access_key,
            "secret_access_key": keys.secret_key,
            "token": keys.token,
            "expires_at": expiry,
        }

    def request(self, method: str, key: str = "", **query: str) -> bytes:
        """A signed request to the bucket (or to ``key`` in it); its body, or BucketError."""
        parts = urlsplit(self.endpoint)
        path = quote(f"{parts.path}/{self.name}/{key}".rstrip("/") if key else f"{parts.path}/{self.name}", "/-_.~")
        search = "&".join(f"{quote(k, '-_.~')}={quote(v, '-_.~')}" for k, v in sorted(query.items()))
        now = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        headers = {"host": parts.netloc, "x-amz-content-sha256": _EMPTY_SHA256, "x-amz-date": now}
        keys = self._keys()
        if keys.token:
            headers["x-amz-security-token"] = keys.token
        signed = ";".join(sorted(headers))
        canonical = "\n".join(
            [method, path, search, "".join(f"{k}:{headers[k]}\n" for k in sorted(headers)), signed, _EMPTY_SHA256]
        )
        scope = f"{now[:8]}/{self.region}/s3/aws4_request"
        to_sign = f"AWS4-HMAC-SHA256\n{now}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key_bytes = f"AWS4{keys.secret_key}".encode()
        for step in (now[:8], self.region, "s3", "aws4_request"):
            key_bytes = hmac.new(key_bytes, step.encode(), hashlib.sha256).digest()
        signature = hmac.new(key_bytes, to_sign.encode(), hashlib.sha256).hexdigest()
        credential = f"{keys.access_key}/{scope}"
        headers["authorization"] = (
            f"AWS4-HMAC-SHA256 Credential={credential}, SignedHeaders={signed}, Signature={signature}"
        )
        del headers["host"]
        target = f"{parts.scheme}://{parts.netloc}{path}" + (f"?{search}" if search else "")
        try:
            with urllib.request.urlopen(
                urllib.request.Request(target, method=method, headers=headers), timeout=REQUEST_TIMEOUT.total_seconds()
            ) as answer:
                return bytes(answer.read())
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            code = re.search(r"<Code>([^<]*)</Code>", body)
            message = re.search(r"<Message>([^<]*)</Message>", body)
            raise BucketError(
                error.code, code.group(1) if code else str(error.code), message.group(1) if message else error.reason
            ) from None
        except OSError as error:
            raise BucketError(0, "", str(getattr(error, "reason", error))) from None

    def unfinished_uploads(self, prefix: str) -> Iterator[tuple[str, str, dt.datetime]]:
        """Every multipart upload begun and not finished under ``prefix``: its key, id and start."""
        markers: dict[str, str] = {}
        while True:
            answer = ElementTree.fromstring(self.request("GET", uploads="", prefix=prefix, **markers))
            for upload in answer.iter(f"{_S3_XML}Upload"):
                started = dt.datetime.fromisoformat(upload.findtext(f"{_S3_XML}Initiated", "").replace("Z", "+00:00"))
                yield upload.findtext(f"{_S3_XML}Key", ""), upload.findtext(f"{_S3_XML}UploadId", ""), started
            if answer.findtext(f"{_S3_XML}IsTruncated") != "true":
                return
            markers = {
                "key-marker": answer.findtext(f"{_S3_XML}NextKeyMarker", ""),
                "upload-id-marker": answer.findtext(f"{_S3_XML}NextUploadIdMarker", ""),
            }

    def abort(self, key: str, upload: str) -> None:
        self.request("DELETE", key, uploadId=upload)


def s3_client(url: BucketUrl) -> Bucket:
    """A thread-safe client for ``url``'s bucket; credentials from the usual ``AWS_*`` variables or profile."""
    keys, changing = credentials(url)
    return Bucket(url, keys, changing)


def _static(keys: Credentials) -> S3Config:
    config: S3Config = {"access_key_id": keys.access_key, "secret_access_key": keys.secret_key}
    if keys.token:
        config["session_token"] = keys.token
    return config


def connect(url: BucketUrl, name: str) -> S3BlobStore:
    """The store at ``url``, once the bucket answered; otherwise one ConfigError line naming the variable."""
    store = S3BlobStore(s3_client(url), url, name)
    store.check()
    return store


class S3BlobStore:
    """Objects under ``url.prefix`` in one bucket; the same class serves as the hot and the cold store."""

    def __init__(self, client: Bucket, url: BucketUrl, name: str = "cold") -> None:
        self.client = client
        self.url = url
        self.name = name
        self.place = f"{name} store ({url})"
        self.parts_in_flight = PARTS_IN_FLIGHT.get(name, PARTS_IN_FLIGHT["hot"])
        self.part = PART_SIZE.get(name, PART_SIZE["hot"])

    def check(self) -> None:
        """Reach the bucket with these credentials, or stop with one line naming the setting."""
        where = naming(self.url)
        try:
            self.client.request("HEAD")
        except BucketError as error:
            if error.status == 0:
                raise ConfigError(
                    "%(variable)s=%(url)s: the bucket %(bucket)r cannot be reached at %(endpoint)s: %(error)s",
                    **where,
                    endpoint=self.endpoint,
                    error=str(error),
                ) from None
            if error.status == 404:
                raise ConfigError(
                    "%(variable)s=%(url)s: the bucket %(bucket)r does not exist at %(endpoint)s",
                    **where,
                    endpoint=self.endpoint,
                ) from None
            if error.status in (401, 403):
                raise ConfigError(
                    "%(variable)s=%(url)s: the bucket %(bucket)r refused these credentials: check %(credentials)s",
                    **where,
                    credentials=CREDENTIALS,
                ) from None
            raise ConfigError(
                "%(variable)s=%(url)s: the bucket %(bucket)r answered %(error)s", **where, error=str(error)
            ) from None

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
        first = counted.first_part(self.part)
        if counted.size < self.part:
            obstore.put(self.client.store, name, b"".join(first), use_multipart=False)
        else:
            if replacing:
                self._abort_leftovers(name)
            # obstore cuts the chunks into parts and aborts the upload when the source raises (FileTooLarge…)
            obstore.put(
                self.client.store,
                name,
                counted.chunks(first),
                use_multipart=True,
                chunk_size=self.part,
                max_concurrency=self.parts_in_flight,
            )
        return counted.size, counted.digest.hexdigest()

    def _abort_leftovers(self, name: str) -> None:
        """Unfinished uploads to an object written again: leftovers of a killed copy of this file (an archive run
        killed mid-file), or a write this one replaces anyway. A rerun clears them instead of leaving parts."""
        for key, upload, _ in list(self.client.unfinished_uploads(name)):
            if key == name:
                self._abort(key, upload)

    def _abort(self, name: str, upload: str) -> None:
        with contextlib.suppress(BucketError):  # the server is gone: its lifecycle rule clears the parts
            self.client.abort(name, upload)

    # -- leftovers -----------------------------------------------------------------------------------------------
    def leased_files(self) -> Iterator[LeasedFile]:
        """Multipart uploads left unfinished for over a day (a process killed mid-write): no lease names them, so the
        age tells them apart from writes under way. Their size is not listed cheaply: reported as 0."""
        cutoff = dt.datetime.now(dt.UTC) - ABANDONED_UPLOAD
        with self.answering():
            listed = list(self.client.unfinished_uploads(self.url.prefix))
        for key, upload, started in listed:
            if started < cutoff:
                yield LeasedFile(None, f"{key}{UPLOAD_MARK}{upload}", 0)

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
        """The object ``name`` for reading, seekable (obstore's NotFoundError when it is missing)."""
        head = obstore.head(self.client.store, name)
        reader = RangedReader(self, name, int(head["size"]), head["e_tag"])
        return io.BufferedReader(reader, buffer_size=CHUNK)

    def path(self, key: str) -> str | None:
        return None

    def size(self, key: str) -> int | None:
        try:
            with self.answering(key):
                head = obstore.head(self.client.store, self._object(key))
        except errors.NotFound:
            return None
        return int(head["size"])

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def delete(self, key: str) -> None:
        with self.answering(key):
            obstore.delete(self.client.store, self._object(key))

    def list_keys(self) -> Iterator[str]:
        """Every stored key, in order (unfinished uploads are not objects yet)."""
        with self.answering():
            for page in obstore.list(self.client.store, prefix=self.url.prefix or None, chunk_size=1000):
                for item in page:
                    key = item["path"][len(self.url.prefix) :]
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
        """The client's errors as the core's: a missing object NotFound, a replaced one Conflict, the rest
        unavailable."""
        try:
            yield
        except (NotFoundError, FileNotFoundError) as error:  # obstore raises the latter for a missing object
            if key is not None and "NoSuchBucket" not in str(error):
                raise errors.NotFound(f"file in the {self.name} store", key) from None
            raise errors.StoreUnavailable(self.place, _message(error)) from None
        except PreconditionError:
            raise errors.Conflict(
                "file %(the_key)s changed in the %(name)s store while it was read", the_key=key or "", name=self.name
            ) from None
        except (PermissionDeniedError, UnauthenticatedError, BaseError, BucketError) as error:
            refused = isinstance(error, PermissionDeniedError | UnauthenticatedError) or getattr(
                error, "status", 0
            ) in (
                401,
                403,
            )
            reason = f"it refused these credentials: check {CREDENTIALS}: " if refused else ""
            raise errors.StoreUnavailable(self.place, f"{reason}{_message(error)}") from None


class RangedReader(io.RawIOBase):
    """An object read through ranged GETs, seekable; see the module's docstring for the windows."""

    def __init__(self, store: S3BlobStore, name: str, size: int, etag: str | None) -> None:
        self._store = store
        self._name = name
        self._size = size
        self._etag = etag
        self._pos = 0
        self._window = FIRST_WINDOW
        self._chunks: Iterator[Any] | None = None
        self._chunk = memoryview(b"")
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
        if not self._chunk:
            self._chunk = self._next_chunk()
        count = min(len(buffer), len(self._chunk))
        buffer[:count] = self._chunk[:count]
        self._chunk = self._chunk[count:]
        self._pos += count
        self._left -= count
        if self._left == 0:
            self._drop()
        return count

    def _next_chunk(self) -> memoryview:
        """The next bytes of the open GET (one is opened if none is); a GET cut short (a reader that paused past the
        request's time) is asked again from where it stopped, once."""
        for attempt in (1, 2):
            if self._chunks is None:
                self._open()
            assert self._chunks is not None
            try:
                with self._store.answering(self._name):
                    chunk = next(self._chunks, None)
            except errors.StoreUnavailable:
                if attempt == 2:
                    raise
                self._drop()
                continue
            if chunk is not None and len(chunk):
                return memoryview(chunk)[: self._left]
            self._drop()
            if attempt == 2:
                break
        raise errors.StoreUnavailable(self._store.place, "it stopped sending the file before its end")

    def close(self) -> None:
        self._drop()
        super().close()

    def _open(self) -> None:
        end = min(self._pos + self._window, self._size)
        options: dict[str, Any] = {"range": (self._pos, end)}
        if self._etag:
            options["if_match"] = self._etag
        with self._store.answering(self._name):
            answer = obstore.get(self._store.client.store, self._name, options=options)  # type: ignore[arg-type]
        self._chunks, self._left = iter(answer.stream(min_chunk_size=CHUNK)), end - self._pos
        self._window = min(self._window * 2, LAST_WINDOW)

    def _drop(self) -> None:
        self._chunks, self._chunk, self._left = None, memoryview(b""), 0


class _Counted:
    """The source in chunks, counted against the limit and hashed on the way."""

    def __init__(self, stream: ByteSource, limit: int | None) -> None:
        self._stream = stream
        self._limit = limit
        self.size = 0
        self.digest = hashlib.sha256()

    def first_part(self, part: int) -> list[bytes]:
        """The first ``part`` bytes (fewer: the whole file), in chunks."""
        chunks = []
        while self.size < part and (chunk := self._read(min(CHUNK, part - self.size))):
            chunks.append(chunk)
        return chunks

    def chunks(self, first: list[bytes]) -> Iterator[bytes]:
        """The first part's chunks, forgotten once handed over, then the rest of the source."""
        while first:
            yield first.pop(0)
        while chunk := self._read(CHUNK):
            yield chunk

    def _read(self, size: int) -> bytes:
        chunk = self._stream.read(size)
        self.size += len(chunk)
        if self._limit is not None and self.size > self._limit:
            raise errors.FileTooLarge(self._limit)
        self.digest.update(chunk)
        return chunk


def _message(error: Exception) -> str:
    """The first line of a client's error, without the XML body or the debug dump that follow it."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    code = re.search(r"<Code>([^<]*)</Code>", str(error))
    text = text.split(": <?xml")[0]
    return f"{text} ({code.group(1)})" if code else text
