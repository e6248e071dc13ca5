"""Phone uploads (issue 13, item 4): a 12 MP camera photo reaches its night in under 5 s on Chrome's "Fast 4G" and
under 15 s on "Fast 3G"; a network that drops every connection for 10 s, or a tab closed mid-upload, loses nothing
and stores exactly one photo.

Throttling is CDP's ``Network.emulateNetworkConditions`` with DevTools' own presets (DevTools scales the nominal
throughputs by 0.9). The outage is a real one: an asyncio TCP proxy between the browser and the app resets every
connection (RST both ways) and refuses new ones for 10 s; CDP's offline switch would only pause requests in flight.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from eventflow.bootstrap import Services
from tests.support import samples
from tests.support.browser import login, shot
from tests.support.seed import Seeded

Live = tuple[str, Services, Seeded]
MBPS = 1_000_000 / 8 * 0.9  # DevTools' presets scale their nominal throughputs by 0.9


def _preset(down: float, up: float, latency: float) -> dict[str, Any]:
    return {"offline": False, "latency": latency, "downloadThroughput": down * MBPS, "uploadThroughput": up * MBPS}


FAST_4G = _preset(9, 1.5, 165)  # DevTools' "Fast 4G"
FAST_3G = _preset(1.6, 0.75, 562.5)  # DevTools' "Fast 3G"
WAITING_FR = "En attente du réseau"


@pytest.fixture(scope="module")
def camera_photo() -> bytes:
    photo = samples.camera_photo()
    assert 4_500_000 < len(photo) < 6_000_000  # "about 5 MB", as a Pixel hands it over
    return photo


def _throttle(page: Any, conditions: dict[str, Any]) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", conditions)


def _photos(services: Services, event_id: int) -> list[Any]:
    return list(services.events.card(event_id).photos)


def _wait_for(check: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _open_sheet(page: Any, night: str) -> Any:
    page.click('[data-action="quick-upload"]')
    sheet = page.locator("#quick-upload")
    # the night itself, not the copies other tests of the same site make ("Nuit Tropicale desktop")
    sheet.locator(".choice", has_text=re.compile(rf"^\s*{re.escape(night)}\s+\d")).click()
    return sheet


def _shutter(sheet: Any, photo: bytes, name: str = "PXL_20261130_204512.jpg") -> None:
    camera = sheet.locator("input[capture]")
    camera.set_input_files({"name": name, "mimeType": "image/jpeg", "buffer": photo}, timeout=60_000)


def _shutter_clocked(page: Any, sheet: Any, photo: bytes) -> float:
    """The shutter pressed; returns when the page got the photo, on ``time.monotonic``'s clock. A camera hands its
    file over at once; Playwright takes a while to copy 5 MB into the browser, which is no part of the measure."""
    page.evaluate("document.addEventListener('change', () => { window.shutterAt = performance.now(); }, true)")
    _shutter(sheet, photo)
    ago = page.evaluate("performance.now() - window.shutterAt") / 1000
    return time.monotonic() - ago


def _sent_lengths(page: Any) -> list[int]:
    """The Upload-Length of every tus upload this page creates (what actually goes over the network)."""
    lengths: list[int] = []
    page.on(
        "request",
        lambda r: (
            lengths.append(int(r.headers["upload-length"]))
            if r.method == "POST" and r.url.endswith("/api/uploads")
            else None
        ),
    )
    return lengths


@pytest.mark.parametrize(("network", "limit"), [(FAST_4G, 5.0), (FAST_3G, 15.0)], ids=["fast-4g", "fast-3g"])
def test_a_12_mp_camera_photo_is_on_its_night_in_seconds(
    phone: Any, live: Live, camera_photo: bytes, network: dict[str, Any], limit: float
) -> None:
    page = phone
    _, services, seeded = live
    login(page)
    sent = _sent_lengths(page)
    before = len(_photos(services, seeded.red_event_id))
    _throttle(page, network)
    sheet = _open_sheet(page, "Soirée Disco")
    tapped = _shutter_clocked(page, sheet, camera_photo)
    arrived = _wait_for(lambda: len(_photos(services, seeded.red_event_id)) > before, limit + 30)
    elapsed = time.monotonic() - tapped
    assert arrived, "the photo never reached its night"
    shrunk_in = page.evaluate(
        "(performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/uploads'))?.startTime"
        " - window.shutterAt) / 1000"
    )
    timing = f"{elapsed:.1f} s from the shutter to its night, {shrunk_in:.1f} s of it shrinking"
    # Seconds are a target checked on a quiet machine (bench/phone.py runs this test alone with the check on), not in
    # the suite, whose other workers share the cores; the bytes sent (checked below) bound the time over the air.
    if os.environ.get("EVENTFLOW_CHECK_TIMING"):
        print(f"\nTIMING {'fast-4g' if network is FAST_4G else 'fast-3g'} {elapsed:.2f} limit {limit:g} ({timing})")
        assert elapsed < limit, f"limit {limit:g} s: {timing}"
    else:
        warnings.warn(f"timing not checked in the suite (bench/phone.py checks it): {timing}", stacklevel=1)
    expect(sheet.locator(".upload-item.done")).to_be_visible()
    shot(page, f"quick-upload-done-{'4g' if network is FAST_4G else '3g'}", full_page=False)
    photo = _photos(services, seeded.red_event_id)[-1]
    assert photo.category.value == "uniform" and photo.filename.endswith(".jpg")
    # shrunk in the browser (not 5 MB over the air), upright as the phone was held (portrait, 3:4)
    assert len(sent) == 1 and sent[0] <= 560_000, f"sent {sent} bytes"
    width, height = photo.media_info.get("width"), photo.media_info.get("height")
    assert 1500 < height <= 2560 and abs(width / height - 0.75) < 0.01, (width, height)


def test_full_quality_sends_the_photo_as_taken(phone: Any, live: Live) -> None:
    page = phone
    _, services, seeded = live
    login(page)
    sent = _sent_lengths(page)
    photo = samples.photo_jpeg(1200, 900)
    before = len(_photos(services, seeded.red_event_id))
    sheet = _open_sheet(page, "Soirée Disco")
    sheet.get_by_label("Pleine qualité").check()
    shot(page, "quick-upload-full-quality", full_page=False)
    _shutter(sheet, photo, "IMG_0001.jpg")
    expect(sheet.locator(".upload-item.done")).to_be_visible(timeout=20_000)
    assert sent == [len(photo)]  # byte for byte what the camera gave
    assert len(_photos(services, seeded.red_event_id)) == before + 1


class FlakyProxy:
    """A TCP proxy in front of the app that can fail like a phone network: ``outage(seconds)`` resets every open
    connection (both sides) and refuses new ones until the time is up."""

    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.loop = asyncio.new_event_loop()
        self.links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self.listener: asyncio.Server | None = None
        self.port = 0
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._call(self._listen())

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    async def _listen(self) -> None:
        self.listener = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self.listener.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            writer.close()
            return
        link = (writer, up_writer)
        self.links.add(link)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            try:
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            except OSError:
                pass
            finally:
                if not dst.is_closing():
                    dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))
        self.links.discard(link)

    async def _cut(self) -> None:
        assert self.listener is not None
        self.listener.close()  # new connections: refused
        for link in list(self.links):
            for writer in link:
                sock = writer.get_extra_info("socket")
                if sock is not None:  # close with RST, as a dropped mobile link looks to both ends
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                writer.transport.abort()
        self.links.clear()

    def outage(self, seconds: float) -> None:
        self._call(self._cut())
        time.sleep(seconds)
        self._call(self._listen())

    def close(self) -> None:
        self._call(self._cut())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def proxy(live: Live) -> Iterator[FlakyProxy]:
    flaky = FlakyProxy(int(live[0].rsplit(":", 1)[1]))
    try:
        yield flaky
    finally:
        flaky.close()


def _progress(sheet_or_panel: Any) -> int:
    value = sheet_or_panel.locator(".upload-item .bar").first.get_attribute("aria-valuenow")
    return int(value or 0)


def test_ten_seconds_without_network_in_the_middle_lose_nothing(
    phone: Any, live: Live, proxy: FlakyProxy, camera_photo: bytes
) -> None:
    page = phone
    _, services, seeded = live
    page.base = f"http://127.0.0.1:{proxy.port}"
    login(page)
    before = len(_photos(services, seeded.soon_event_id))
    _throttle(page, FAST_3G)
    sheet = _open_sheet(page, "Nuit Tropicale")
    sheet.get_by_label("Pleine qualité").check()  # 5 MB on 3G: plenty of time to pull the plug in the middle
    _shutter(sheet, camera_photo)
    assert _wait_for(lambda: _progress(sheet) >= 15, 60), "the upload never got going"
    expect(sheet.locator(".upload-item")).to_have_attribute("data-state", "sending")
    shot(page, "quick-upload-sending", full_page=False)
    cut = threading.Thread(target=proxy.outage, args=(10,))
    cut.start()
    line = sheet.locator(".upload-item")
    expect(line).to_have_attribute("data-state", "waiting", timeout=8_000)
    expect(line.locator(".msg")).to_contain_text(WAITING_FR)
    shot(page, "quick-upload-waiting", full_page=False)
    assert len(_photos(services, seeded.soon_event_id)) == before
    cut.join()
    expect(line).to_have_attribute("data-state", "done", timeout=120_000)  # by itself: nobody touched anything
    photos = _photos(services, seeded.soon_event_id)
    assert len(photos) == before + 1, "exactly one photo: no duplicate, nothing lost"
    assert (photos[-1].media_info.get("width"), photos[-1].media_info.get("height")) == (1920, 2560)  # whole, decoded
    assert _queue_length(page) == 0  # forgotten on this phone once the server has it


def _queue_length(page: Any) -> int:
    return int(
        page.evaluate(
            """() => new Promise((resolve) => {
                const open = indexedDB.open("eventflow-uploads", 1);
                open.onsuccess = () => {
                  const request = open.result.transaction("pending").objectStore("pending").count();
                  request.onsuccess = () => resolve(request.result);
                };
              })"""
        )
    )


def test_a_tab_closed_mid_upload_resumes_when_the_app_is_opened_again(
    phone: Any, live: Live, camera_photo: bytes
) -> None:
    page = phone
    _, services, seeded = live
    login(page)
    before = len(_photos(services, seeded.soon_event_id))
    _throttle(page, FAST_3G)
    sheet = _open_sheet(page, "Nuit Tropicale")
    sheet.get_by_label("Pleine qualité").check()
    _shutter(sheet, camera_photo)
    assert _wait_for(lambda: _progress(sheet) >= 20, 60), "the upload never got going"
    assert _queue_length(page) == 1
    context = page.context
    page.close()  # the phone's tab is swiped away mid-upload
    assert len(_photos(services, seeded.soon_event_id)) == before
    reopened = context.new_page()
    requests: list[str] = []
    reopened.on("request", lambda r: requests.append(r.method) if "/api/uploads" in r.url else None)
    reopened.goto(page.base + "/")
    panel = reopened.locator("#uploads")
    expect(panel.locator(".upload-item")).to_be_visible()
    shot_page = reopened
    shot_page.profile = "phone"
    shot(shot_page, "uploads-resumed", full_page=False)
    expect(panel.locator(".upload-item")).to_have_attribute("data-state", "done", timeout=60_000)
    assert requests[0] == "HEAD" and "POST" not in requests, requests  # resumed from the server's offset
    assert len(_photos(services, seeded.soon_event_id)) == before + 1
    assert _queue_length(reopened) == 0
