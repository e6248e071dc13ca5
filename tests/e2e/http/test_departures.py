"""A client that goes away is one info line in the log (nginx's 499), never a 500 with a traceback.

In-process first (a WSGI body whose reads fail as a reset socket's do), then against gunicorn with real sockets:
a reset in the middle of an upload, a chunked body closed mid-chunk, a download abandoned half-way.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from gunicorn.http.errors import NoMoreData

from eventflow.bootstrap import Services
from eventflow.core.model import Event
from tests.support import samples
from tests.support.http import multipart
from tests.support.live import LiveServer, live_server
from tests.support.web import Api

MB = 1024 * 1024
POSTER = samples.pdf() + os.urandom(2 * MB)


class Departing(io.RawIOBase):
    """A request body whose client leaves after ``keep`` bytes: a read that needs more fails with ``error``, as
    gunicorn's does (it reads the socket until it holds the size asked for)."""

    def __init__(self, data: bytes, keep: int, error: OSError) -> None:
        self._data = data[:keep]
        self._error = error

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if size < 0 or size > len(self._data):
            raise self._error
        chunk, self._data = self._data[:size], self._data[size:]
        return chunk


def eventflow_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("eventflow")]


@pytest.mark.parametrize("error", [ConnectionResetError(104, "Connection reset by peer"), NoMoreData()])
def test_a_client_leaving_mid_upload_is_one_info_line_and_nothing_is_kept(
    as_admin: Api, services: Services, event: Event, caplog: pytest.LogCaptureFixture, error: OSError
) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    body, content_type = multipart([("file", ("poster.pdf", POSTER))])
    path = f"/api/deliverables/{slot.id}/versions"
    headers = {"Content-Type": content_type, "Content-Length": str(len(body)), "X-Request-Id": "gone-upload-01"}
    with caplog.at_level(logging.DEBUG, logger="eventflow"):
        resp = as_admin.post(path, headers=headers, extras={"wsgi.input": Departing(body, len(body) // 2, error)})
    assert resp.status_code == 400
    records = eventflow_records(caplog)
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.INFO, f"client went away during POST {path} (499) id=gone-upload-01")
    ]
    assert not any(r.exc_info for r in caplog.records) and "unexpected error" not in caplog.text
    assert services.storage.report().reserved_bytes == 0
    assert not [p for p in services.settings.data_dir.rglob("*") if p.is_file() and "files" in p.parts]
    assert services.events.card(event.id or 0).slots[0].versions == []


def test_a_client_leaving_while_a_json_body_is_read_is_one_info_line(
    as_admin: Api, services: Services, event: Event, caplog: pytest.LogCaptureFixture
) -> None:
    slot = services.events.card(event.id or 0).slots[0].slot
    body = b'{"status": "approved", "assignee_id": null}'
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body)), "X-Request-Id": "gone-json-001"}
    departing = Departing(body, 10, ConnectionResetError(104, "Connection reset by peer"))
    with caplog.at_level(logging.DEBUG, logger="eventflow"):
        resp = as_admin.patch(f"/api/deliverables/{slot.id}", headers=headers, extras={"wsgi.input": departing})
    assert resp.status_code == 400
    assert [r.levelno for r in eventflow_records(caplog)] == [logging.INFO]
    assert "client went away during PATCH" in caplog.text and "Traceback" not in caplog.text
    assert services.events.card(event.id or 0).slots[0].slot.status.value == "todo"


# -- against gunicorn ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    data_dir = tmp_path_factory.mktemp("departures")
    with live_server(data_dir) as server:
        yield server, data_dir


def send_head(server: LiveServer, path: str, content_type: str, request_id: str, framing: str) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {server.token}\r\n"
        f"Content-Type: {content_type}\r\nX-Request-Id: {request_id}\r\n{framing}\r\n\r\n"
    )
    sock.sendall(head.encode())
    return sock


def reset(sock: socket.socket) -> None:
    """Close with a TCP reset (SO_LINGER 0), as a phone dropping off the network often does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def wait_for_line(log: Path, text: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in (content := log.read_text()):
            return content
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {log.name}:\n{log.read_text()[-3000:]}")


@pytest.mark.slow
def test_a_reset_mid_upload_is_one_info_line_in_the_server_log(served: tuple[LiveServer, Path]) -> None:
    server, data_dir = served
    body, content_type = multipart([("file", ("poster.pdf", POSTER))])
    sock = send_head(
        server, "/api/deliverables/1/versions", content_type, "gone-reset-01", f"Content-Length: {len(body)}"
    )
    sock.sendall(body[: len(body) // 2])
    time.sleep(0.2)  # the server is now waiting for the rest
    reset(sock)
    log = wait_for_line(data_dir / "server.log", "id=gone-reset-01")
    lines = [line for line in log.splitlines() if "gone-reset-01" in line]
    assert len(lines) == 1 and " INFO " in lines[0]
    assert "client went away during POST /api/deliverables/1/versions (499)" in lines[0]
    assert "Traceback" not in log and "unexpected error" not in log


@pytest.mark.slow
def test_a_chunked_body_closed_mid_chunk_is_one_info_line(served: tuple[LiveServer, Path]) -> None:
    server, data_dir = served
    body, content_type = multipart([("file", ("poster.pdf", POSTER))])
    sock = send_head(
        server, "/api/deliverables/1/versions", content_type, "gone-chunk-01", "Transfer-Encoding: chunked"
    )
    sock.sendall(b"%x\r\n" % len(body) + body[: len(body) // 2])  # one chunk announced whole, half sent
    sock.close()
    log = wait_for_line(data_dir / "server.log", "id=gone-chunk-01")
    assert "client went away during POST /api/deliverables/1/versions (499) id=gone-chunk-01" in log
    assert "Traceback" not in log and "unexpected error" not in log


@pytest.mark.slow
def test_a_download_abandoned_half_way_leaves_no_error_in_the_log(served: tuple[LiveServer, Path]) -> None:
    """gunicorn already keeps these quiet (its access line shows the bytes actually sent, as nginx does): kept so."""
    server, data_dir = served
    auth = {"Authorization": f"Bearer {server.token}"}
    body, content_type = multipart([("file", ("poster.pdf", POSTER + os.urandom(30 * MB)))])
    created = requests.post(
        f"{server.url}/api/deliverables/2/versions", data=body, headers={**auth, "Content-Type": content_type},
        timeout=30,
    ).json()  # fmt: skip
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        request = f"GET /api/assets/{created['asset_id']}/content HTTP/1.1\r\nHost: {host}\r\n"
        sock.sendall(f"{request}Authorization: {auth['Authorization']}\r\nX-Request-Id: gone-download\r\n\r\n".encode())
        sock.recv(64 * 1024)
        reset(sock)
    access = wait_for_line(data_dir / "access.log", "id=gone-download")
    sent = next(line for line in access.splitlines() if "id=gone-download" in line)
    assert '" 200 ' in sent and int(sent.split('" 200 ')[1].split()[0]) < len(POSTER) + 30 * MB
    log = (data_dir / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log and " ERROR " not in log
