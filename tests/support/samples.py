"""Test files made on the fly: photos with EXIF orientation and GPS, HEIC, a tiny MP4, a small PDF, an SVG."""

from __future__ import annotations

import io
import struct
import zlib

import av
import pillow_heif
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw

ORIENTATION = 0x0112
GPS_IFD = 0x8825


def camera_photo(width: int = 4032, height: int = 3024, orientation: int = 6) -> bytes:
    """What a 12 MP phone camera hands over: about 5 MB of JPEG at quality 94, the pixels stored sideways with EXIF
    orientation 6 (the phone held upright). The scene has soft shapes and gradients, texture at several scales (what
    survives the camera's denoising and sharpening) and a little sensor noise, so it compresses like a photo, not
    like a flat test card (a few kB) or pure noise (which no photo is)."""
    scene = Image.merge("RGB", [Image.linear_gradient("L").rotate(r).resize((width, height)) for r in (0, 90, 180)])
    draw = ImageDraw.Draw(scene)
    for i in range(60):
        x, y = (i * 977) % width, (i * 613) % height
        draw.ellipse((x, y, x + 250 + i * 9, y + 180 + i * 6), fill=((i * 50) % 255, (i * 90) % 255, (i * 130) % 255))
    for scale in (12, 5, 2):
        grain = Image.effect_noise((width // scale, height // scale), 10)
        grain = grain.resize((width, height), Image.Resampling.BICUBIC)
        scene = ImageChops.add(scene, Image.merge("RGB", [grain] * 3), offset=-128)
    noise = Image.effect_noise((width, height), 3)
    scene = ImageChops.add(scene, Image.merge("RGB", [noise] * 3), offset=-128)
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F], exif[0x0110] = "Google", "Pixel 7"  # Make, Model
    out = io.BytesIO()
    scene.save(out, "JPEG", quality=94, exif=exif.tobytes())
    return out.getvalue()


def photo_jpeg(width: int = 800, height: int = 600, orientation: int = 6, gps: bool = True) -> bytes:
    """A landscape JPEG whose EXIF says "rotate 90°" (6), with a GPS position: top half red, bottom half blue."""
    img = Image.new("RGB", (width, height), "blue")
    img.paste((255, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    if gps:
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)})
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def png(width: int = 64, height: int = 48, alpha: bool = False) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if alpha else "RGB", (width, height), (10, 200, 30, 128) if alpha else "green").save(out, "PNG")
    return out.getvalue()


def heic(width: int = 640, height: int = 480) -> bytes:
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(out, "HEIF", quality=80)
    return out.getvalue()


def mp4(seconds: float = 1.0, width: int = 160, height: int = 96, fps: int = 10) -> bytes:
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for i in range(int(seconds * fps)):
            frame = av.VideoFrame.from_image(Image.new("RGB", (width, height), (i * 20 % 255, 80, 160)))
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def pdf(pages: int = 2) -> bytes:
    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    out = io.BytesIO()
    doc.save(out)
    doc.close()
    return out.getvalue()


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def pixel_flood_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A PNG whose header announces ``width`` x ``height`` RGB pixels with no pixel data behind it (a few dozen
    bytes): a size check on the header refuses it; decoding it would fail on the missing pixels instead."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, deflate, no interlace
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


def pdf_with_image(page_pt: tuple[float, float], image_px: tuple[int, int], pages: int = 1) -> bytes:
    """A PDF whose pages are ``page_pt`` points and covered by one picture of ``image_px`` pixels (so it prints at
    ``image_px / (page_pt / 72)`` dpi)."""
    picture = Image.new("RGB", image_px, "purple")
    out = io.BytesIO()
    picture.save(
        out, "PDF", resolution=72 * image_px[0] / page_pt[0], save_all=True, append_images=[picture] * (pages - 1)
    )
    return out.getvalue()


def upright_phone_mp4(width: int = 160, height: int = 96, fps: int = 10) -> bytes:
    """A video stored on its side (``width`` x ``height``, top half red) that players turn a quarter counterclockwise,
    as phones record videos held upright."""
    out = io.BytesIO()
    with av.open(out, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        stream.set_display_rotation(90)
        picture = Image.new("RGB", (width, height), "blue")
        picture.paste((255, 0, 0), (0, 0, width, height // 2))
        for _ in range(fps):
            for packet in stream.encode(av.VideoFrame.from_image(picture)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()
