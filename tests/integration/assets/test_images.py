"""Images in bounded memory: a pixel ceiling read from the header, JPEGs decoded at reduced scale, and a cap on
how many images one process decodes at once (the figures themselves are in ``bench/memory.py``)."""

from __future__ import annotations

import io
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image, ImageFile

from eventflow.adapters.images import PillowImageProcessor
from eventflow.adapters.media import MediaPreviewer
from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import ConfigError, Settings
from eventflow.core import errors
from eventflow.core.model import Deliverable, Event, User
from tests.support import samples
from tests.support.assets import stored_files
from tests.support.http import multipart
from tests.support.web import Api, add_member

BOMB = samples.pixel_flood_png(40_000, 40_000)


@pytest.fixture
def member(services: Services) -> User:
    """A member who reads English: the messages checked here are the English ones."""
    return add_member(services, "en")


class Decodes:
    """Every real decode of an image file's pixels, in order, each held at a gate the test may close."""

    def __init__(self) -> None:
        self.sizes: list[tuple[int, int]] = []
        self.inside = 0
        self.most = 0
        self.gate = threading.Event()
        self.gate.set()
        self.changed = threading.Condition()

    def enter(self, size: tuple[int, int]) -> None:
        with self.changed:
            self.sizes.append(size)
            self.inside += 1
            self.most = max(self.most, self.inside)
        assert self.gate.wait(10), "the test never opened the gate"

    def leave(self) -> None:
        with self.changed:
            self.inside -= 1


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Decodes:
    seen = Decodes()
    load = ImageFile.ImageFile.load

    def counted_load(image: ImageFile.ImageFile) -> Any:
        if not image.tile:  # already decoded: nothing is read
            return load(image)
        seen.enter(image.size)
        try:
            return load(image)
        finally:
            seen.leave()

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted_load)
    return seen


def eventually(condition: Callable[[], bool]) -> None:
    """Wait for a state the test is sure to reach (the deadline only turns a hang into a failure)."""
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "never reached"
        time.sleep(0.005)


def in_threads(*jobs: Callable[[], object]) -> Iterator[threading.Thread]:
    for job in jobs:
        thread = threading.Thread(target=job, daemon=True)
        thread.start()
        yield thread


def png_bytes(width: int, height: int, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height), 200).save(out, "PNG")
    return out.getvalue()


# -- the pixel ceiling ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(40_000, 40_000), (8_200, 6_200)])
def test_an_image_over_the_pixel_ceiling_is_refused_from_its_header_without_decoding(
    decodes: Decodes, size: tuple[int, int]
) -> None:
    bomb = samples.pixel_flood_png(*size)
    assert len(bomb) < 100
    processor = PillowImageProcessor()
    for shrink in (processor.compress_photo, processor.thumbnail):
        with pytest.raises(errors.InvalidInput) as refused:
            shrink(io.BytesIO(bomb))
        assert str(refused.value).startswith(f"this image is {size[0]}×{size[1]} pixels")
        assert str(refused.value).endswith("the limit is 50 megapixels")
    assert decodes.sizes == []


def test_a_photo_over_the_ceiling_is_422_with_its_size(as_member: Api, event: Event, services: Services) -> None:
    body, content_type = multipart([("category", "deco"), ("file", ("huge.png", BOMB))])
    resp = as_member.post(f"/api/events/{event.id}/photos", body=body, headers={"Content-Type": content_type})
    assert resp.status_code == 422
    assert resp.json["description"].startswith("this image is 40000×40000 pixels (1600 megapixels)")
    assert stored_files(services.settings.files_dir) == []


def test_a_version_over_the_ceiling_is_kept_byte_for_byte_with_its_preview_skipped_and_why(
    services: Services, admin: User, slot: Deliverable, decodes: Decodes
) -> None:
    asset = services.assets.upload_version(admin, slot.id or 0, "fresque.png", io.BytesIO(BOMB))
    with services.assets.content(asset.id or 0).open() as stored:
        assert stored.read() == BOMB
    assert asset.media_info["width"] == asset.media_info["height"] == 40_000
    assert asset.media_info["preview"] == "unavailable"
    assert "40000×40000 pixels" in asset.media_info["preview_error"]
    assert decodes.sizes == []


# -- reduced decoding ----------------------------------------------------------------------------------------------
def test_a_big_jpeg_is_decoded_at_half_scale_and_still_comes_out_upright_and_capped(decodes: Decodes) -> None:
    # 5200x1000, top half red, EXIF "rotate 90°": 2560 px fit in half the decode, so JPEG's DCT scaling halves it.
    photo = PillowImageProcessor().compress_photo(io.BytesIO(samples.photo_jpeg(5200, 1000, orientation=6)))
    assert decodes.sizes == [(2600, 500)]
    assert (photo.width, photo.height) == (492, 2560)
    with Image.open(io.BytesIO(photo.data)) as img:
        left, right = img.convert("RGB").getpixel((20, 1280)), img.convert("RGB").getpixel((470, 1280))
    assert left[2] > 200 > left[0] and right[0] > 200 > right[2]  # turned clockwise: the red top is on the right


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "I;16", "1"])
def test_a_big_png_is_cut_down_to_the_size_asked_whatever_its_mode(decodes: Decodes, mode: str) -> None:
    processor = PillowImageProcessor()
    big = png_bytes(6000, 300, mode)
    photo, thumbnail = processor.compress_photo(io.BytesIO(big)), processor.thumbnail(io.BytesIO(big))
    assert decodes.sizes == [(6000, 300), (6000, 300)]  # PNG has no reduced decoding
    assert (photo.width, photo.height, thumbnail.width, thumbnail.height) == (2560, 128, 480, 24)


# -- how many decodes at once --------------------------------------------------------------------------------------
def test_at_most_two_images_are_decoded_at_once_and_the_others_wait_their_turn(decodes: Decodes) -> None:
    processor = PillowImageProcessor(decodes=2)
    photo = samples.photo_jpeg(400, 300)
    results: list[int] = []
    decodes.gate.clear()
    threads = list(in_threads(*[lambda: results.append(processor.compress_photo(io.BytesIO(photo)).width)] * 5))
    eventually(lambda: decodes.inside == 2 and processor.slots.waiting == 3)
    assert decodes.inside == 2
    decodes.gate.set()
    for thread in threads:
        thread.join(10)
    assert results == [300] * 5 and decodes.most == 2


def test_a_big_image_is_decoded_alone_and_the_queue_keeps_its_order(decodes: Decodes) -> None:
    # One permit per 10,000 pixels here: 64x48 takes one, 300x200 would take six and takes both.
    processor = PillowImageProcessor(decodes=2, permit_pixels=10_000)
    small, big, other = png_bytes(64, 48), png_bytes(300, 200), png_bytes(64, 49)
    decodes.gate.clear()
    threads = list(in_threads(lambda: processor.thumbnail(io.BytesIO(small))))
    eventually(lambda: decodes.inside == 1)
    threads += in_threads(lambda: processor.thumbnail(io.BytesIO(big)))
    eventually(lambda: processor.slots.waiting == 1)
    threads += in_threads(lambda: processor.thumbnail(io.BytesIO(other)))
    eventually(lambda: processor.slots.waiting == 2)
    assert decodes.inside == 1  # a permit is free, but the small one does not jump the queue
    decodes.gate.set()
    for thread in threads:
        thread.join(10)
    assert decodes.sizes == [(64, 48), (300, 200), (64, 49)] and decodes.most == 1


@pytest.mark.parametrize(("content_type", "data"), [("application/pdf", samples.pdf(2)), ("video/mp4", samples.mp4())])
def test_pdf_and_video_previews_wait_for_a_decode_permit_too(content_type: str, data: bytes) -> None:
    processor = PillowImageProcessor(decodes=1)
    previews: list[Any] = []
    with processor.decoding():
        (thread,) = in_threads(
            lambda: previews.append(MediaPreviewer(processor).preview(io.BytesIO(data), content_type))
        )
        eventually(lambda: processor.slots.waiting == 1)
        assert previews == []
    thread.join(10)
    assert previews[0].image is not None and previews[0].error is None


def test_the_number_of_decodes_at_once_is_a_setting(tmp_path: Any) -> None:
    env = {"EVENTFLOW_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(env).image_decodes == 2
    settings = Settings.from_env({**env, "EVENTFLOW_IMAGE_DECODES": "3"})
    services = bootstrap(settings, uow=memory_uow_factory(), hasher=Argon2Hasher(fast=True))
    images = services.files.images._adapters()[0]  # type: ignore[attr-defined]  # built on the first picture
    assert isinstance(images, PillowImageProcessor) and images.slots.permits == 3
    for bad in ("0", "two", "1.5"):
        with pytest.raises(ConfigError, match=f"EVENTFLOW_IMAGE_DECODES={bad!r} must be a whole number of 1 or more"):
            Settings.from_env({**env, "EVENTFLOW_IMAGE_DECODES": bad})


FREE_AFTER_A_BIG_FREE = """
import ctypes, sys
from pathlib import Path

libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
if sys.argv[1] == "with the processor":
    from eventflow.adapters.images import PillowImageProcessor

    PillowImageProcessor()
MB = 1024 * 1024


def rss_mb():
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith("VmRSS:"))
    return int(line.split()[1]) // 1024


def touched(size):
    block = libc.malloc(size)
    libc.memset(block, 1, size)
    return block


libc.free(touched(20 * MB))  # a decoded image let go: glibc now keeps blocks below 20 MB for itself
first, second, pin = touched(10 * MB), touched(10 * MB), touched(64 * 1024)
held = rss_mb()
libc.free(first)
libc.free(second)
print(held - rss_mb())
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the allocator tuned is glibc's")
def test_pixel_buffers_freed_are_given_back_to_the_system() -> None:
    def given_back(how: str) -> int:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        done = subprocess.run(
            [sys.executable, "-c", FREE_AFTER_A_BIG_FREE, how], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return int(done.stdout)

    assert abs(given_back("glibc alone")) <= 1  # what a worker did: nothing given back (±1 MB of rounding and noise)
    assert given_back("with the processor") >= 19
