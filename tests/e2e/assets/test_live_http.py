"""Uploads and downloads against gunicorn itself: early 413, chunked bodies, ranges sent with sendfile."""

from __future__ import annotations

import hashlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.support import samples
from tests.support.http import multipart
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("live-files")
    with live_server(data_dir, language="en") as server:
        yield server
    log = (data_dir / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def auth(server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def test_a_2gb_upload_is_refused_within_a_second(live: LiveServer, tmp_path: Path) -> None:
    host, port = live.url.removeprefix("http://").split(":")
    head = (
        f"POST /api/deliverables/1/versions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {live.token}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: {2 * 1024**3}\r\n\r\n"
    )
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(head.encode() + b"--b\r\n" + bytes(64 * 1024))
        answer = ""
        while not answer.endswith("}"):
            answer += sock.recv(4096).decode(errors="replace")
    assert time.monotonic() - started < 1.0
    assert answer.startswith("HTTP/1.1 413") and "limit per file" in answer


def test_a_chunked_upload_without_length_goes_through(live: LiveServer) -> None:
    video = samples.mp4()  # once: x264 need not encode the same frames to the same bytes twice
    body, content_type = multipart([("file", ("cube.mp4", video))])
    chunks = (body[i : i + 1000] for i in range(0, len(body), 1000))
    resp = requests.post(
        f"{live.url}/api/deliverables/2/versions",
        data=chunks,
        headers={**auth(live), "Content-Type": content_type},
        timeout=10,
    )
    assert resp.status_code == 201, resp.text
    assert resp.json()["sha256"] == hashlib.sha256(video).hexdigest()


def test_ranges_come_back_exact_from_the_real_server(live: LiveServer) -> None:
    data = samples.pdf() + bytes(range(256)) * 8192
    body, content_type = multipart([("file", ("big.pdf", data))])
    created = requests.post(
        f"{live.url}/api/deliverables/1/versions", data=body, headers={**auth(live), "Content-Type": content_type},
        timeout=10,
    ).json()  # fmt: skip
    url = f"{live.url}/api/assets/{created['asset_id']}/content"
    with requests.Session() as session:
        for start, end in ((0, 0), (1000, 1_048_575), (len(data) - 10, len(data) - 1)):
            resp = session.get(url, headers={**auth(live), "Range": f"bytes={start}-{end}"}, timeout=10)
            assert resp.status_code == 206 and resp.content == data[start : end + 1]
        whole = session.get(url, headers=auth(live), timeout=10)
        assert whole.content == data and whole.headers["Content-Length"] == str(len(data))
