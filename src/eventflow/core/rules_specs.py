"""Slot specs as expectations, and files checked against them. Pure: no file is read here.

``parse_specs("1920x320 mp4 10s")`` reads what a spec string asks for: the kind and format of file, a pixel size,
width or aspect, a duration, a paper size with its resolution, a video codec, a number of pages. Words it does not
know are ignored ("Spotify link" asks for nothing checkable). ``measure`` turns the facts the media adapter learnt
about a file into measures; ``check`` compares both into a :class:`SpecCheck`, which a version keeps.

A problem is kept as a code with its values ("size", found 1920x1080, expected 1024x1024) and becomes a text only when
shown, in the reader's language (``problem_text`` with that language's gettext): the stored result reads the same to
everyone, and a text improved later applies to old results too.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any

from attrs import evolve, field, frozen

from eventflow.core.i18n import N_


class MediaKind(StrEnum):
    PDF = "pdf"
    VIDEO = "video"
    IMAGE = "image"
    OTHER = "other"


class SpecStatus(StrEnum):
    MATCH = "match"
    DIFFERS = "differs"
    UNKNOWN = "unknown"  # the specs say nothing checkable, or the file could not be measured


@frozen
class Paper:
    """A print size in millimetres, whichever way up."""

    name: str
    width_mm: float
    height_mm: float

    @property
    def long_mm(self) -> float:
        return max(self.width_mm, self.height_mm)

    def fits(self, width_mm: float, height_mm: float) -> bool:
        """The same size either way up, within the bleed and rounding a print file may carry."""
        mine, theirs = sorted((self.width_mm, self.height_mm)), sorted((width_mm, height_mm))
        return all(abs(a - b) <= max(PAPER_TOLERANCE_MM, a * 0.01) for a, b in zip(mine, theirs, strict=True))


#: 3 mm of bleed on every side, plus the rounding of a page size given in points.
PAPER_TOLERANCE_MM = 7.0
A_SERIES = {
    name: Paper(name, w, h)
    for name, w, h in (
        ("A0", 841, 1189), ("A1", 594, 841), ("A2", 420, 594), ("A3", 297, 420),
        ("A4", 210, 297), ("A5", 148, 210), ("A6", 105, 148), ("A7", 74, 105),
    )
}  # fmt: skip
MM_PER_POINT = 25.4 / 72
MM_PER_INCH = 25.4
#: A duration within half a second of the one asked for is right (encoders round to whole frames).
DURATION_TOLERANCE = 0.5
ASPECT_TOLERANCE = 0.01
DPI_TOLERANCE = 0.97

#: What an uploaded file's content type is called in specs, and the kind of file that is.
FORMAT_OF_TYPE = {
    "application/pdf": "pdf",
    "application/illustrator": "ai",
    "video/mp4": "mp4",
    "video/x-m4v": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heic",
    "image/heif": "heic",
    "image/svg+xml": "svg",
    "image/vnd.adobe.photoshop": "psd",
    "application/zip": "zip",
}
KIND_OF_FORMAT = {
    "pdf": MediaKind.PDF,
    **dict.fromkeys(("mp4", "mov", "webm"), MediaKind.VIDEO),
    **dict.fromkeys(("jpg", "png", "webp", "gif", "heic"), MediaKind.IMAGE),
}
FORMAT_ALIASES = {"jpeg": "jpg", "heif": "heic", "m4v": "mp4"}
CODECS = {"h264": "H.264", "hevc": "H.265", "prores": "ProRes", "vp9": "VP9", "av1": "AV1", "mpeg4": "MPEG-4"}


@frozen
class Expectations:
    """What a slot's specs ask of its files; an empty one asks nothing checkable."""

    kinds: tuple[MediaKind, ...] = ()
    formats: tuple[str, ...] = ()
    size: tuple[int, int] | None = None
    width: int | None = None
    aspect: tuple[float, float] | None = None
    duration: tuple[float, float] | None = None  # seconds, low to high (``math.inf`` when open)
    paper: Paper | None = None
    dpi: int | None = None
    codec: str | None = None
    pages: int | None = None

    @property
    def checkable(self) -> bool:
        return self != Expectations()


# -- reading specs ------------------------------------------------------------------------------------------------
Found = dict[str, Any]
NUM = r"(?<![\w.])(\d{1,6}(?:\.\d{1,3})?)"
#: A number right after another and a separator ("3x1", "15-30").
THEN = r"(\d{1,6}(?:\.\d{1,3})?)"
SECONDS = r"(s|sec|secs|seconds?|secondes?|min|mn|minutes?)(?!\w)"


def _paper_of(match: re.Match[str]) -> Found:
    scale = {"mm": 1, "cm": 10, "m": 1000}[match[3]]
    width, height = float(match[1]) * scale, float(match[2]) * scale
    return {"paper": Paper(f"{_num(width)}x{_num(height)} mm", width, height)} if width and height else {}


def _size_of(match: re.Match[str]) -> Found:
    width, height = int(match[1]), int(match[2])
    return {"size": (width, height)} if width and height else {}


def _aspect_of(match: re.Match[str]) -> Found:
    across, down = float(match[1]), float(match[2])
    return {"aspect": (across, down)} if across and down else {}


def _seconds(value: str, unit: str) -> float:
    return float(value) * (60 if unit.startswith("m") else 1)


def _duration(low: float, high: float) -> Found:
    return {"duration": (low, high)} if math.isfinite(low) and low <= high else {}


def _format_of(match: re.Match[str]) -> Found:
    name = FORMAT_ALIASES.get(match[1], match[1])
    return {"formats": (name,)}


#: (pattern, what it says), tried in this order on what earlier patterns left: a size in metres is not a pixel size,
#: a duration range is not two durations.
RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Found]], ...] = tuple(
    (re.compile(pattern), reading)
    for pattern, reading in (
        (rf"{NUM}\s*x\s*{THEN}\s*(mm|cm|m)(?!\w)", _paper_of),
        (r"(?<![\w.])(\d{2,5})\s*x\s*(\d{2,5})(?:\s*(?:px|pixels?))?(?![\w.])", _size_of),
        (r"(?<![\w.])(\d{2,5})\s*(?:px|pixels?)(?!\w)", lambda m: {"width": int(m[1])} if int(m[1]) else {}),
        (r"\b(?:4k|uhd)\b", lambda m: {"size": (3840, 2160)}),
        (r"\b(?:full\s*hd|fhd|1080p)\b", lambda m: {"size": (1920, 1080)}),
        (r"\b(?:hd|720p)\b", lambda m: {"size": (1280, 720)}),
        (rf"{NUM}\s*:\s*(\d{{1,3}}(?:\.\d{{1,3}})?)(?![\w.])", _aspect_of),
        (
            rf"{NUM}\s*(?:-|–|—|to|à)\s*{THEN}\s*{SECONDS}",
            lambda m: _duration(_seconds(m[1], m[3]), _seconds(m[2], m[3])),
        ),
        (
            rf"(?:\bmax(?:imum)?|\bup to|jusqu'à|<=|≤|<)\s*{NUM}\s*{SECONDS}",
            lambda m: _duration(0, _seconds(m[1], m[2])),
        ),
        (rf"{NUM}\s*{SECONDS}\s*max(?:imum)?\b", lambda m: _duration(0, _seconds(m[1], m[2]))),
        (
            rf"(?:\bmin(?:imum)?|\bat least|au moins|>=|≥|>)\s*{NUM}\s*{SECONDS}",
            lambda m: _duration(_seconds(m[1], m[2]), math.inf),
        ),
        (rf"{NUM}\s*{SECONDS}", lambda m: _duration(_seconds(m[1], m[2]), _seconds(m[1], m[2]))),
        (r"\ba([0-7])\b", lambda m: {"paper": A_SERIES[f"A{m[1]}"]}),
        (r"(?<![\w.])(\d{2,4})\s*(?:dpi|ppp|ppi)\b", lambda m: {"dpi": int(m[1])} if int(m[1]) else {}),
        (r"\b(?:h\.?\s?264|avc|x264)\b", lambda m: {"codec": "h264"}),
        (r"\b(?:h\.?\s?265|hevc|x265)\b", lambda m: {"codec": "hevc"}),
        (r"\b(prores|vp9|av1)\b", lambda m: {"codec": m[1]}),
        (r"\b(?:recto[\s-]?verso|double[\s-]sided|duplex)\b", lambda m: {"pages": 2}),
        (r"(?<![\w.])(\d{1,3})\s*pages?\b", lambda m: {"pages": int(m[1])} if int(m[1]) else {}),
        (r"\b(pdf|mp4|m4v|mov|webm|jpe?g|png|gif|webp|heic|heif|svg|psd|ai|zip)\b", _format_of),
        (r"\b(?:vid[eé]os?|clips?)\b", lambda m: {"kinds": (MediaKind.VIDEO,)}),
        (r"\b(?:images?|photos?|pictures?)\b", lambda m: {"kinds": (MediaKind.IMAGE,)}),
    )
)
#: Specs are short; anything longer is read up to here.
MAX_SPECS = 500


@functools.lru_cache(maxsize=1024)
def parse_specs(text: str) -> Expectations:
    """What ``text`` asks for; never fails (an unknown word is skipped, a nonsense number too)."""
    rest = unicodedata.normalize("NFKC", text[:MAX_SPECS]).lower().replace("×", "x").replace("*", "x").replace("’", "'")
    found: Found = {}
    for pattern, reading in RULES:
        for match in pattern.finditer(rest):
            for key, value in reading(match).items():
                found[key] = _unique(found.get(key, ()) + value) if key in ("kinds", "formats") else value
        rest = pattern.sub(" ", rest)
    return _with_kinds(Expectations(**found))


def _with_kinds(expect: Expectations) -> Expectations:
    """The kinds of file the specs name, or imply: a format's kind; a duration or a codec only videos have."""
    kinds = [*expect.kinds, *(KIND_OF_FORMAT[f] for f in expect.formats if f in KIND_OF_FORMAT)]
    if not kinds and (expect.duration or expect.codec):
        kinds = [MediaKind.VIDEO]
    return evolve(expect, kinds=_unique(tuple(kinds)))


# -- measuring -----------------------------------------------------------------------------------------------------
def kind_of(content_type: str) -> MediaKind:
    return KIND_OF_FORMAT.get(FORMAT_OF_TYPE.get(content_type, ""), MediaKind.OTHER)


def measure(content_type: str, facts: Mapping[str, Any]) -> dict[str, Any]:
    """What a file is, in the terms specs use, from the facts the media adapter learnt (only those it learnt)."""
    kind = kind_of(content_type)
    measured: dict[str, Any] = {"kind": kind.value, "format": FORMAT_OF_TYPE.get(content_type, content_type)}
    if kind in (MediaKind.IMAGE, MediaKind.VIDEO):
        measured |= {key: int(facts[key]) for key in ("width", "height") if _is_number(facts.get(key))}
    if kind is MediaKind.VIDEO:
        if _is_number(facts.get("duration")):
            measured["duration"] = round(float(facts["duration"]), 2)
        if isinstance(facts.get("codec"), str):
            measured["codec"] = facts["codec"]
    if kind is MediaKind.PDF:
        measured |= _pdf_measures(facts)
    return measured


def _pdf_measures(facts: Mapping[str, Any]) -> dict[str, Any]:
    measured: dict[str, Any] = {}
    if _is_number(facts.get("pages")):
        measured["pages"] = int(facts["pages"])
    if _is_number(facts.get("width_pt")) and _is_number(facts.get("height_pt")):
        width, height = (round(float(facts[k]) * MM_PER_POINT) for k in ("width_pt", "height_pt"))
        measured |= {"width_mm": width, "height_mm": height, "paper": _paper_name(width, height)}
    if "dpi" in facts:  # None: no image in the PDF, nothing that has a resolution
        measured["dpi"] = round(facts["dpi"]) if _is_number(facts["dpi"]) else None
    return measured


def _paper_name(width_mm: float, height_mm: float) -> str:
    known = next((p.name for p in A_SERIES.values() if p.fits(width_mm, height_mm)), None)
    return known or f"{_num(width_mm)}x{_num(height_mm)} mm"


# -- checking ------------------------------------------------------------------------------------------------------
@frozen
class Problem:
    """One way a file differs from its specs: a code and its values, told by ``problem_text``."""

    code: str
    values: Mapping[str, str] = field(factory=dict)


#: The text of each problem code (English msgids; ``problem_text`` translates them).
PROBLEM_TEXTS = {
    "instead": N_("%(found)s instead of %(expected)s"),
    "kind_pdf": N_("%(found)s instead of a PDF"),
    "kind_video": N_("%(found)s instead of a video"),
    "kind_image": N_("%(found)s instead of an image"),
    "kind_other": N_("%(found)s is not the kind of file expected"),
    "width": N_("%(found)s px wide instead of %(expected)s"),
    "aspect": N_("%(found)s aspect instead of %(expected)s"),
    "duration": N_("%(found)s s instead of %(expected)s s"),
    "duration_range": N_("%(found)s s instead of %(low)s–%(high)s s"),
    "duration_max": N_("%(found)s s, longer than the %(high)s s allowed"),
    "duration_min": N_("%(found)s s, shorter than the %(low)s s needed"),
    "dpi": N_("%(found)s dpi instead of %(expected)s"),
    "dpi_at": N_("%(found)s dpi at %(paper)s instead of %(expected)s"),
    "pages": N_("pages: %(found)s instead of %(expected)s"),
}


def problem_text(problem: Problem, gettext: Callable[[str], str]) -> str:
    """The problem as a reader reads it ("1920x1080 instead of 1024x1024"), with ``gettext`` of their language."""
    text = PROBLEM_TEXTS.get(problem.code)
    if text is None:  # a code this version does not know: its values still say something
        return f"{problem.code}: {', '.join(problem.values.values())}"
    try:
        return gettext(text) % problem.values
    except (KeyError, TypeError, ValueError):
        return text % problem.values


@frozen
class SpecCheck:
    """How one file compares to the specs it was checked against, and what was measured."""

    status: SpecStatus
    problems: tuple[Problem, ...] = ()
    measured: Mapping[str, Any] = field(factory=dict)
    specs: str = ""

    def stored(self) -> dict[str, Any]:
        """JSON-ready, to keep with the version."""
        return {
            "specs": self.specs,
            "status": self.status.value,
            "problems": [{"code": p.code, "values": dict(p.values)} for p in self.problems],
            "measured": dict(self.measured),
        }

    @classmethod
    def from_stored(cls, data: Mapping[str, Any] | None) -> SpecCheck | None:
        if not data:
            return None
        problems = tuple(
            Problem(p["code"], {k: str(v) for k, v in p.get("values", {}).items()}) for p in data["problems"]
        )
        return cls(SpecStatus(data["status"]), problems, dict(data.get("measured", {})), data.get("specs", ""))


UNCHECKED = SpecCheck(SpecStatus.UNKNOWN)

#: A verdict on one expectation: a problem, True when it is met, None when the file did not tell.
Verdict = Problem | bool | None


def check(expect: Expectations, measured: Mapping[str, Any], specs: str = "") -> SpecCheck:
    verdicts = list(_verdicts(expect, measured))
    problems = tuple(v for v in verdicts if isinstance(v, Problem))
    if problems:
        status = SpecStatus.DIFFERS
    elif verdicts and all(v is True for v in verdicts):
        status = SpecStatus.MATCH
    else:
        status = SpecStatus.UNKNOWN
    return SpecCheck(status, problems, dict(measured), specs)


def check_file(specs: str, content_type: str, facts: Mapping[str, Any]) -> SpecCheck:
    """A file with that content type and those facts, checked against ``specs``."""
    return check(parse_specs(specs), measure(content_type, facts), specs)


def check_of(content_type: str, facts: Mapping[str, Any], stored: Mapping[str, Any] | None, specs: str) -> SpecCheck:
    """A version's check against its slot's specs as they are now (see ``current_check``)."""
    return SpecCheck.from_stored(current_check(content_type, facts, stored, specs)) or UNCHECKED


def current_check(
    content_type: str, facts: Mapping[str, Any], stored: Mapping[str, Any] | None, specs: str
) -> Mapping[str, Any]:
    """The stored check (the same object) when it was made against ``specs``; else a new one from the facts: the
    specs changed since, or the version came before checks did."""
    if stored is not None and stored.get("specs") == specs:
        return stored
    return check_file(specs, content_type, facts).stored()


def _verdicts(expect: Expectations, m: Mapping[str, Any]) -> Iterable[Verdict]:
    kind = MediaKind(m.get("kind", MediaKind.OTHER))
    if expect.formats or expect.kinds:
        verdict = _format_verdict(expect, m) if expect.formats else _kind_verdict(expect, kind, m)
        yield verdict
        if isinstance(verdict, Problem):
            return  # a photo is not a PDF: its size or resolution would say nothing more
    pictured = kind in (MediaKind.IMAGE, MediaKind.VIDEO)
    if expect.size:
        yield _size_verdict(expect.size, m) if pictured else None
    elif expect.width:
        yield _width_verdict(expect.width, m) if pictured else None
    elif expect.aspect:
        yield _aspect_verdict(expect.aspect, m, kind)
    if expect.duration:
        yield _duration_verdict(expect.duration, m)
    if expect.codec:
        yield _codec_verdict(expect.codec, m)
    if expect.pages:
        yield _pages_verdict(expect.pages, m)
    if expect.paper and kind is MediaKind.PDF:
        yield _paper_verdict(expect.paper, m)
    if expect.dpi and (kind is MediaKind.PDF or (expect.paper and kind is MediaKind.IMAGE)):
        yield _dpi_verdict(expect.dpi, expect.paper, m, kind)


def _format_verdict(expect: Expectations, m: Mapping[str, Any]) -> Verdict:
    found = str(m.get("format", ""))
    if found in expect.formats:
        return True
    return Problem("instead", {"found": found.upper(), "expected": "/".join(f.upper() for f in expect.formats)})


def _kind_verdict(expect: Expectations, kind: MediaKind, m: Mapping[str, Any]) -> Verdict:
    if kind in expect.kinds:
        return True
    wanted = expect.kinds[0] if len(expect.kinds) == 1 else MediaKind.OTHER
    return Problem(f"kind_{wanted.value}", {"found": str(m.get("format", "")).upper()})


def _size_verdict(size: tuple[int, int], m: Mapping[str, Any]) -> Verdict:
    if "width" not in m or "height" not in m:
        return None
    found = (m["width"], m["height"])
    return found == size or Problem("instead", {"found": _pixels(*found), "expected": _pixels(*size)})


def _width_verdict(width: int, m: Mapping[str, Any]) -> Verdict:
    if "width" not in m:
        return None
    return m["width"] == width or Problem("width", {"found": str(m["width"]), "expected": str(width)})


def _aspect_verdict(aspect: tuple[float, float], m: Mapping[str, Any], kind: MediaKind) -> Verdict:
    keys = ("width_mm", "height_mm") if kind is MediaKind.PDF else ("width", "height")
    if not all(_is_number(m.get(k)) and m[k] > 0 for k in keys):
        return None
    across, down = (m[k] for k in keys)
    if abs(across / down - aspect[0] / aspect[1]) <= ASPECT_TOLERANCE * aspect[0] / aspect[1]:
        return True
    return Problem("aspect", {"found": _ratio(across, down), "expected": f"{_num(aspect[0])}:{_num(aspect[1])}"})


def _duration_verdict(duration: tuple[float, float], m: Mapping[str, Any]) -> Verdict:
    if "duration" not in m:
        return None
    found, (low, high) = m["duration"], duration
    if low - DURATION_TOLERANCE <= found <= high + DURATION_TOLERANCE:
        return True
    values = {"found": _num(found), "low": _num(low), "high": _num(high), "expected": _num(low)}
    if low == high:
        return Problem("duration", values)
    if not low:
        return Problem("duration_max", values)
    return Problem("duration_min" if math.isinf(high) else "duration_range", values)


def _codec_verdict(codec: str, m: Mapping[str, Any]) -> Verdict:
    if "codec" not in m:
        return None
    found, expected = CODECS.get(m["codec"], m["codec"]), CODECS.get(codec, codec)
    return found == expected or Problem("instead", {"found": found, "expected": expected})


def _pages_verdict(pages: int, m: Mapping[str, Any]) -> Verdict:
    if "pages" not in m:
        return None
    return m["pages"] == pages or Problem("pages", {"found": str(m["pages"]), "expected": str(pages)})


def _paper_verdict(paper: Paper, m: Mapping[str, Any]) -> Verdict:
    if "width_mm" not in m or "height_mm" not in m:
        return None
    if paper.fits(m["width_mm"], m["height_mm"]):
        return True
    return Problem("instead", {"found": m["paper"], "expected": paper.name})


def _dpi_verdict(dpi: int, paper: Paper | None, m: Mapping[str, Any], kind: MediaKind) -> Verdict:
    found = _dpi_at(paper, m, kind)
    if found is None:  # a PDF without images (vector art) has no resolution to lack
        return True if kind is MediaKind.PDF and "dpi" in m and m["dpi"] is None else None
    if found >= dpi * DPI_TOLERANCE:
        return True
    if paper is None:
        return Problem("dpi", {"found": str(round(found)), "expected": str(dpi)})
    return Problem("dpi_at", {"found": str(round(found)), "paper": paper.name, "expected": str(dpi)})


def _dpi_at(paper: Paper | None, m: Mapping[str, Any], kind: MediaKind) -> float | None:
    """The resolution the file would print at on ``paper`` (on its own page size without one)."""
    if kind is MediaKind.IMAGE:
        if paper is None or not all(_is_number(m.get(k)) for k in ("width", "height")):
            return None
        return float(max(m["width"], m["height"])) / (paper.long_mm / MM_PER_INCH)
    if not _is_number(m.get("dpi")):
        return None
    if paper is None or not _is_number(m.get("height_mm")):
        return float(m["dpi"])
    return float(m["dpi"]) * float(max(m["width_mm"], m["height_mm"])) / paper.long_mm


# -- helpers -------------------------------------------------------------------------------------------------------
def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _num(value: float) -> str:
    """12.0 -> "12", 12.44 -> "12.4"."""
    return f"{value:.1f}".removesuffix(".0")


def _pixels(width: int, height: int) -> str:
    return f"{width}x{height}"


def _ratio(across: float, down: float) -> str:
    """4:3 when the sides reduce to small numbers, 2.35:1 otherwise."""
    for scale in range(1, 33):
        if abs(across / down * scale - round(across / down * scale)) < 0.005 * scale:
            return f"{round(across / down * scale)}:{scale}"
    return f"{across / down:.2f}:1"


def _unique(values: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(values))
