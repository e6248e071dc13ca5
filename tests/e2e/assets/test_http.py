"""The files API over HTTP (Falcon's test client, real disk): uploads, downloads, ranges, previews, storage."""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import quote

import falcon.testing
import pytest
from PIL import Image

from eventflow.bootstrap import Services
from eventflow.core.model import Deliverable, Event
from tests.support import samples
from tests.support.assets import LIMIT_MB, MB, stored_files
from tests.support.http import multipart
from tests.support.web import Api


def post_file(api: Api, path: str, parts: list[tuple[str, Any]], **headers: str) -> falcon.testing.Result:
    body, content_type = multipart(parts)
    return api.post(path, body=body, headers={"Content-Type": content_type, **headers})


@pytest.fixture
def pdf_version(as_member: Api, slot: Deliverable) -> dict[str, Any]:
    resp = post_file(as_member, f"/api/deliverables/{slot.id}/versions", [("file", ("Affiche Noël ✨.pdf", PDF))])
    assert resp.status_code == 201, resp.text
    return resp.json


PDF = samples.pdf(2) + b"%" + bytes(range(256)) * 40


def test_an_uploaded_version_answers_201_and_downloads_byte_for_byte(
    as_member: Api, slot: Deliverable, pdf_version: dict[str, Any]
) -> None:
    assert pdf_version["version"] == 1 and pdf_version["size"] == len(PDF)
    assert pdf_version["sha256"] == hashlib.sha256(PDF).hexdigest()
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content")
    assert resp.status_code == 200 and resp.content == PDF
    assert resp.headers["Content-Type"] == "application/pdf"
    assert resp.headers["Content-Length"] == str(len(PDF)) and resp.headers["Accept-Ranges"] == "bytes"
    disposition = resp.headers["Content-Disposition"]
    assert disposition.startswith("inline;") and f"filename*=UTF-8''{quote('Affiche Noël ✨.pdf')}" in disposition
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Security-Policy"].startswith("sandbox")


def test_the_event_card_lists_every_version_and_the_slot_is_in_review(
    as_member: Api, event: Event, slot: Deliverable, pdf_version: dict[str, Any]
) -> None:
    second = post_file(as_member, f"/api/deliverables/{slot.id}/versions", [("file", ("v2.pdf", samples.pdf()))])
    assert second.json["version"] == 2
    card = as_member.get(f"/api/events/{event.id}").json
    mine = next(d for d in card["deliverables"] if d["id"] == slot.id)
    assert mine["status"] == "review"
    assert [v["version"] for v in mine["versions"]] == [1, 2]
    assert as_member.get(f"/api/assets/{mine['versions'][0]['asset_id']}/content").content == PDF


def test_etag_and_last_modified_allow_conditional_gets(as_member: Api, pdf_version: dict[str, Any]) -> None:
    path = f"/api/assets/{pdf_version['asset_id']}/content"
    first = as_member.get(path)
    assert first.headers["ETag"] == f'"{pdf_version["sha256"]}"' and first.headers["Last-Modified"]
    assert as_member.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert as_member.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    assert as_member.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-9", 0, 9), ("bytes=100-", 100, len(PDF) - 1), ("bytes=-5", len(PDF) - 5, len(PDF) - 1),
     ("bytes=10-99999999", 10, len(PDF) - 1), ("bytes=-999999999", 0, len(PDF) - 1)],
)  # fmt: skip
def test_ranges_answer_206_with_exactly_those_bytes(
    as_member: Api, pdf_version: dict[str, Any], header: str, start: int, end: int
) -> None:
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content", headers={"Range": header})
    assert resp.status_code == 206
    assert resp.content == PDF[start : end + 1]
    assert resp.headers["Content-Range"] == f"bytes {start}-{end}/{len(PDF)}"
    assert resp.headers["Content-Length"] == str(end - start + 1)


@pytest.mark.parametrize("header", [f"bytes={len(PDF)}-", f"bytes={len(PDF) + 10}-{len(PDF) + 20}", "bytes=-0"])
def test_a_range_past_the_end_is_416(as_member: Api, pdf_version: dict[str, Any], header: str) -> None:
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content", headers={"Range": header})
    assert resp.status_code == 416 and resp.headers["Content-Range"] == f"bytes */{len(PDF)}"


@pytest.mark.parametrize(
    "header", ["bytes=abc", "bytes=9-2", "items=0-1", "bytes=0-1,5-6", "bytes=" + "9" * 5000 + "-", "bytes=-", "=", ""]
)
def test_a_malformed_range_is_ignored_never_a_5xx(as_member: Api, pdf_version: dict[str, Any], header: str) -> None:
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content", headers={"Range": header})
    assert resp.status_code == 200 and resp.content == PDF


def test_if_range_with_another_etag_gets_the_whole_file(as_member: Api, pdf_version: dict[str, Any]) -> None:
    headers = {"Range": "bytes=0-9", "If-Range": '"stale"'}
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content", headers=headers)
    assert resp.status_code == 200 and resp.content == PDF


def test_an_svg_is_only_ever_an_attachment_under_a_sandbox(as_member: Api, slot: Deliverable) -> None:
    upload = post_file(as_member, f"/api/deliverables/{slot.id}/versions", [("file", ("logo.svg", samples.SVG))])
    resp = as_member.get(f"/api/assets/{upload.json['asset_id']}/content")
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["Content-Type"] == "image/svg+xml"
    assert resp.headers["Content-Security-Policy"].startswith("sandbox;")
    assert resp.content == samples.SVG


def test_download_param_forces_an_attachment(as_member: Api, pdf_version: dict[str, Any]) -> None:
    resp = as_member.get(f"/api/assets/{pdf_version['asset_id']}/content", params={"download": "1"})
    assert resp.headers["Content-Disposition"].startswith("attachment;")


class Untouchable(io.RawIOBase):
    def read(self, size: int = -1) -> bytes:
        raise AssertionError("the body must not be read")


def test_a_2gb_content_length_is_refused_with_413_before_reading_the_body(
    client: falcon.testing.TestClient, services: Services, as_member: Api, slot: Deliverable
) -> None:
    resp = client.simulate_post(
        f"/api/deliverables/{slot.id}/versions",
        headers={**as_member.headers, "Content-Type": "multipart/form-data; boundary=x"},
        extras={"wsgi.input": Untouchable(), "CONTENT_LENGTH": str(2 * 1024**3)},
    )
    assert resp.status_code == 413
    # Max reads French: the limit in his words and units
    assert resp.json["description"] == f"le fichier dépasse la limite de {LIMIT_MB}\u202fMo par fichier"


def test_a_body_of_unknown_length_is_cut_at_the_limit_and_nothing_is_kept(
    client: falcon.testing.TestClient, services: Services, as_member: Api, slot: Deliverable
) -> None:
    body, content_type = multipart([("file", ("big.mp4", samples.mp4() + bytes(LIMIT_MB * MB)))])
    resp = client.simulate_post(
        f"/api/deliverables/{slot.id}/versions",
        headers={**as_member.headers, "Content-Type": content_type},
        extras={"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": ""},
    )
    assert resp.status_code == 413
    assert stored_files(services.settings.files_dir) == []
    assert services.storage.report().used_bytes == services.storage.report().reserved_bytes == 0


@pytest.mark.parametrize(
    ("parts", "status"),
    [
        ([("file", ("virus.exe", b"MZ\x90"))], 415),
        ([("file", ("poster.pdf", samples.png()))], 415),
        ([("notes", "hello")], 422),
        ([("file", ("empty.pdf", b""))], 422),
    ],
)
def test_bad_uploads_are_refused_with_a_clear_status_and_nothing_kept(
    as_member: Api, services: Services, slot: Deliverable, parts: list[tuple[str, Any]], status: int
) -> None:
    resp = post_file(as_member, f"/api/deliverables/{slot.id}/versions", parts)
    assert resp.status_code == status and resp.json["description"]
    assert stored_files(services.settings.files_dir) == []


def test_uploads_must_be_multipart_and_target_an_existing_slot(as_member: Api, slot: Deliverable) -> None:
    assert as_member.post(f"/api/deliverables/{slot.id}/versions", json={"file": "x"}).status_code == 415
    missing = post_file(as_member, "/api/deliverables/999/versions", [("file", ("a.pdf", samples.pdf()))])
    assert missing.status_code == 404


def test_over_the_quota_an_upload_is_507(as_member: Api, services: Services, slot: Deliverable) -> None:
    big = samples.pdf() + bytes(int(1.9 * MB))
    path = f"/api/deliverables/{slot.id}/versions"
    assert post_file(as_member, path, [("file", ("a.pdf", big))]).status_code == 201
    assert post_file(as_member, path, [("file", ("a.pdf", big))]).status_code == 201
    resp = post_file(as_member, path, [("file", ("a.pdf", big))])
    assert resp.status_code == 507 and "archivez ou purgez" in resp.json["description"]


def test_a_photo_with_its_category_after_the_file_is_compressed_and_listed(
    as_member: Api, event: Event, services: Services
) -> None:
    parts = [("file", ("IMG_0001.JPG", samples.photo_jpeg())), ("category", "uniform")]
    resp = post_file(as_member, f"/api/events/{event.id}/photos", parts)
    assert resp.status_code == 201, resp.text
    assert resp.json["category"] == "uniform" and resp.json["filename"] == "IMG_0001.jpg"
    stored = as_member.get(f"/api/assets/{resp.json['asset_id']}/content").content
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (600, 800) and not img.getexif()
    photos = as_member.get(f"/api/events/{event.id}").json["photos"]
    assert [p["asset_id"] for p in photos] == [resp.json["asset_id"]]


def test_a_photo_with_a_wrong_category_is_422_and_nothing_is_kept(
    as_member: Api, event: Event, services: Services
) -> None:
    parts = [("category", "selfies"), ("file", ("a.jpg", samples.photo_jpeg()))]
    resp = post_file(as_member, f"/api/events/{event.id}/photos", parts)
    assert resp.status_code == 422 and resp.json["field"] == "category"
    assert stored_files(services.settings.files_dir) == []


def test_previews_are_served_or_explained(as_member: Api, slot: Deliverable, pdf_version: dict[str, Any]) -> None:
    preview = as_member.get(f"/api/assets/{pdf_version['asset_id']}/preview")
    assert preview.status_code == 200 and preview.headers["Content-Type"] == "image/webp"
    with Image.open(io.BytesIO(preview.content)) as img:
        assert img.format == "WEBP"
    zipped = post_file(as_member, f"/api/deliverables/{slot.id}/versions", [("file", ("src.zip", b"PK\x03\x04x"))])
    assert zipped.json["preview"] == "unavailable"
    missing = as_member.get(f"/api/assets/{zipped.json['asset_id']}/preview")
    assert missing.status_code == 404 and "no preview is made for application/zip" in missing.json["description"]


def test_storage_reports_usage_and_admins_archive_an_event(
    as_member: Api, as_admin: Api, event: Event, pdf_version: dict[str, Any]
) -> None:
    storage = as_member.get("/api/storage").json
    assert storage["used_bytes"] >= len(PDF) and storage["quota_bytes"] == 4 * MB
    assert storage["percent"] > 0 and storage["disk_free_bytes"] > 0
    assert storage["biggest_events"][0]["event_id"] == event.id
    assert as_member.post(f"/api/events/{event.id}/archive").status_code == 403
    archived = as_admin.post(f"/api/events/{event.id}/archive")
    assert archived.status_code == 200 and archived.json["files"] == 1 and archived.json["freed_bytes"] == len(PDF)
    assert as_member.get(f"/api/assets/{pdf_version['asset_id']}/content").content == PDF  # served from cold
    restored = as_admin.post(f"/api/events/{event.id}/restore")
    assert restored.json["files"] == 1


def test_head_tells_size_type_and_ranges_without_the_bytes(as_member: Api, pdf_version: dict[str, Any]) -> None:
    path = f"/api/assets/{pdf_version['asset_id']}/content"
    head = as_member.client.simulate_head(path, headers=as_member.headers)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(PDF)) and head.headers["Content-Type"] == "application/pdf"
    assert head.headers["Accept-Ranges"] == "bytes" and head.headers["ETag"] == f'"{pdf_version["sha256"]}"'


def test_a_file_an_archive_could_not_move_is_told_in_the_admin_language(
    as_admin: Api, services: Services, event: Event, pdf_version: dict[str, Any]
) -> None:
    asset = services.assets.asset(pdf_version["asset_id"])
    with open(services.files.hot.path(asset.storage_key) or "", "r+b") as rotten:
        rotten.write(b"%PDF-9")  # bit rot on the hot disk

    archived = as_admin.post(f"/api/events/{event.id}/archive")

    assert archived.status_code == 200 and archived.json["files"] == 0
    assert archived.json["problems"] == [
        f"fichier {asset.id} ('Affiche Noël ✨.pdf') : son contenu ne correspond plus à l'empreinte prise à l'envoi ; "
        "il est resté où il était"
    ]
