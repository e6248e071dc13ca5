"""A blob store in memory: the simplest store the blob-store contract holds every store to, for tests and demos.

Like the others it streams in chunks, hashes on the way, stops at the limit, and makes a blob visible only once
its last byte arrived (the bytes are kept per key, so ``open`` works while the key is later replaced).
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterator
from typing import BinaryIO

from eventflow.adapters.blobstore import CHUNK, Blob, new_key, valid_key
from eventflow.core import errors
from eventflow.core.ports import ByteSource, LeasedFile

#: The volume a memory store pretends to be on.
MEMORY_VOLUME = 2**40


class MemoryBlobStore:
    """Blobs in a dict: a write lands whole or not at all, so nothing is ever left over for a lease to keep."""

    def __init__(self, name: str = "hot") -> None:
        self.name = name
        self._blobs: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, stream: ByteSource, limit: int | None = None, key: str | None = None) -> Blob:
        key = self._checked(key or new_key())
        digest, data = hashlib.sha256(), bytearray()
        while chunk := stream.read(CHUNK):
            if limit is not None and len(data) + len(chunk) > limit:
                raise errors.FileTooLarge(limit)
            digest.update(chunk)
            data += chunk
        with self._lock:
            self._blobs[key] = bytes(data)
        return Blob(key=key, size=len(data), sha256=digest.hexdigest())

    def open(self, key: str) -> BinaryIO:
        with self._lock:
            data = self._blobs.get(self._checked(key))
        if data is None:
            raise errors.NotFound(f"file in the {self.name} store", key)
        return io.BytesIO(data)

    def path(self, key: str) -> str | None:
        return None

    def size(self, key: str) -> int | None:
        with self._lock:
            data = self._blobs.get(key)
        return None if data is None else len(data)

    def delete(self, key: str) -> None:
        with self._lock:
            self._blobs.pop(key, None)

    def exists(self, key: str) -> bool:
        return self.size(key) is not None

    def list_keys(self) -> Iterator[str]:
        with self._lock:
            keys = sorted(self._blobs)
        yield from keys

    def free_bytes(self) -> int:
        with self._lock:
            return MEMORY_VOLUME - sum(len(b) for b in self._blobs.values())

    def _checked(self, key: str) -> str:
        if not valid_key(key):
            raise errors.NotFound(f"file in the {self.name} store", key)
        return key

    def leased_files(self) -> Iterator[LeasedFile]:
        return iter(())

    def remove_leased(self, name: str) -> None:
        raise errors.NotFound(f"temporary file in the {self.name} store", name)
