"""The local blob store on the real disk: streamed, hashed, atomic, limited."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
from pathlib import Path

import pytest

from eventflow.adapters.blobstore import LocalBlobStore
from eventflow.core import errors
from tests.assets.conftest import MB, stored_files


class Endless:
    """A stream that yields zeros forever (as a client that never stops sending)."""

    def __init__(self) -> None:
        self.sent = 0

    def read(self, size: int = -1) -> bytes:
        self.sent += size
        return bytes(size)


class Exploding:
    """Sends some bytes then fails, like a connection cut mid-upload."""

    def __init__(self, before: int) -> None:
        self.left = before

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        chunk = bytes(min(size, self.left))
        self.left -= len(chunk)
        return chunk


def test_put_returns_size_and_sha256_and_the_bytes_read_back_identical(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    data = os.urandom(3 * MB + 17)
    blob = store.put(io.BytesIO(data))
    assert (blob.size, blob.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    with store.open(blob.key) as f:
        assert f.read() == data
    assert Path(store.path(blob.key) or "").read_bytes() == data


def test_keys_are_generated_and_never_a_user_name(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    keys = {store.put(io.BytesIO(b"x")).key for _ in range(3)}
    assert len(keys) == 3
    assert list(store.list_keys()) == sorted(keys)
    with pytest.raises(errors.NotFound):
        store.open("../../etc/passwd")


def test_past_the_limit_nothing_is_kept_and_the_reading_stops(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    client = Endless()
    with pytest.raises(errors.FileTooLarge):
        store.put(client, limit=5 * MB)
    assert client.sent <= 6 * MB
    assert stored_files(tmp_path) == []


def test_a_cut_connection_leaves_no_file_not_even_a_temporary_one(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put(Exploding(before=2 * MB))
    assert stored_files(tmp_path) == []


def test_memory_stays_flat_while_writing_a_big_file(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)

    class Zeros(Endless):
        def __init__(self, total: int) -> None:
            super().__init__()
            self.left = total

        def read(self, size: int = -1) -> bytes:
            chunk = bytes(min(size, self.left))
            self.left -= len(chunk)
            return chunk

    tracemalloc.start()
    blob = store.put(Zeros(64 * MB))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert blob.size == 64 * MB
    assert peak < 4 * MB


def test_put_under_an_existing_key_replaces_it_atomically(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    key = store.put(io.BytesIO(b"first")).key
    store.put(io.BytesIO(b"second"), key=key)
    assert store.open(key).read() == b"second"
    assert store.size(key) == 6


def test_delete_is_idempotent_and_free_space_is_reported(tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path)
    key = store.put(io.BytesIO(b"x")).key
    store.delete(key)
    store.delete(key)
    assert not store.exists(key) and store.size(key) is None
    assert store.free_bytes() > 0
