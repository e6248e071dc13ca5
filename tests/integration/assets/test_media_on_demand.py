"""The image processor and media probe of a real start are built on the first picture, once, whichever thread asks."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from eventflow.adapters.images import PillowImageProcessor
from eventflow.adapters.media import MediaPreviewer
from eventflow.bootstrap import MediaOnDemand
from eventflow.core.ports import ImageProcessor, MediaProbe
from tests.support import samples

ASKING_AT_ONCE = 8


def test_the_first_pictures_asked_for_at_once_build_the_adapters_once() -> None:
    builds: list[str] = []
    all_asking = threading.Barrier(ASKING_AT_ONCE)

    def build() -> tuple[ImageProcessor, MediaProbe]:
        builds.append("built")
        time.sleep(0.05)  # as long as importing Pillow and friends: the other threads arrive meanwhile
        images = PillowImageProcessor()
        return images, MediaPreviewer(images)

    media = MediaOnDemand(build)

    def thumbnail(_: int) -> str:
        all_asking.wait()
        return media.thumbnail(io.BytesIO(samples.photo_jpeg())).content_type

    assert builds == []
    with ThreadPoolExecutor(ASKING_AT_ONCE) as pool:
        made = list(pool.map(thumbnail, range(ASKING_AT_ONCE)))
    preview = media.preview(io.BytesIO(samples.photo_jpeg()), "image/jpeg")

    assert made == ["image/webp"] * ASKING_AT_ONCE
    assert preview.image is not None and preview.error is None
    assert builds == ["built"]
