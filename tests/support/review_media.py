"""Versions that look like a designer's work, made on the fly for the review journeys: a poster whose logo grows from
v1 to v2 (PDF, several pages), a story picture, and an LED loop whose frames show their own time."""

from __future__ import annotations

import io

import av
from PIL import Image, ImageDraw, ImageFont

#: Where the logo of the picture versions sits, in fractions of the picture (the journeys pin their remark there).
LOGO_AT = (0.5, 0.3)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _art(width: int, height: int, title: str, version: int, page: int = 1) -> Image.Image:
    """A gradient, a logo (a circle, larger in later versions), a title band and the version written in a corner."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y * 255 // height
        draw.line([(0, y), (width, y)], fill=(40 + shade // 3, 30 + 20 * version, 120 + shade // 3 + 15 * page))
    cx, cy = int(width * LOGO_AT[0]), int(height * LOGO_AT[1])
    radius = int(min(width, height) * (0.08 + 0.05 * version))
    draw.ellipse(
        [cx - radius, cy - radius, cx + radius, cy + radius], fill=(250, 204, 21), outline=(255, 255, 255), width=6
    )
    draw.text((cx, cy), "LOGO", fill=(30, 30, 50), font=_font(radius // 2), anchor="mm")
    band = int(height * 0.62)
    draw.rectangle([0, band, width, band + height // 7], fill=(255, 255, 255))
    draw.text((width // 2, band + height // 14), title, fill=(20, 20, 40), font=_font(height // 16), anchor="mm")
    draw.text(
        (width - 20, height - 20), f"v{version} · p{page}", fill=(255, 255, 255), font=_font(height // 24), anchor="rs"
    )
    return image


def poster(version: int, pages: int = 2, title: str = "TECHNO BUNKER") -> bytes:
    """An A-format poster of ``pages`` pages as a PDF."""
    images = [_art(840, 1188, title, version, page) for page in range(1, pages + 1)]
    out = io.BytesIO()
    images[0].save(out, "PDF", resolution=100, save_all=True, append_images=images[1:])
    return out.getvalue()


def story(version: int, title: str = "STORY") -> bytes:
    out = io.BytesIO()
    _art(1200, 800, title, version).save(out, "PNG")
    return out.getvalue()


def clip(version: int, seconds: float = 4.0, size: int = 320, fps: int = 10) -> bytes:
    """A square LED loop: each frame shows the version and its time, so a sought frame is easy to recognise."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width = stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(int(seconds * fps)):
            frame = _art(size, size, f"{i / fps:.1f} s", version)
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
