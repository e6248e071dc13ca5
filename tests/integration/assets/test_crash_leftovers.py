"""``kill -9`` of the real server in the middle of an upload and of a tus completion: ``eventflow storage check`` names
what was left behind and exits 1, ``storage check --repair`` (or the next start) reclaims it, the same file is then
accepted at once, and a tus upload is never reported whole without its version."""

from __future__ import annotations

import hashlib
import io
import json
import os
import socket
import threading
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from tusclient import client as tus

from tests.support import samples
from tests.support.http import multipart
from tests.support.served import Server, Site, eventflow, kill_9, make_site, serve, wait_for

pytestmark = pytest.mark.slow

MB = 1024 * 1024
POSTER = samples.pdf() + os.urandom(30 * MB - len(samples.pdf()))
VIDEO = samples.mp4() + os.urandom(40 * MB)
TUS = {"Tus-Resumable": "1.0.0"}


@pytest.fixture
def site(tmp_path: Path) -> Site:
    """A 0.05 GB quota (53.7 MB): a 30 MB poster still held by a dead upload leaves no room for a second one."""
    return make_site(tmp_path, EVENTFLOW_QUOTA_GB="0.05")


def auth(site: Site) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.admin_token}"}


def temp_files(root: Path) -> list[Path]:
    return sorted(root.glob("*/.incoming-*"))


def size_of(path: Path) -> int:
    with suppress(FileNotFoundError):
        return path.stat().st_size
    return 0


def kill_mid_upload(site: Site, server: Server) -> Path:
    """Send half of the poster's multipart body, kill the server once 10 MB reached the disk; the temporary file."""
    body, content_type = multipart([("file", ("poster.pdf", POSTER))])
    host, port = urlsplit(server.url).hostname, urlsplit(server.url).port
    head = (
        f"POST /api/deliverables/1/versions HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer "
        f"{site.admin_token}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    hot = site.settings.files_dir
    with socket.create_connection((host, port)) as sock:
        sock.sendall(head.encode() + body[: len(body) // 2])
        wait_for(lambda: any(size_of(p) > 10 * MB for p in temp_files(hot)), "the upload streaming to disk")
        kill_9(server.process)
    (temp,) = temp_files(hot)
    return temp


def send_poster(site: Site, server: Server) -> requests.Response:
    body, content_type = multipart([("file", ("poster.pdf", POSTER))])
    headers = {**auth(site), "Content-Type": content_type}
    return requests.post(f"{server.url}/api/deliverables/1/versions", data=body, headers=headers, timeout=60)


def test_check_names_what_a_killed_upload_left_and_repair_reclaims_it(site: Site) -> None:
    with serve(site) as server:
        temp = kill_mid_upload(site, server)

    check = eventflow(site, "storage", "check")
    assert check.returncode == 1, check.stdout + check.stderr
    assert f"hot store: {temp.parent.name}/{temp.name} (" in check.stderr
    assert "quota: 30 MB held by python serve (pid " in check.stderr
    assert "storage check --repair" in check.stderr

    repair = eventflow(site, "storage", "check", "--repair")
    assert repair.returncode == 0, repair.stdout + repair.stderr
    assert f"Reclaimed hot store: {temp.parent.name}/{temp.name}" in repair.stdout
    assert "Reclaimed quota: 30 MB" in repair.stdout
    assert temp_files(site.settings.files_dir) == []

    with serve(site) as server:
        resent = send_poster(site, server)
    assert resent.status_code == 201, resent.text
    assert eventflow(site, "storage", "check").returncode == 0


def test_the_next_start_reclaims_them_and_the_same_file_is_accepted_at_once(site: Site) -> None:
    with serve(site) as server:
        kill_mid_upload(site, server)
    with serve(site) as server:
        assert temp_files(site.settings.files_dir) == []
        resent = send_poster(site, server)
        assert resent.status_code == 201, resent.text
        storage = requests.get(f"{server.url}/api/storage", headers=auth(site), timeout=10).json()
    assert storage["reserved_bytes"] == 0 and storage["used_bytes"] >= len(POSTER)
    assert eventflow(site, "storage", "check").returncode == 0


def versions_of_slot_1(site: Site, server: Server) -> list[dict[str, object]]:
    card = requests.get(f"{server.url}/api/events/1", headers=auth(site), timeout=10).json()
    return next(d for d in card["deliverables"] if d["id"] == 1)["versions"]  # type: ignore[no-any-return]


def uploader(site: Site, server: Server, data: bytes, chunk_size: int, url: str | None = None) -> tus.Uploader:
    client = tus.TusClient(f"{server.url}/api/uploads", headers=auth(site))
    meta = {"filename": "cube loop.mp4", "deliverable_id": "1"}
    return client.uploader(file_stream=io.BytesIO(data), chunk_size=chunk_size, metadata=meta, url=url)


def send_last_chunk(up: tus.Uploader) -> None:
    with suppress(Exception):  # the server dies under it
        up.upload_chunk()


def head(site: Site, server: Server, path: str) -> requests.Response:
    return requests.head(f"{server.url}{path}", headers={**auth(site), **TUS}, timeout=30)


def test_a_server_killed_during_a_tus_completion_never_reports_it_whole_without_its_version(site: Site) -> None:
    with serve(site) as server:
        up = uploader(site, server, VIDEO, chunk_size=len(VIDEO) - MB)
        up.upload_chunk()  # all but the last MB
        path = urlsplit(up.url).path
        last = threading.Thread(target=send_last_chunk, args=(up,), daemon=True)
        last.start()
        wait_for(lambda: temp_files(site.settings.files_dir), "the completion copying the file into the hot store")
        kill_9(server.process)
    last.join(10)

    check = eventflow(site, "storage", "check")
    assert check.returncode == 1 and ".incoming-" in check.stderr, check.stderr  # the completion's temporary file

    with serve(site) as server:
        answer = head(site, server, path)
        assert answer.status_code == 200
        if int(answer.headers["Upload-Offset"]) < len(VIDEO):  # undone: the client resumes
            uploader(site, server, VIDEO, chunk_size=4 * MB, url=f"{server.url}{path}").upload()
            answer = head(site, server, path)
        assert answer.headers["Upload-Offset"] == str(len(VIDEO))
        asset_id = answer.headers["Upload-Asset-Id"]  # whole, so with its version
        versions = versions_of_slot_1(site, server)
        content = requests.get(f"{server.url}/api/assets/{asset_id}/content", headers=auth(site), timeout=30)
    assert [(v["asset_id"], v["version"]) for v in versions] == [(int(asset_id), 1)]
    assert hashlib.sha256(content.content).hexdigest() == hashlib.sha256(VIDEO).hexdigest()
    assert eventflow(site, "storage", "check").returncode == 0


def test_a_completion_stored_but_not_recorded_before_a_crash_is_not_stored_twice(site: Site) -> None:
    video = samples.mp4() + os.urandom(MB)
    with serve(site) as server:
        up = uploader(site, server, video, chunk_size=MB)
        up.upload()
        path = urlsplit(up.url).path
        asset_id = head(site, server, path).headers["Upload-Asset-Id"]
        # What a crash between the asset's commit and the upload's own record leaves on disk.
        folder = site.data_dir / "uploads" / path.rsplit("/", 1)[1]
        info = json.loads((folder / "info.json").read_text())
        (folder / "info.json").write_text(json.dumps({**info, "asset_id": None}))
        (folder / "data").write_bytes(video)

        answer = head(site, server, path)
        assert (answer.headers["Upload-Offset"], answer.headers["Upload-Asset-Id"]) == (str(len(video)), asset_id)
        assert [v["asset_id"] for v in versions_of_slot_1(site, server)] == [int(asset_id)]
        assert not (folder / "data").exists()
