"""A multipart upload is stored only when its body arrived whole: raw sockets against gunicorn itself.

Each cut below was seen storing a truncated version (issue 10): half a declared body then FIN or a half-close,
a ``Content-Length`` smaller than the body, a chunked body without its closing boundary. Each must answer 400
(when the client still listens) and leave the slot, the moodboard, the quota and the disk as they were.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.support import samples
from tests.support.http import multipart
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

KB, MB = 1024, 1024 * 1024
CUT_MESSAGE = "the upload was cut before the end: send the file again"


def form(route: str, padding: int) -> tuple[str, bytes, str]:
    """(path, body, content type) of a whole upload to ``route`` whose file carries ``padding`` random bytes."""
    if route == "version":
        path, parts = "/api/deliverables/1/versions", [("file", ("poster.pdf", samples.pdf() + os.urandom(padding)))]
    else:  # bytes after a JPEG's end are ignored by decoders
        photo = samples.photo_jpeg() + os.urandom(padding)
        path, parts = "/api/events/1/photos", [("category", "deco"), ("file", ("deco.jpg", photo))]
    body, content_type = multipart(parts)
    return path, body, content_type


ROUTES = ["version", "photo"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Path]]:
    data_dir = tmp_path_factory.mktemp("cut-uploads")
    with live_server(data_dir, language="en") as server:
        yield server, data_dir
    log = (data_dir / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


@pytest.fixture
def live(served: tuple[LiveServer, Path]) -> LiveServer:
    return served[0]


@pytest.fixture
def data_dir(served: tuple[LiveServer, Path]) -> Path:
    return served[1]


def open_request(live: LiveServer, path: str, content_type: str, request_id: str, length: int | None) -> socket.socket:
    """A connection with the request's head sent: ``Content-Length: length``, or chunked when None."""
    host, port = live.url.removeprefix("http://").split(":")
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {live.token}\r\n"
        f"Content-Type: {content_type}\r\nX-Request-Id: {request_id}\r\n{framing}\r\n\r\n"
    )
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(head.encode())
    return sock


def answer_of(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, json.loads(response.read())


def chunked(data: bytes, size: int = 64 * 1024) -> bytes:
    chunks = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(chunks) + b"0\r\n\r\n"


def wait_until_answered(data_dir: Path, request_id: str, timeout: float = 10) -> None:
    """The server has finished the request: gunicorn logged its answer (``id=…`` in the access log)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if f"id={request_id}" in (data_dir / "access.log").read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"the server never answered request {request_id}")


def assert_nothing_kept(live: LiveServer, data_dir: Path) -> None:
    """Slot 1 and the moodboard untouched, nothing held in the quota, no file on disk beyond the stored ones."""
    auth = {"Authorization": f"Bearer {live.token}"}
    card = requests.get(f"{live.url}/api/events/1", headers=auth, timeout=10).json()
    slot = next(d for d in card["deliverables"] if d["id"] == 1)
    assert slot["versions"] == [] and slot["status"] == "todo"
    assert not [p for p in card["photos"] if p["filename"].startswith("deco")]
    assert not [a for a in card["activity"] if a["after"] and "deco" in str(a["after"].get("filename"))]
    assert not [a for a in card["activity"] if a["entity_type"] == "deliverable" and a["entity_id"] == 1]
    storage = requests.get(f"{live.url}/api/storage", headers=auth, timeout=10).json()
    assert storage["reserved_bytes"] == 0
    files = [p for p in (data_dir / "files").rglob("*") if p.is_file()]
    assert not [p.name for p in files if p.name.startswith(".incoming-")]
    assert sum(p.stat().st_size for p in files) == storage["used_bytes"]  # no blob without its row


@pytest.mark.parametrize("route", ROUTES)
def test_half_a_body_then_the_connection_closed_stores_nothing(live: LiveServer, data_dir: Path, route: str) -> None:
    path, body, content_type = form(route, 3 * MB)
    request_id = f"cut-fin-{route}"
    sock = open_request(live, path, content_type, request_id, len(body))
    sock.sendall(body[: len(body) // 2])
    sock.close()
    wait_until_answered(data_dir, request_id)
    assert_nothing_kept(live, data_dir)


@pytest.mark.parametrize("route", ROUTES)
def test_half_a_body_then_a_half_close_answers_400(live: LiveServer, data_dir: Path, route: str) -> None:
    path, body, content_type = form(route, 3 * MB)
    with open_request(live, path, content_type, f"cut-half-{route}", len(body)) as sock:
        sock.sendall(body[: len(body) // 2])
        sock.shutdown(socket.SHUT_WR)
        status, answer = answer_of(sock)
    assert status == 400 and answer["description"] == CUT_MESSAGE
    assert_nothing_kept(live, data_dir)


@pytest.mark.parametrize("route", ROUTES)
def test_a_content_length_shorter_than_the_body_answers_400(live: LiveServer, data_dir: Path, route: str) -> None:
    path, body, content_type = form(route, 300 * KB)
    with open_request(live, path, content_type, f"cut-short-{route}", 1000) as sock:
        sock.sendall(body)
        status, answer = answer_of(sock)
    assert status == 400 and answer["description"] == CUT_MESSAGE
    assert_nothing_kept(live, data_dir)


@pytest.mark.parametrize("route", ROUTES)
def test_a_chunked_body_without_its_closing_boundary_answers_400(live: LiveServer, data_dir: Path, route: str) -> None:
    path, body, content_type = form(route, 300 * KB)
    unclosed = body[: body.rindex(b"\r\n--")]  # everything but the closing boundary
    with open_request(live, path, content_type, f"cut-chunked-{route}", None) as sock:
        sock.sendall(chunked(unclosed))
        status, answer = answer_of(sock)
    assert status == 400 and answer["description"] == CUT_MESSAGE
    assert_nothing_kept(live, data_dir)


@pytest.mark.parametrize("framing", ["length", "chunked"])
@pytest.mark.parametrize("route", ROUTES)
def test_the_same_requests_sent_whole_are_stored(live: LiveServer, route: str, framing: str) -> None:
    """The requests above are well formed but for their cut: whole, they become a version or a photo
    (on slot 2 and under another name, so that slot 1 and the "deco" photo stay absent for the tests above)."""
    path, body, content_type = form(route, 300 * KB)
    path = path.replace("/deliverables/1/", "/deliverables/2/")
    body = body.replace(b'filename="deco.jpg"', b'filename="whole.jpg"')
    length = len(body) if framing == "length" else None
    with open_request(live, path, content_type, f"whole-{route}-{framing}", length) as sock:
        sock.sendall(body if length else chunked(body))
        status, answer = answer_of(sock)
    assert status == 201, answer
