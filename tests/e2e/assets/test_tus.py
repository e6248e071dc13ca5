"""Resumable uploads with the ``tuspy`` client as a real peer, against the app served by gunicorn."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from tusclient import client as tus
from tusclient.exceptions import TusCommunicationError

from tests.support import samples
from tests.support.live import LiveServer, live_server

pytestmark = pytest.mark.slow

CHUNK = 256 * 1024
SLOT_ID = 1  # the seeded event's "Poster A3" slot; slot 2 is its Cube LED
VIDEO = samples.mp4() + os.urandom(3 * CHUNK + 1234)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path


@pytest.fixture
def live(data_dir: Path) -> Iterator[LiveServer]:
    with live_server(data_dir) as server:
        yield server
    log = (data_dir / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


def uploader(server: LiveServer, data: bytes, url: str | None = None, **metadata: str) -> tus.Uploader:
    client = tus.TusClient(f"{server.url}/api/uploads", headers={"Authorization": f"Bearer {server.token}"})
    meta = metadata or {"filename": "cube loop ✨.mp4", "deliverable_id": str(SLOT_ID)}
    return client.uploader(file_stream=io.BytesIO(data), chunk_size=CHUNK, metadata=meta, url=url, upload_checksum=True)


def api(server: LiveServer, path: str, method: str = "GET", **kwargs: object) -> requests.Response:
    headers = {"Authorization": f"Bearer {server.token}", **kwargs.pop("headers", {})}  # type: ignore[dict-item]
    return requests.request(method, f"{server.url}{path}", headers=headers, timeout=10, **kwargs)  # type: ignore[arg-type]


def cut_patch(server: LiveServer, url: str, offset: int, sent: bytes, announced: int) -> None:
    """A PATCH whose connection drops after ``sent`` of the ``announced`` bytes."""
    parts = urlsplit(url)
    head = (
        f"PATCH {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {server.token}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\nContent-Type: application/offset+octet-stream\r\n"
        f"Content-Length: {announced}\r\n\r\n"
    )
    with socket.create_connection((parts.hostname, parts.port)) as sock:
        sock.sendall(head.encode() + sent)


def offset_of(server: LiveServer, url: str) -> int:
    head = api(server, urlsplit(url).path, "HEAD", headers={"Tus-Resumable": "1.0.0"})
    return int(head.headers["Upload-Offset"])


def wait_for_offset(server: LiveServer, url: str, expected: int) -> None:
    deadline = time.monotonic() + 10
    while offset_of(server, url) != expected:
        assert time.monotonic() < deadline, f"the offset stayed at {offset_of(server, url)}"
        time.sleep(0.05)


def version_of(server: LiveServer, asset_id: str) -> dict[str, object]:
    card = api(server, "/api/events/1").json()
    slot = next(d for d in card["deliverables"] if d["id"] == SLOT_ID)
    return next(v for v in slot["versions"] if str(v["asset_id"]) == asset_id)


def test_a_tus_upload_becomes_a_new_version_with_the_same_bytes(live: LiveServer) -> None:
    up = uploader(live, VIDEO)
    up.upload()
    head = api(live, urlsplit(up.url).path, "HEAD", headers={"Tus-Resumable": "1.0.0"})
    asset_id = head.headers["Upload-Asset-Id"]
    assert head.headers["Upload-Offset"] == str(len(VIDEO))
    version = version_of(live, asset_id)
    assert version["filename"] == "cube loop ✨.mp4" and version["size"] == len(VIDEO)
    assert api(live, f"/api/assets/{asset_id}/content").content == VIDEO


def test_a_dropped_connection_resumes_from_its_offset_and_ends_with_the_same_sha256(live: LiveServer) -> None:
    first = uploader(live, VIDEO)
    first.upload_chunk()
    assert first.offset == CHUNK
    cut_patch(live, first.url, CHUNK, VIDEO[CHUNK : CHUNK + 5000], announced=CHUNK)
    wait_for_offset(live, first.url, CHUNK + 5000)  # the server notices the cut and keeps what arrived
    resumed = uploader(live, VIDEO, url=first.url)  # a new client, as after the phone lost the network
    assert resumed.offset == CHUNK + 5000  # what arrived before the cut was kept
    resumed.upload()
    asset_id = api(live, urlsplit(first.url).path, "HEAD", headers={"Tus-Resumable": "1.0.0"}).headers[
        "Upload-Asset-Id"
    ]
    assert version_of(live, asset_id)["sha256"] == hashlib.sha256(VIDEO).hexdigest()


def test_an_upload_survives_a_server_restart(data_dir: Path) -> None:
    with live_server(data_dir, "sqlite") as before:
        up = uploader(before, VIDEO)
        up.upload_chunk()
        url_path = urlsplit(up.url).path
    with live_server(data_dir, "sqlite") as after:
        resumed = uploader(after, VIDEO, url=f"{after.url}{url_path}")
        assert resumed.offset == CHUNK
        resumed.upload()
        asset_id = api(after, url_path, "HEAD", headers={"Tus-Resumable": "1.0.0"}).headers["Upload-Asset-Id"]
        assert api(after, f"/api/assets/{asset_id}/content").content == VIDEO


def test_a_chunk_whose_checksum_does_not_match_is_refused_and_dropped(live: LiveServer) -> None:
    up = uploader(live, VIDEO)
    up.upload_chunk()
    wrong = base64.b64encode(hashlib.sha1(b"something else").digest()).decode()
    resp = api(
        live, urlsplit(up.url).path, "PATCH", data=VIDEO[CHUNK : 2 * CHUNK],
        headers={"Tus-Resumable": "1.0.0", "Upload-Offset": str(CHUNK), "Upload-Checksum": f"sha1 {wrong}",
                 "Content-Type": "application/offset+octet-stream"},
    )  # fmt: skip
    assert resp.status_code == 460
    assert api(live, urlsplit(up.url).path, "HEAD", headers={"Tus-Resumable": "1.0.0"}).headers["Upload-Offset"] == str(
        CHUNK
    )


def test_termination_and_protocol_errors(live: LiveServer) -> None:
    up = uploader(live, VIDEO)
    up.upload_chunk()
    path = urlsplit(up.url).path
    tus_header = {"Tus-Resumable": "1.0.0"}
    wrong_offset = api(
        live, path, "PATCH", data=b"x",
        headers={**tus_header, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )  # fmt: skip
    assert wrong_offset.status_code == 409 and wrong_offset.headers["Upload-Offset"] == str(CHUNK)
    assert api(live, path, "HEAD").status_code == 412
    assert api(live, path, "DELETE", headers=tus_header).status_code == 204
    assert api(live, path, "HEAD", headers=tus_header).status_code == 404
    options = api(live, "/api/uploads", "OPTIONS")
    assert options.headers["Tus-Extension"] == "creation,checksum,termination,expiration"


@pytest.mark.parametrize(
    ("metadata", "status"),
    [
        ({"filename": "virus.exe", "deliverable_id": "1"}, 415),
        ({"filename": "a.mp4", "deliverable_id": "999"}, 404),
        ({"filename": "a.mp4"}, 422),
        ({"filename": "a.jpg", "event_id": "1", "category": "selfies"}, 422),
    ],
)
def test_creation_checks_the_target_and_the_type_first(live: LiveServer, metadata: dict[str, str], status: int) -> None:
    with pytest.raises(TusCommunicationError) as refused:
        uploader(live, VIDEO, **metadata).upload_chunk()
    assert refused.value.status_code == status


def test_an_empty_file_is_refused_at_creation_instead_of_being_reported_sent(live: LiveServer) -> None:
    """A 0-byte upload is whole as soon as it is created: browsers then said "sent" though no version came of it."""
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in
                    {"filename": "poster.pdf", "deliverable_id": str(SLOT_ID)}.items())  # fmt: skip
    headers = {"Tus-Resumable": "1.0.0", "Upload-Length": "0", "Upload-Metadata": meta}
    refused = api(live, "/api/uploads", "POST", headers=headers)

    assert refused.status_code == 422, refused.text
    assert refused.json()["description"] == "« poster.pdf » est vide" and refused.json()["field"] == "file"
    card = api(live, "/api/events/1").json()
    assert next(d for d in card["deliverables"] if d["id"] == SLOT_ID)["versions"] == []


def test_a_photo_by_tus_is_compressed_into_the_moodboard(live: LiveServer) -> None:
    photo = samples.photo_jpeg()
    up = uploader(live, photo, filename="IMG_1.JPG", event_id="1", category="deco")
    up.upload()
    photos = api(live, "/api/events/1").json()["photos"]
    assert [(p["filename"], p["category"]) for p in photos] == [("IMG_1.jpg", "deco")]
