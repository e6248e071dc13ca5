"""Unfinished tus uploads count in the quota: each holds its Upload-Length from creation, a person's unfinished bytes
are capped, an upload nobody resumes expires and gives its bytes back, a termination gives them back at once, and the
completion uses the upload's own hold. Against the real ``eventflow serve``, with tuspy and raw requests."""

from __future__ import annotations

import base64
import io
import os
import time
from pathlib import Path

import pytest
import requests
from tusclient import client as tus

from tests.support import samples
from tests.support.served import Server, Site, make_site, serve

pytestmark = pytest.mark.slow

MB = 1024 * 1024
UPLOAD = 9 * MB
TUS = {"Tus-Resumable": "1.0.0"}


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create(server: Server, token: str, length: int = UPLOAD, filename: str = "cube.mp4") -> requests.Response:
    fields = {"filename": filename, "deliverable_id": "1"}
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())
    headers = {**auth(token), **TUS, "Upload-Length": str(length), "Upload-Metadata": meta}
    return requests.post(f"{server.url}/api/uploads", headers=headers, timeout=30)


def location(server: Server, created: requests.Response) -> str:
    return f"{server.url}{created.headers['Location']}"


def storage(server: Server, token: str) -> dict[str, int]:
    return requests.get(f"{server.url}/api/storage", headers=auth(token), timeout=10).json()  # type: ignore[no-any-return]


def upload_folders(site: Site) -> list[str]:
    root = site.data_dir / "uploads"
    return sorted(p.name for p in root.iterdir()) if root.exists() else []


def test_unfinished_uploads_hold_their_length_and_the_completion_uses_that_hold(tmp_path: Path) -> None:
    site = make_site(tmp_path, EVENTFLOW_QUOTA_GB="0.05")  # 53.7 MB: five 9 MB uploads fit, not six
    with serve(site) as server:
        created = [create(server, site.admin_token) for _ in range(8)]
        assert [r.status_code for r in created] == [201] * 5 + [507] * 3
        assert "quota de stockage atteint" in created[5].json()["description"]  # Max reads French
        assert "Upload-Expires" in created[0].headers
        report = storage(server, site.admin_token)
        assert (report["used_bytes"], report["reserved_bytes"]) == (0, 5 * UPLOAD)

        gone = requests.delete(location(server, created[0]), headers={**auth(site.admin_token), **TUS}, timeout=10)
        assert gone.status_code == 204
        assert storage(server, site.admin_token)["reserved_bytes"] == 4 * UPLOAD  # given back at once
        assert create(server, site.admin_token).status_code == 201  # and taken again

        head = samples.mp4()  # once: x264 need not encode the same frames to the same bytes twice
        video = head + os.urandom(UPLOAD - len(head))
        client = tus.TusClient(f"{server.url}/api/uploads", headers=auth(site.admin_token))
        up = client.uploader(file_stream=io.BytesIO(video), chunk_size=4 * MB, url=location(server, created[1]))
        up.upload()  # 45 MB held of 53.7: a second hold of 9 MB would not fit, the upload's own one is used
        report = storage(server, site.admin_token)
        assert report["reserved_bytes"] == 4 * UPLOAD and report["used_bytes"] >= UPLOAD
        assert len(upload_folders(site)) == 5  # the finished one is kept (HEAD names its asset) until it expires


def test_each_person_may_keep_only_so_many_unfinished_bytes(tmp_path: Path) -> None:
    site = make_site(tmp_path, EVENTFLOW_MAX_UNFINISHED_MB="20")
    with serve(site) as server:
        assert [create(server, site.admin_token).status_code for _ in range(2)] == [201, 201]
        refused = create(server, site.admin_token)
        assert refused.status_code == 507
        assert "terminez ou annulez vos autres envois" in refused.json()["description"]
        assert create(server, site.member_token).status_code == 201  # someone else's cap is their own


def test_an_upload_nobody_resumes_expires_and_gives_its_bytes_back(tmp_path: Path) -> None:
    site = make_site(tmp_path, EVENTFLOW_TUS_EXPIRY_HOURS="0.0005")  # 1.8 seconds
    tus_auth = {**auth(site.admin_token), **TUS}
    with serve(site) as server:
        resumed, forgotten = create(server, site.admin_token), create(server, site.admin_token)
        url = location(server, resumed)
        patch = {**tus_auth, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"}
        assert requests.patch(url, data=samples.mp4(), headers=patch, timeout=10).status_code == 204
        assert storage(server, site.admin_token)["reserved_bytes"] == 2 * UPLOAD
        time.sleep(2)
        expired = requests.head(url, headers=tus_auth, timeout=10)
        assert expired.status_code == 410
        newer = create(server, site.admin_token, length=MB)  # creating sweeps the other expired upload
        assert newer.status_code == 201
        assert storage(server, site.admin_token)["reserved_bytes"] == MB
        assert upload_folders(site) == [newer.headers["Location"].rsplit("/", 1)[1]]
        assert requests.head(location(server, forgotten), headers=tus_auth, timeout=10).status_code == 404
