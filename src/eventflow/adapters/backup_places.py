"""Where backups go: a folder, or a prefix of a bucket (``eventflow backup create DEST``).

Inside, the same layout either way: ``manifest.json``, the database dump, and ``files/hot/…``, ``files/cold/…``,
the stores' own keys under a blob store of the same kind as the place (so copies are streamed, hashed, atomic).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from attrs import evolve

from eventflow.adapters.blobstore import CHUNK, Blob, LocalBlobStore, unleased
from eventflow.config import BucketUrl
from eventflow.core import errors
from eventflow.core.ports import BlobStore, ByteSource

if TYPE_CHECKING:
    from eventflow.adapters.s3store import Bucket


class FolderPlace:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, stream: ByteSource) -> Blob:
        target = self._file(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            digest, size = hashlib.sha256(), 0
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return Blob(key=name, size=size, sha256=digest.hexdigest())

    def open(self, name: str) -> BinaryIO:
        try:
            return self._file(name).open("rb")
        except FileNotFoundError:
            raise errors.NotFound(f"file of the backup at {self.root}", name) from None

    def exists(self, name: str) -> bool:
        return self._file(name).is_file()

    def files(self, store: str) -> BlobStore:
        return LocalBlobStore(self.root / "files" / store, f"backup's {store}", lease=unleased)

    def _file(self, name: str) -> Path:
        if "/" in name or name.startswith("."):
            raise errors.NotFound(f"file of the backup at {self.root}", name)
        return self.root / name

    def __str__(self) -> str:
        return str(self.root)


class BucketPlace:
    def __init__(self, client: Bucket, url: BucketUrl) -> None:
        from eventflow.adapters.s3store import S3BlobStore

        self.url = url
        self._client = client
        self._bucket = S3BlobStore(client, url, "backup")

    def write(self, name: str, stream: ByteSource) -> Blob:
        with self._bucket.answering(name):
            size, sha256 = self._bucket.write_object(self._object(name), stream)
        return Blob(key=name, size=size, sha256=sha256)

    def open(self, name: str) -> BinaryIO:
        with self._bucket.answering(name):
            return self._bucket.open_object(self._object(name))

    def exists(self, name: str) -> bool:
        try:
            with self.open(name):
                return True
        except errors.NotFound:
            return False

    def files(self, store: str) -> BlobStore:
        from eventflow.adapters.s3store import S3BlobStore

        url = evolve(self.url, prefix=f"{self.url.prefix}files/{store}/")
        return S3BlobStore(self._client, url, f"backup's {store}")

    def _object(self, name: str) -> str:
        if "/" in name or name.startswith("."):
            raise errors.NotFound(f"file of the backup at {self.url}", name)
        return f"{self.url.prefix}{name}"

    def __str__(self) -> str:
        return str(self.url)
