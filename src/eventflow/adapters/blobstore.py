"""Blob stores on the local disk: the hot store (``<data>/files``) and the cold store (``EVENTFLOW_COLD_DIR``).

A blob is written in 1 MiB chunks (memory stays flat whatever the size) into a temporary file in its own
target folder, hashed on the way, fsynced, renamed into place and the folder fsynced: a crash or a cut
upload never leaves a half file under a real key. Keys are generated (``ab/<32 hex>``), never a user's name.
A disk without room (ENOSPC, EDQUOT) is StorageFull, the temporary file removed.

A temporary file is named after the lease of the process writing it (``.incoming-<lease>-<random>``): once that
lease is dead (the process was killed), the sweep knows the file is a leftover and removes it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from attrs import frozen

from eventflow.core import errors
from eventflow.core.ports import ByteSource, LeasedFile

CHUNK = 1024 * 1024
TEMP_PREFIX = ".incoming-"
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")
_FOLDER = re.compile(r"^[0-9a-f]{2}$")
_LEASED_TEMP = re.compile(rf"^{re.escape(TEMP_PREFIX)}([0-9a-f]{{32}})-")


@frozen
class Blob:
    key: str
    size: int
    sha256: str


def new_key() -> str:
    token = uuid.uuid4().hex
    return f"{token[:2]}/{token}"


def valid_key(key: str) -> bool:
    """Whether ``key`` is one ``new_key`` could have made (and so names no other place)."""
    return _KEY.match(key) is not None


def unleased() -> str:
    """The lease of writes no process lease covers (a backup, a migration's target folder): no lease row keeps it, so
    a temporary file such a write leaves is reclaimed by the next sweep of a store there."""
    return "0" * 32


class LocalBlobStore:
    """Files under ``root``; the same class serves as the hot and the cold store."""

    def __init__(self, root: Path, name: str = "hot", *, lease: Callable[[], str]) -> None:
        self.root = Path(root)
        self.name = name
        self._lease = lease

    def put(self, stream: ByteSource, limit: int | None = None, key: str | None = None) -> Blob:
        try:
            return self._put(stream, limit, key or new_key())
        except OSError as error:
            if not disk_full(error):
                raise
            raise errors.StorageFull(f"{self.name} store", self.free_bytes()) from error

    def _put(self, stream: ByteSource, limit: int | None, key: str) -> Blob:
        target = self._file(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{self._lease()}-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                size, digest = _copy(stream, out, limit)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        _fsync_dir(target.parent)
        return Blob(key=key, size=size, sha256=digest)

    def open(self, key: str) -> BinaryIO:
        try:
            return self._file(key).open("rb")
        except FileNotFoundError:
            raise errors.NotFound(f"file in the {self.name} store", key) from None

    def path(self, key: str) -> str | None:
        return str(self._file(key))

    def size(self, key: str) -> int | None:
        try:
            return self._file(key).stat().st_size
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        target = self._file(key)
        try:
            target.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(target.parent)

    def exists(self, key: str) -> bool:
        return self._file(key).is_file()

    def list_keys(self) -> Iterator[str]:
        """Every stored key (temporary files of writes under way excluded)."""
        for folder in self._folders():
            for file in sorted(folder.iterdir()):
                key = f"{folder.name}/{file.name}"
                if _KEY.match(key):
                    yield key

    def _folders(self) -> Iterator[Path]:
        if self.root.is_dir():
            yield from (f for f in sorted(self.root.iterdir()) if _FOLDER.match(f.name) and f.is_dir())

    def leased_files(self) -> Iterator[LeasedFile]:
        """The temporary files of writes under way, or cut short by a crash (``ab/.incoming-<lease>-<random>``)."""
        for folder in self._folders():
            for file in folder.iterdir():
                if file.name.startswith(TEMP_PREFIX):
                    size = _size(file)
                    if size is not None:
                        lease = _LEASED_TEMP.match(file.name)
                        yield LeasedFile(lease[1] if lease else None, f"{folder.name}/{file.name}", size)

    def remove_leased(self, name: str) -> None:
        folder, _, file = name.partition("/")
        if not (_FOLDER.match(folder) and file.startswith(TEMP_PREFIX) and "/" not in file):
            raise errors.NotFound(f"temporary file in the {self.name} store", name)
        (self.root / folder / file).unlink(missing_ok=True)

    def free_bytes(self) -> int:
        """Free space on the volume holding the store."""
        self.root.mkdir(parents=True, exist_ok=True)
        return shutil.disk_usage(self.root).free

    def _file(self, key: str) -> Path:
        if not _KEY.match(key):
            raise errors.NotFound(f"file in the {self.name} store", key)
        return self.root / key


def disk_full(error: OSError) -> bool:
    """The disk refused a write for want of room: no space left, or the owner's disk quota."""
    return error.errno in (errno.ENOSPC, errno.EDQUOT)


def _copy(stream: ByteSource, out: BinaryIO, limit: int | None) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise errors.FileTooLarge(limit)
        digest.update(chunk)
        out.write(chunk)
    return size, digest.hexdigest()


def _size(file: Path) -> int | None:
    try:
        return file.stat().st_size
    except FileNotFoundError:  # its write just ended
        return None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
