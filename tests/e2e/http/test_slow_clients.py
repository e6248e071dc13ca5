"""Slow and stalled clients against a real ``eventflow serve`` (gunicorn, real sockets): nobody else starves.

The server runs with a short body timeout; stalled clients are raw sockets that send part of a request and then
nothing, as a phone leaving the network or a hostile script would.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from eventflow.entrypoints.web.worker import ClientSocket
from tests.support import samples
from tests.support.http import multipart
from tests.support.live import LiveServer, live_server

BODY_TIMEOUT = 3
#: Far enough into the file that the upload holds its quota and writes its temporary file, then it stalls.
DEEP = 600 * 1024
STILL_OPEN = "<still open>"


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    monkeypatch.setenv("EVENTFLOW_BODY_TIMEOUT_SECONDS", str(getattr(request, "param", BODY_TIMEOUT)))
    with live_server(tmp_path) as live:
        yield live
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def bearer(server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def logged_in(server: LiveServer, email: str) -> dict[str, str]:
    """A browser's headers (session cookie, CSRF token) for someone else than the admin."""
    resp = requests.post(f"{server.url}/api/session", json={"email": email, "password": "correct horse battery"})
    assert resp.status_code == 200, resp.text
    cookie = "; ".join(f"{k}={v}" for k, v in resp.cookies.items())
    return {"Cookie": cookie, "X-CSRF-Token": resp.json()["csrf_token"]}


class Reads:
    """GETs one after the other in a thread while the test attacks, each timed (a failure counts as forever)."""

    def __init__(self, server: LiveServer) -> None:
        self._urls = [f"{server.url}/api/events?from=2026-01-01&to=2027-12-31", f"{server.url}/api/storage"]
        self._headers = bearer(server)
        self.seconds: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                ok = requests.get(self._urls[len(self.seconds) % 2], headers=self._headers, timeout=5).ok
            except requests.RequestException:
                ok = False
            self.seconds.append(time.monotonic() - started if ok else float("inf"))
            time.sleep(0.05)

    def stop(self) -> list[float]:
        self._stop.set()
        self._thread.join(10)
        return self.seconds


def open_stalled(server: LiveServer, path: str, headers: dict[str, str], body: bytes, sent: int) -> socket.socket:
    """Send the request's headers and the first ``sent`` bytes of its body, then nothing."""
    host, port = server.url.removeprefix("http://").split(":")
    lines = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": str(len(body))}.items())
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: {host}\r\n{lines}\r\n".encode() + body[:sent])
    return sock


def answer_of(sock: socket.socket, timeout: float) -> str:
    """Everything the server says until it closes the connection (``STILL_OPEN`` at the end if it does not)."""
    sock.settimeout(timeout)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        received += STILL_OPEN.encode()
    sock.close()
    return received.decode(errors="replace")


def upload_body(size: int = 2 * DEEP) -> tuple[bytes, dict[str, str]]:
    body, content_type = multipart([("file", ("poster.pdf", samples.pdf() + bytes(size)))])
    return body, {"Content-Type": content_type}


def storage(server: LiveServer) -> dict[str, int]:
    return requests.get(f"{server.url}/api/storage", headers=bearer(server), timeout=5).json()


def temp_files(data_dir: Path) -> list[Path]:
    return list(data_dir.rglob(".incoming-*"))


def wait_until(condition: object, seconds: float = 2.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.slow
def test_64_stalled_uploads_leave_reads_answering_and_are_cut_by_the_body_timeout(
    server: LiveServer, tmp_path: Path
) -> None:
    max_headers = logged_in(server, "max@bars.fr")
    body, type_header = upload_body()
    reads = Reads(server)

    # Three of the admin's uploads stall deep in the file: each holds quota and a temporary file meanwhile.
    deep = [open_stalled(server, "/api/deliverables/1/versions", {**bearer(server), **type_header}, body, DEEP)]
    deep += [open_stalled(server, "/api/deliverables/1/versions", {**bearer(server), **type_header}, body, DEEP)]
    deep += [open_stalled(server, "/api/deliverables/2/versions", {**bearer(server), **type_header}, body, DEEP)]
    assert wait_until(lambda: len(temp_files(tmp_path)) == 3 and storage(server)["reserved_bytes"] > 0)
    shallow = []
    for i in range(61):  # and 61 more, from two people, stall after 100 bytes of the body
        who = max_headers if i % 2 == 0 else bearer(server)
        shallow.append(open_stalled(server, "/api/deliverables/1/versions", {**who, **type_header}, body, 100))
        time.sleep(0.02)
    time.sleep(BODY_TIMEOUT + 1)

    seconds = reads.stop()
    # A read queued behind a stalled client would wait out its BODY_TIMEOUT s; a loaded CI machine (browsers in the
    # other worker) may take a second for one read, which is no starving.
    assert len(seconds) >= 20 and max(seconds) < BODY_TIMEOUT - 1, seconds
    answers = [answer_of(sock, BODY_TIMEOUT + 5) for sock in deep + shallow]
    assert not [a for a in answers if a.endswith(STILL_OPEN)]
    assert all(a.startswith("HTTP/1.1 408") for a in answers[:3]), answers[:3]
    statuses = {a[9:12] for a in answers}
    assert statuses == {"408", "429", "503"}, statuses
    assert all("\r\nretry-after: 5\r\n" in a.lower() for a in answers if a[9:12] in ("429", "503"))
    assert temp_files(tmp_path) == []
    assert storage(server)["reserved_bytes"] == 0
    small, small_type = upload_body(1000)
    url = f"{server.url}/api/deliverables/1/versions"
    done = requests.post(url, data=small, headers={**bearer(server), **small_type}, timeout=5)
    assert done.status_code == 201, done.text  # the places the stalled uploads held are free again


@pytest.mark.slow
def test_stalled_forms_and_silent_connections_hold_no_thread_reads_need(server: LiveServer, tmp_path: Path) -> None:
    reads = Reads(server)
    host, port = server.url.removeprefix("http://").split(":")
    login = b'{"email": "ada@bars.fr", "password": "correct horse battery"}'
    stalled = []
    for _ in range(32):
        stalled.append(socket.create_connection((host, int(port)), timeout=5))  # sends nothing at all
        stalled.append(open_stalled(server, "/api/session", {"Content-Type": "application/json"}, login, 10))
        time.sleep(0.02)
    half_a_request_line = socket.create_connection((host, int(port)), timeout=5)
    half_a_request_line.sendall(b"GET /api/events HTTP/1.1\r\nHost: x\r\n")
    time.sleep(BODY_TIMEOUT + 1)

    seconds = reads.stop()
    # A read queued behind a stalled client would wait out its BODY_TIMEOUT s; a loaded CI machine (browsers in the
    # other worker) may take a second for one read, which is no starving.
    assert len(seconds) >= 20 and max(seconds) < BODY_TIMEOUT - 1, seconds
    answers = [answer_of(sock, BODY_TIMEOUT + 5) for sock in stalled]
    assert not [a for a in answers if a.endswith(STILL_OPEN)]
    assert all(a == "" for a in answers[::2])  # closed after the timeout, without a word
    assert {a[9:12] for a in answers[1::2]} == {"408", "503"}
    assert answer_of(half_a_request_line, 5) == ""
    assert f"client stalled for {BODY_TIMEOUT} s, connection closed" in (tmp_path / "server.log").read_text()


@pytest.mark.slow
@pytest.mark.parametrize("server", [1], indirect=True)
def test_a_slow_upload_that_keeps_moving_is_never_cut(server: LiveServer) -> None:
    body, type_header = upload_body(200 * 1024)
    headers = {**bearer(server), **type_header, "Connection": "close"}
    sock = open_stalled(server, "/api/deliverables/1/versions", headers, body, 0)
    pieces = [body[i : i + len(body) // 6 + 1] for i in range(0, len(body), len(body) // 6 + 1)]
    for piece in pieces:  # three seconds in all, three times the body timeout, never a second without a byte
        time.sleep(0.5)
        sock.sendall(piece)
    assert answer_of(sock, 10).startswith("HTTP/1.1 201")


def test_sending_waits_the_timeout_for_each_piece_not_for_the_whole_response() -> None:
    server_side, client_side = socket.socketpair()
    with ClientSocket(fileno=server_side.detach()) as sending, client_side:
        sending.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16 * 1024)
        client_side.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
        sending.settimeout(0.5)
        received = bytearray()

        def slow_reader() -> None:  # 2 MB in 16 KB reads 10 ms apart: over 1.3 s, always moving
            while len(received) < 2 * 1024 * 1024:
                received.extend(client_side.recv(16 * 1024))
                time.sleep(0.01)

        reader = threading.Thread(target=slow_reader)
        reader.start()
        sending.sendall(bytes(2 * 1024 * 1024))
        reader.join()
        assert len(received) == 2 * 1024 * 1024

        started = time.monotonic()
        with pytest.raises(TimeoutError):  # nobody reads any more
            sending.sendall(bytes(2 * 1024 * 1024))
        assert time.monotonic() - started < 1.5


@pytest.mark.slow
@pytest.mark.parametrize("server", [30], indirect=True)
def test_a_connection_that_sent_nothing_does_not_delay_a_stop(server: LiveServer) -> None:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5):
        time.sleep(0.5)
        started = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=40) == 0
    assert time.monotonic() - started < 10
