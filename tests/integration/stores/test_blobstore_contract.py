"""The blob-store contract, one module run over every store: the hot folder, the cold folder, memory, and S3.

S3 is a bucket of an S3-compatible server over HTTP (moto's, see ``tests/support/s3server.py``); the folders are on the
real disk. What one store does, every store does: streamed and hashed writes, nothing visible before the last
byte or after a failure, keys generated, atomic replacement, idempotent deletes, seekable reads.
"""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from eventflow.adapters.blobstore import LocalBlobStore, unleased
from eventflow.adapters.memory_blobs import MemoryBlobStore
from eventflow.config import BucketUrl
from eventflow.core import errors
from eventflow.core.ports import BlobStore
from tests.support.s3server import S3Server

MB = 1024 * 1024
STORES = ("hot folder", "cold folder", "memory", "s3")


def s3_store(server: S3Server, name: str = "cold") -> BlobStore:
    from eventflow.adapters.s3store import connect

    bucket = server.new_bucket()
    return connect(BucketUrl.parse(server.url(bucket, "archive"), "EVENTFLOW_COLD_URL"), name)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    if request.param == "s3":
        return s3_store(request.getfixturevalue("s3_env"))
    if request.param == "memory":
        return MemoryBlobStore()
    folder, name = ("files", "hot") if request.param == "hot folder" else ("cold", "cold")
    return LocalBlobStore(tmp_path / folder, name, lease=unleased)


class Zeros:
    """``total`` bytes, or an endless stream of them (a client that never stops); counts what was read."""

    def __init__(self, total: int | None = None) -> None:
        self.left = total
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        size = size if self.left is None else min(size, self.left)
        self.sent += size
        if self.left is not None:
            self.left -= size
        return bytes(size)


class CutAfter:
    """Sends some bytes then fails, like a connection cut mid-upload."""

    def __init__(self, before: int) -> None:
        self.left = before

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        chunk = os.urandom(min(size, self.left))
        self.left -= len(chunk)
        return chunk


def read_all(store: BlobStore, key: str) -> bytes:
    with store.open(key) as f:
        return f.read()


def test_put_returns_size_and_sha256_and_the_bytes_read_back_identical(store: BlobStore) -> None:
    for data in (b"", b"x", os.urandom(3 * MB + 17), os.urandom(17 * MB + 5)):  # 17 MiB: three parts on S3
        blob = store.put(io.BytesIO(data))
        assert (blob.size, blob.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        assert read_all(store, blob.key) == data
        assert store.size(blob.key) == len(data) and store.exists(blob.key)


def test_keys_are_generated_listed_in_order_and_never_a_user_name(store: BlobStore) -> None:
    keys = {store.put(io.BytesIO(b"x")).key for _ in range(3)}
    assert len(keys) == 3
    assert list(store.list_keys()) == sorted(keys)
    for bad in ("../../etc/passwd", "ab/../../x", "AB/" + "0" * 32):
        with pytest.raises(errors.NotFound):
            store.open(bad)


def test_past_the_limit_nothing_is_kept_and_the_reading_stops(store: BlobStore) -> None:
    client = Zeros()
    with pytest.raises(errors.FileTooLarge):
        store.put(client, limit=10 * MB)
    assert client.sent <= 11 * MB
    assert list(store.list_keys()) == []


def test_a_file_of_exactly_the_limit_is_kept(store: BlobStore) -> None:
    blob = store.put(Zeros(9 * MB), limit=9 * MB)
    assert store.size(blob.key) == 9 * MB


def test_a_cut_connection_leaves_nothing(store: BlobStore) -> None:
    for before in (2 * MB, 20 * MB):  # on S3: a single PUT that never happens, a multipart upload aborted
        with pytest.raises(ConnectionResetError):
            store.put(CutAfter(before))
    assert list(store.list_keys()) == []


def test_put_under_an_existing_key_replaces_it_whole(store: BlobStore) -> None:
    key = store.put(io.BytesIO(b"first")).key
    assert store.put(io.BytesIO(b"second"), key=key).key == key
    assert read_all(store, key) == b"second"
    assert store.size(key) == 6 and list(store.list_keys()) == [key]


def test_a_failed_replacement_keeps_the_old_bytes(store: BlobStore) -> None:
    key = store.put(io.BytesIO(b"kept")).key
    with pytest.raises(ConnectionResetError):
        store.put(CutAfter(12 * MB), key=key)
    assert read_all(store, key) == b"kept"


def test_delete_is_idempotent_and_a_missing_blob_is_not_found(store: BlobStore) -> None:
    key = store.put(io.BytesIO(b"x")).key
    store.delete(key)
    store.delete(key)
    assert not store.exists(key) and store.size(key) is None
    with pytest.raises(errors.NotFound):
        store.open(key)
    assert store.free_bytes() > 0


def test_reads_seek_anywhere_like_a_file(store: BlobStore) -> None:
    data = os.urandom(5 * MB + 3)
    key = store.put(io.BytesIO(data)).key
    with store.open(key) as f:
        for start, length in ((4 * MB, 100), (10, 2 * MB), (5 * MB, 10), (0, 1)):
            f.seek(start)
            assert f.read(length) == data[start : start + length]
            assert f.tell() == min(start + length, len(data))
        f.seek(-7, io.SEEK_END)
        assert f.read() == data[-7:]
        assert f.read(10) == b""


@pytest.mark.parametrize("store", [s for s in STORES if s != "memory"], indirect=True)
def test_memory_stays_flat_while_writing_a_big_file(store: BlobStore) -> None:
    bound = 48 * MB if store.path("ab/" + "0" * 32) is None else 4 * MB  # S3 holds a few 8 MiB parts
    tracemalloc.start()
    try:
        blob = store.put(Zeros(160 * MB))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert blob.size == 160 * MB
    assert peak < bound


def test_only_what_a_blob_store_does_is_used(store: BlobStore) -> None:
    """The port is the contract: nothing here may need a method a store lacks."""
    port: Callable[..., Any] = BlobStore  # type: ignore[assignment]
    wanted = {name for name in vars(port) if not name.startswith("_")}
    assert wanted <= set(dir(store))
