"""The demo's mock-up files, made to their slot's specs so that a newcomer's first look shows them conforming.

``mockup(specs, title, colour)`` reads the specs as the spec check does (``rules_specs.parse_specs``) and makes the
file they ask for: a PDF of the paper size and page count asked (vector art: no picture that could lack resolution),
an H.264 MP4 of the pixel size and duration asked, or a PNG of the pixel size asked. Each is a flat colour with a
white frame and the title, small and quick to make.
"""

from __future__ import annotations

import functools
import io
import unicodedata

import av
from attrs import frozen
from PIL import Image, ImageDraw, ImageFont

from eventflow.core import rules_specs
from eventflow.core.rules_specs import MediaKind

Colour = tuple[int, int, int]
POINTS_PER_MM = 72 / 25.4
#: What a mock-up is when its specs say nothing of a size: a portrait poster, a phone-shaped video.
DEFAULT_PAPER = rules_specs.A_SERIES["A4"]
DEFAULT_IMAGE = (600, 800)
DEFAULT_VIDEO = (1080, 1920)
VIDEO_FPS = 2


@frozen
class Mockup:
    extension: str
    content_type: str
    data: bytes


@functools.lru_cache(maxsize=256)
def mockup(specs: str, title: str, colour: Colour) -> Mockup:
    """A file that passes the spec check of ``specs``, showing ``title`` (one line per ``\\n``) on ``colour``."""
    expect = rules_specs.parse_specs(specs)
    if MediaKind.PDF in expect.kinds:
        paper = expect.paper or DEFAULT_PAPER
        size = (paper.width_mm * POINTS_PER_MM, paper.height_mm * POINTS_PER_MM)
        return Mockup("pdf", "application/pdf", _pdf(size, expect.pages or 1, title, colour))
    if MediaKind.VIDEO in expect.kinds:
        seconds = expect.duration[0] if expect.duration and expect.duration[0] > 0 else 2.0
        return Mockup("mp4", "video/mp4", _mp4(_picture(_pixels(expect, DEFAULT_VIDEO), title, colour), seconds))
    out = io.BytesIO()
    _picture(_pixels(expect, DEFAULT_IMAGE), title, colour).save(out, "PNG", optimize=True)
    return Mockup("png", "image/png", out.getvalue())


def _pixels(expect: rules_specs.Expectations, default: tuple[int, int]) -> tuple[int, int]:
    if expect.size:
        return expect.size
    if expect.width:
        return expect.width, round(expect.width * default[1] / default[0])
    return default


def _picture(size: tuple[int, int], title: str, colour: Colour) -> Image.Image:
    width, height = size
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    border = max(2, min(size) // 60)
    draw.rectangle((border * 4, border * 4, width - border * 4, height - border * 4), outline="white", width=border)
    lines = title.split("\n")
    size_px = max(10, min(width * 2 // (max(map(len, lines)) + 6), height // (3 * len(lines))))
    font, text = _font(size_px, title)
    draw.multiline_text((width / 2, height / 2), text, fill="white", font=font, anchor="mm", align="center")
    return image


def _font(size: int, text: str) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    """DejaVu Sans when the system has it; else Pillow's own font, which has no accented letters."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), text
    except OSError:
        bare = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return ImageFont.load_default(size=size), bare


def _mp4(picture: Image.Image, seconds: float) -> bytes:
    """An H.264 video of ``picture`` held still for ``seconds``."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=VIDEO_FPS, options={"preset": "ultrafast"})
        stream.width, stream.height, stream.pix_fmt = picture.width, picture.height, "yuv420p"
        frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
        for i in range(max(1, round(seconds * VIDEO_FPS))):
            frame.pts = i
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def _pdf(size: tuple[float, float], pages: int, title: str, colour: Colour) -> bytes:
    """A PDF of ``pages`` pages of ``size`` points: a flat colour, a white frame and ``title`` in Helvetica."""
    width, height = size
    fill = " ".join(f"{c / 255:.3f}" for c in colour)
    lines = title.split("\n")
    font = min(width / (0.55 * max(map(len, lines)) + 4), height / (4 * len(lines)))
    text = []
    for i, line in enumerate(lines):
        y = height / 2 + (len(lines) / 2 - i - 0.8) * font * 1.2
        x = (width - 0.5 * font * len(line)) / 2  # a Helvetica letter is about half as wide as high
        text.append(f"BT /F1 {font:.1f} Tf {x:.1f} {y:.1f} Td ({_pdf_text(line)}) Tj ET")
    frame = width / 20
    content = (
        f"{fill} rg 0 0 {width:.1f} {height:.1f} re f 1 1 1 RG {frame / 6:.1f} w "
        f"{frame:.1f} {frame:.1f} {width - 2 * frame:.1f} {height - 2 * frame:.1f} re S 1 1 1 rg " + " ".join(text)
    ).encode("cp1252", "replace")
    font_id, first_page = 3, 4
    kids = " ".join(f"{first_page + 2 * p} 0 R" for p in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for p in range(pages):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width:.2f} {height:.2f}] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {first_page + 2 * p + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _pdf_text(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
