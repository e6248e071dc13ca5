"""A read from the bucket whose connection is cut midway: the file still arrives whole, or the read fails clearly.

A TCP relay between the store and the S3 server cuts (with a reset) the first answers that carry more than a few
hundred kB, as a flaky network or a proxy's idle timeout would. The store asks again from the byte it had reached;
cut again and again, it raises ``StoreUnavailable`` rather than hand over a short file.
"""

from __future__ import annotations

import hashlib
import io
import os
import socket
import struct
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from eventflow.adapters.s3store import connect
from eventflow.config import BucketUrl
from eventflow.core import errors
from eventflow.core.ports import BlobStore
from tests.support.s3server import S3Server

CUT_AFTER = 300_000  # bytes of one answer, then the connection is reset
DATA = os.urandom(3_000_000)  # several read windows


class CuttingRelay:
    """Relays TCP to ``upstream``; the next ``cuts`` answers longer than CUT_AFTER are reset midway."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream, self.cuts, self.done = upstream, 0, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, answers: bool) -> None:
        sent = 0
        try:
            while chunk := source.recv(65536):
                target.sendall(chunk)
                sent += len(chunk)
                if answers and sent > CUT_AFTER and self._take_cut():
                    for side in (source, target):  # a reset, not a clean end: the client sees the answer cut
                        side.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        side.shutdown(socket.SHUT_RDWR)  # wakes the other direction's thread too
                        side.close()
                    return
        except OSError:
            pass
        for side in (source, target):
            side.close()

    def _take_cut(self) -> bool:
        with self._lock:
            if self.cuts == 0:
                return False
            self.cuts -= 1
            self.done += 1
            return True

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def relay(s3_env: S3Server) -> Iterator[CuttingRelay]:
    endpoint = urlsplit(s3_env.endpoint)
    relay = CuttingRelay((endpoint.hostname or "127.0.0.1", endpoint.port or 80))
    yield relay
    relay.close()


@pytest.fixture
def store(s3_env: S3Server, relay: CuttingRelay) -> BlobStore:
    url = s3_env.url(s3_env.new_bucket(), "cold").replace(s3_env.endpoint, f"http://127.0.0.1:{relay.port}")
    return connect(BucketUrl.parse(url, "EVENTFLOW_COLD_URL"), "cold")


def test_a_read_cut_midway_is_asked_again_and_the_file_arrives_whole(store: BlobStore, relay: CuttingRelay) -> None:
    key = store.put(io.BytesIO(DATA)).key
    relay.cuts = 1
    with store.open(key) as stream:
        got = stream.read()
    assert relay.done == 1
    assert hashlib.sha256(got).hexdigest() == hashlib.sha256(DATA).hexdigest()


def test_a_read_cut_again_and_again_fails_clearly_instead_of_giving_a_short_file(
    store: BlobStore, relay: CuttingRelay
) -> None:
    key = store.put(io.BytesIO(DATA)).key
    relay.cuts = 1_000
    with pytest.raises(errors.StoreUnavailable), store.open(key) as stream:
        stream.read()
