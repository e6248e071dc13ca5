"""The spec parser and matcher, table-driven: real-world spec strings, real facts the media adapter reports."""

from __future__ import annotations

import math
from typing import Any

import pytest

from eventflow.core import rules_specs as specs
from eventflow.core.rules_specs import A_SERIES, Expectations, MediaKind, Paper, SpecStatus

VIDEO, IMAGE, PDF = MediaKind.VIDEO, MediaKind.IMAGE, MediaKind.PDF
A3, A5, A6 = A_SERIES["A3"], A_SERIES["A5"], A_SERIES["A6"]

# -- the parser ---------------------------------------------------------------------------------------------------
PARSED: list[tuple[str, Expectations]] = [
    ("1024x1024 mp4", Expectations(kinds=(VIDEO,), formats=("mp4",), size=(1024, 1024))),
    ("A3 PDF 300 dpi", Expectations(kinds=(PDF,), formats=("pdf",), paper=A3, dpi=300)),
    ("A5 PDF", Expectations(kinds=(PDF,), formats=("pdf",), paper=A5)),
    ("A5 PDF 300 dpi", Expectations(kinds=(PDF,), formats=("pdf",), paper=A5, dpi=300)),
    ("1080x1920 mp4", Expectations(kinds=(VIDEO,), formats=("mp4",), size=(1080, 1920))),
    ("1200x630 JPG", Expectations(kinds=(IMAGE,), formats=("jpg",), size=(1200, 630))),
    ("A6 PDF", Expectations(kinds=(PDF,), formats=("pdf",), paper=A6)),
    ("A6 PDF recto-verso", Expectations(kinds=(PDF,), formats=("pdf",), paper=A6, pages=2)),
    ("3x1 m PDF", Expectations(kinds=(PDF,), formats=("pdf",), paper=Paper("3000x1000 mm", 3000, 1000))),
    ("Bâche 50 x 70 cm, PDF", Expectations(kinds=(PDF,), formats=("pdf",), paper=Paper("500x700 mm", 500, 700))),
    ("Spotify link", Expectations()),
    ("600 px HTML", Expectations(width=600)),
    ("1920x320 mp4 10s", Expectations(kinds=(VIDEO,), formats=("mp4",), size=(1920, 320), duration=(10, 10))),
    ("15-30 s", Expectations(kinds=(VIDEO,), duration=(15, 30))),
    ("Reel 1080×1920, 15 à 30 secondes", Expectations(kinds=(VIDEO,), size=(1080, 1920), duration=(15, 30))),
    ("max 30s", Expectations(kinds=(VIDEO,), duration=(0, 30))),
    ("30 s max", Expectations(kinds=(VIDEO,), duration=(0, 30))),
    ("1 min", Expectations(kinds=(VIDEO,), duration=(60, 60))),
    ("16:9", Expectations(aspect=(16, 9))),
    ("9:16 vidéo", Expectations(kinds=(VIDEO,), aspect=(9, 16))),
    ("4K", Expectations(size=(3840, 2160))),
    ("Full HD mp4", Expectations(kinds=(VIDEO,), formats=("mp4",), size=(1920, 1080))),
    ("H.264", Expectations(kinds=(VIDEO,), codec="h264")),
    ("1920 x 1080 px, H265", Expectations(kinds=(VIDEO,), size=(1920, 1080), codec="hevc")),
    ("MP4 ou MOV 768x768", Expectations(kinds=(VIDEO,), formats=("mp4", "mov"), size=(768, 768))),
    ("PNG 1080x1080", Expectations(kinds=(IMAGE,), formats=("png",), size=(1080, 1080))),
    ("jpeg", Expectations(kinds=(IMAGE,), formats=("jpg",))),
    ("Flyer A5 recto verso 350 ppp", Expectations(paper=A5, dpi=350, pages=2)),
    ("4 pages A4 PDF", Expectations(kinds=(PDF,), formats=("pdf",), paper=A_SERIES["A4"], pages=4)),
    ("photo HD", Expectations(kinds=(IMAGE,), size=(1280, 720))),
    ("", Expectations()),
    ("à voir avec le DJ !!", Expectations()),
]


@pytest.mark.parametrize(("text", "expected"), PARSED, ids=[text or "(empty)" for text, _ in PARSED])
def test_a_spec_string_reads_as_expectations(text: str, expected: Expectations) -> None:
    assert specs.parse_specs(text) == expected


def test_a_spec_says_something_checkable_or_not() -> None:
    assert specs.parse_specs("1024x1024 mp4").checkable
    assert not specs.parse_specs("Spotify link").checkable
    assert not specs.parse_specs("0:30 de son, x2").checkable  # nonsense numbers are words like others


@pytest.mark.parametrize(
    "text", ["x" * 5000, "9" * 400 + "x" + "9" * 400, "99999999999999999999x1 px", "0x0", "1e309 s"]
)
def test_odd_spec_strings_never_fail(text: str) -> None:
    assert isinstance(specs.parse_specs(text), Expectations)


# -- measuring and matching ------------------------------------------------------------------------------------
MP4 = "video/mp4"
JPEG = "image/jpeg"
PDF_TYPE = "application/pdf"


def video(width: int, height: int, duration: float = 10.0, codec: str = "h264") -> dict[str, Any]:
    return {"width": width, "height": height, "duration": duration, "codec": codec, "preview": "ready"}


def pdf(width_pt: int, height_pt: int, pages: int = 1, dpi: float | None = 300.0) -> dict[str, Any]:
    return {"pages": pages, "width_pt": width_pt, "height_pt": height_pt, "dpi": dpi, "preview": "ready"}


A3_PT, A4_PT, A5_PT, A6_PT = (842, 1191), (595, 842), (420, 595), (298, 420)

MATCHED: list[tuple[str, str, dict[str, Any], SpecStatus, list[str]]] = [
    ("1024x1024 mp4", MP4, video(1024, 1024), SpecStatus.MATCH, []),
    ("1024x1024 mp4", MP4, video(1920, 1080), SpecStatus.DIFFERS, ["1920x1080 instead of 1024x1024"]),
    ("1024x1024 mp4", "video/quicktime", video(1024, 1024), SpecStatus.DIFFERS, ["MOV instead of MP4"]),
    ("1024x1024 mp4", JPEG, {"width": 1024, "height": 1024}, SpecStatus.DIFFERS, ["JPG instead of MP4"]),
    ("MP4 ou MOV 768x768", "video/quicktime", video(768, 768), SpecStatus.MATCH, []),
    ("1080x1920 mp4", MP4, video(1080, 1920), SpecStatus.MATCH, []),
    ("1080x1920 mp4", MP4, video(1920, 1080), SpecStatus.DIFFERS, ["1920x1080 instead of 1080x1920"]),
    ("1920x320 mp4 10s", MP4, video(1920, 320, 10.2), SpecStatus.MATCH, []),
    ("1920x320 mp4 10s", MP4, video(1920, 320, 12.4), SpecStatus.DIFFERS, ["12.4 s instead of 10 s"]),
    ("15-30 s", MP4, video(1080, 1920, 45), SpecStatus.DIFFERS, ["45 s instead of 15–30 s"]),
    ("15-30 s", MP4, video(1080, 1920, 20), SpecStatus.MATCH, []),
    ("max 30s", MP4, video(1080, 1920, 31), SpecStatus.DIFFERS, ["31 s, longer than the 30 s allowed"]),
    ("min 5 s", MP4, video(1080, 1920, 3), SpecStatus.DIFFERS, ["3 s, shorter than the 5 s needed"]),
    ("16:9", MP4, video(1920, 1080), SpecStatus.MATCH, []),
    ("16:9", MP4, video(1440, 1080), SpecStatus.DIFFERS, ["4:3 aspect instead of 16:9"]),
    ("16:9", JPEG, {"width": 1366, "height": 768}, SpecStatus.MATCH, []),
    ("4K", MP4, video(1920, 1080), SpecStatus.DIFFERS, ["1920x1080 instead of 3840x2160"]),
    ("H.264", MP4, video(1920, 1080, codec="hevc"), SpecStatus.DIFFERS, ["H.265 instead of H.264"]),
    ("H.264", MP4, video(1920, 1080), SpecStatus.MATCH, []),
    ("H.264", JPEG, {"width": 10, "height": 10}, SpecStatus.DIFFERS, ["JPG instead of a video"]),
    ("1200x630 JPG", JPEG, {"width": 1200, "height": 630}, SpecStatus.MATCH, []),
    ("1200x630 JPG", "image/png", {"width": 1200, "height": 630}, SpecStatus.DIFFERS, ["PNG instead of JPG"]),
    ("600 px HTML", "image/png", {"width": 1200, "height": 3000}, SpecStatus.DIFFERS, ["1200 px wide instead of 600"]),
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(*A3_PT), SpecStatus.MATCH, []),
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(*A3_PT, dpi=None), SpecStatus.MATCH, []),  # vector art: no image to measure
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(*A4_PT), SpecStatus.DIFFERS, ["A4 instead of A3", "212 dpi at A3 instead of 300"]),
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(*A3_PT, dpi=72), SpecStatus.DIFFERS, ["72 dpi at A3 instead of 300"]),
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(1191, 842), SpecStatus.MATCH, []),  # landscape is the same paper
    ("A3 PDF 300 dpi", PDF_TYPE, pdf(859, 1208), SpecStatus.MATCH, []),  # 3 mm of bleed on every side
    ("A5 PDF", PDF_TYPE, pdf(612, 792), SpecStatus.DIFFERS, ["216x279 mm instead of A5"]),
    ("A5 PDF", "image/heic", {"width": 4032, "height": 3024}, SpecStatus.DIFFERS, ["HEIC instead of PDF"]),
    ("A6 PDF recto-verso", PDF_TYPE, pdf(*A6_PT, pages=1), SpecStatus.DIFFERS, ["pages: 1 instead of 2"]),
    ("3x1 m PDF", PDF_TYPE, pdf(8504, 2835), SpecStatus.MATCH, []),
    ("3x1 m PDF", PDF_TYPE, pdf(850, 283), SpecStatus.DIFFERS, ["300x100 mm instead of 3000x1000 mm"]),
    ("A3 JPG 300 dpi", JPEG, {"width": 3508, "height": 4961}, SpecStatus.MATCH, []),
    ("A3 JPG 300 dpi", JPEG, {"width": 1191, "height": 1684}, SpecStatus.DIFFERS, ["102 dpi at A3 instead of 300"]),
    ("Spotify link", MP4, video(1920, 1080), SpecStatus.UNKNOWN, []),
    ("", PDF_TYPE, pdf(*A4_PT), SpecStatus.UNKNOWN, []),
    ("1024x1024 mp4", MP4, {"preview": "unavailable"}, SpecStatus.UNKNOWN, []),  # a video PyAV could not read
    ("A5 PDF", "application/zip", {}, SpecStatus.DIFFERS, ["ZIP instead of PDF"]),
]


@pytest.mark.parametrize(
    ("text", "content_type", "facts", "status", "problems"),
    MATCHED,
    ids=[
        f"{text or '(empty)'} vs {ct} {facts.get('width', '')}x{facts.get('height', '')}"
        for text, ct, facts, *_ in MATCHED
    ],
)
def test_a_file_matches_or_differs_from_its_specs(
    text: str, content_type: str, facts: dict[str, Any], status: SpecStatus, problems: list[str]
) -> None:
    result = specs.check_file(text, content_type, facts)
    assert result.status is status
    assert [specs.problem_text(p, lambda s: s) for p in result.problems] == problems


def test_what_was_measured_is_kept_with_the_result() -> None:
    pdf_check = specs.check_file("A3 PDF 300 dpi", PDF_TYPE, pdf(*A4_PT, pages=2, dpi=150.4))
    assert pdf_check.measured == {
        "kind": "pdf", "format": "pdf", "pages": 2, "width_mm": 210, "height_mm": 297, "paper": "A4", "dpi": 150,
    }  # fmt: skip
    video_check = specs.check_file("1024x1024 mp4", MP4, video(1024, 1024, 9.96))
    assert video_check.measured == {
        "kind": "video", "format": "mp4", "width": 1024, "height": 1024, "duration": 9.96, "codec": "h264"
    }  # fmt: skip


def test_a_stored_check_reads_back_the_same() -> None:
    checked = specs.check_file("A3 PDF 300 dpi", PDF_TYPE, pdf(*A4_PT, dpi=72))
    assert specs.SpecCheck.from_stored(checked.stored()) == checked
    assert specs.SpecCheck.from_stored(None) is None


def test_problems_are_told_in_the_readers_language() -> None:
    french = {
        "%(found)s instead of %(expected)s": "%(found)s au lieu de %(expected)s",
        "%(found)s dpi at %(paper)s instead of %(expected)s": "%(found)s dpi en %(paper)s au lieu de %(expected)s",
    }
    checked = specs.check_file("A3 PDF 300 dpi", PDF_TYPE, pdf(*A4_PT, dpi=300))
    assert [specs.problem_text(p, lambda s: french.get(s, s)) for p in checked.problems] == [
        "A4 au lieu de A3",
        "212 dpi en A3 au lieu de 300",
    ]


def test_a_problem_stored_by_a_later_version_still_reads_as_something() -> None:
    stored = {"status": "differs", "problems": [{"code": "loudness", "values": {"found": "-9 LUFS"}}], "measured": {}}
    check = specs.SpecCheck.from_stored(stored)
    assert check is not None and specs.problem_text(check.problems[0], lambda s: s) == "loudness: -9 LUFS"


# -- the result a version shows ---------------------------------------------------------------------------------
def test_a_version_is_checked_again_when_its_slots_specs_change() -> None:
    stored = specs.check_file("1024x1024 mp4", MP4, video(1920, 1080)).stored()
    media_info = video(1920, 1080)
    assert specs.check_of(MP4, media_info, stored, "1024x1024 mp4").status is SpecStatus.DIFFERS
    again = specs.check_of(MP4, media_info, stored, "1920x1080 mp4")
    assert again.status is SpecStatus.MATCH and again.specs == "1920x1080 mp4"


def test_a_version_stored_before_checks_existed_is_checked_from_its_facts() -> None:
    assert specs.check_of(MP4, video(1920, 1080), None, "1024x1024 mp4").status is SpecStatus.DIFFERS


def test_open_ranges_reach_infinity() -> None:
    assert specs.parse_specs("at least 5 s").duration == (5, math.inf)
