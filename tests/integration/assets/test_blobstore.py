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
from eventflow.core.ports import LeasedFile
from tests.support.assets import MB, stored_files

LEASE = "0123456789abcdef0123456789abcdef"


def local_store(root: Path) -> LocalBlobStore:
    return LocalBlobStore(root, lease=lambda: LEASE)


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
    store = local_store(tmp_path)
    data = os.urandom(3 * MB + 17)
    blob = store.put(io.BytesIO(data))
    assert (blob.size, blob.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    with store.open(blob.key) as f:
        assert f.read() == data
    assert Path(store.path(blob.key) or "").read_bytes() == data


def test_keys_are_generated_and_never_a_user_name(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    keys = {store.put(io.BytesIO(b"x")).key for _ in range(3)}
    assert len(keys) == 3
    assert list(store.list_keys()) == sorted(keys)
    with pytest.raises(errors.NotFound):
        store.open("../../etc/passwd")


def test_past_the_limit_nothing_is_kept_and_the_reading_stops(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    client = Endless()
    with pytest.raises(errors.FileTooLarge):
        store.put(client, limit=5 * MB)
    assert client.sent <= 6 * MB
    assert stored_files(tmp_path) == []


def test_a_cut_connection_leaves_no_file_not_even_a_temporary_one(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put(Exploding(before=2 * MB))
    assert stored_files(tmp_path) == []


def test_memory_stays_flat_while_writing_a_big_file(tmp_path: Path) -> None:
    store = local_store(tmp_path)

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
    store = local_store(tmp_path)
    key = store.put(io.BytesIO(b"first")).key
    store.put(io.BytesIO(b"second"), key=key)
    assert store.open(key).read() == b"second"
    assert store.size(key) == 6


def test_delete_is_idempotent_and_free_space_is_reported(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    key = store.put(io.BytesIO(b"x")).key
    store.delete(key)
    store.delete(key)
    assert not store.exists(key) and store.size(key) is None
    assert store.free_bytes() > 0


def test_a_write_under_way_is_a_temporary_file_named_after_the_writers_lease(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    seen = []

    class Watched(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            seen.extend(store.leased_files())
            return super().read(size)

    blob = store.put(Watched(b"x" * 1000))
    (temp,) = set(seen)
    assert temp.lease_id == LEASE and temp.name.startswith(f"{blob.key[:2]}/.incoming-{LEASE}-")
    assert list(store.leased_files()) == [] and list(store.list_keys()) == [blob.key]


def test_a_temporary_file_left_by_a_crash_is_listed_with_its_size_and_can_be_removed(tmp_path: Path) -> None:
    store = local_store(tmp_path)
    (tmp_path / "ab").mkdir()
    (tmp_path / "ab" / f".incoming-{LEASE}-x1y2").write_bytes(bytes(1234))
    (tmp_path / "ab" / ".incoming-k3j4").write_bytes(b"older eventflow")  # names no lease
    assert sorted(store.leased_files(), key=lambda f: f.size) == [
        LeasedFile(None, "ab/.incoming-k3j4", 15),
        LeasedFile(LEASE, f"ab/.incoming-{LEASE}-x1y2", 1234),
    ]
    store.remove_leased(f"ab/.incoming-{LEASE}-x1y2")
    store.remove_leased(f"ab/.incoming-{LEASE}-x1y2")  # already gone: no error
    assert [f.name for f in store.leased_files()] == ["ab/.incoming-k3j4"]
    for outside in ("../ab/.incoming-k3j4", "ab/../../etc", "ab/0123"):
        with pytest.raises(errors.NotFound):
            store.remove_leased(outside)
