"""Memory benchmark: a server worker's peak memory while big photos arrive at once, in one run on this machine.

    .venv/bin/python bench/memory.py [--photos 8] [--edge 7000]

Serves the demo data with ``eventflow serve`` (gunicorn: a process per core, eight threads each; SQLite in a
temporary folder), sends ``--photos`` photos of ``--edge`` x ``--edge`` pixels (49 MP) at once to the photo endpoint
(``POST /api/events/ID/photos``), as PNG, then JPEG, then HEIC (an iPhone's format), and follows each worker's
resident memory: ``VmRSS`` sampled every 10 ms and the kernel's own peak ``VmHWM``, reset just before each burst.

1. each worker's peak increase over its memory just before the burst (target < +400 MB per worker)
2. reference: the same photos decoded and cut to 2560 px at once (a thread each) by Pillow alone, without any limit,
   in one plain Python process: its peak increase.

Memory is in MiB (printed MB). Everything runs in a temporary folder removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import eventflow, eventflow_env, memory_mb, served, worker_pids

TARGET_MB = 400
MB = 1024 * 1024
PHOTO_EDGE = 2560
SAMPLE_SECONDS = 0.01


# -- photos -------------------------------------------------------------------------------------------------------
def make_photos(folder: Path, edge: int) -> dict[str, Path]:
    """One picture (gradients and coarse noise, so PNG stays tens of MB), saved as PNG, JPEG and HEIC."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()

    ramp = Image.linear_gradient("L").resize((edge, edge))
    grain = Image.effect_noise((edge // 8, edge // 8), 40).resize((edge, edge))
    picture = Image.merge("RGB", (ramp, grain, ramp.transpose(Image.Transpose.ROTATE_90)))
    photos = {"PNG": folder / "photo.png", "JPEG": folder / "photo.jpg", "HEIC": folder / "photo.heic"}
    picture.save(photos["PNG"], compress_level=1)
    picture.save(photos["JPEG"], quality=90)
    picture.save(photos["HEIC"], quality=60, enc_params={"preset": "ultrafast"})  # x265's default takes minutes
    return photos


def small_photo(folder: Path) -> Path:
    from PIL import Image

    path = folder / "small.jpg"
    Image.linear_gradient("L").resize((1200, 900)).convert("RGB").save(path, quality=90)
    return path


# -- the reference: Pillow alone ---------------------------------------------------------------------------------
def reference(photo: Path, count: int) -> None:
    """Child process: ``count`` threads decode the photo and cut it to 2560 px at once; prints MB and seconds."""
    import pillow_heif
    from PIL import Image

    pillow_heif.register_heif_opener()

    data = photo.read_bytes()

    def decode() -> None:
        img = Image.open(io.BytesIO(data))
        img.load()
        img.thumbnail((PHOTO_EDGE, PHOTO_EDGE), Image.Resampling.LANCZOS)

    before = memory_mb(os.getpid())
    began = time.monotonic()
    threads = [threading.Thread(target=decode) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - began
    print(json.dumps({"increase": memory_mb(os.getpid(), "VmHWM") - before, "seconds": seconds}))


def reference_run(photo: Path, count: int) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--reference", str(photo), str(count)], capture_output=True, text=True, check=True
    )
    return dict(json.loads(done.stdout))


# -- the server ---------------------------------------------------------------------------------------------------
def post_photo(url: str, token: str, event_id: int, photo: Path) -> tuple[int, str]:
    """Stream one photo as multipart (never all in memory): the status and body of the answer."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="category"\r\n\r\ndeco\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{photo.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=600)
    try:
        conn.putrequest("POST", f"/api/events/{event_id}/photos")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(len(head) + photo.stat().st_size + len(tail)))
        conn.endheaders()
        conn.send(head)
        with photo.open("rb") as f:
            while block := f.read(1024 * 1024):
                conn.send(block)
        conn.send(tail)
        resp = conn.getresponse()
        return resp.status, resp.read().decode(errors="replace")
    finally:
        conn.close()


def burst(url: str, token: str, event_id: int, photo: Path, count: int) -> float:
    """``count`` uploads of the photo at once; seconds until the last 201."""
    began = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        answers = list(pool.map(lambda _: post_photo(url, token, event_id, photo), range(count)))
    seconds = time.monotonic() - began
    refused = [a for a in answers if a[0] != 201]
    if refused:
        raise RuntimeError(f"{len(refused)} of {count} photos were refused, e.g. {refused[0][0]}: {refused[0][1]}")
    return seconds


class Peaks:
    """Each worker's highest resident memory from now until ``stop()``, in MB."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.before = {pid: memory_mb(pid) for pid in pids}
        self.peak = dict(self.before)
        self.kernel_peak_reset = all(reset_peak(pid) for pid in pids)
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._done.wait(SAMPLE_SECONDS):
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], memory_mb(pid))

    def stop(self) -> dict[int, float]:
        """Each worker's peak increase."""
        self._done.set()
        self._sampler.join()
        if self.kernel_peak_reset:
            self.peak = {pid: max(self.peak[pid], memory_mb(pid, "VmHWM")) for pid in self.pids}
        return {pid: self.peak[pid] - self.before[pid] for pid in self.pids}


def reset_peak(pid: int) -> bool:
    """Start the kernel's peak (VmHWM) again from the current memory (Linux 4.0+; our own processes)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def event_id(url: str, token: str) -> int:
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=30)
    conn.request("GET", "/api/events?from=2000-01-01&to=2100-01-01", headers={"Authorization": f"Bearer {token}"})
    events = json.loads(conn.getresponse().read())
    conn.close()
    return int(events[0]["id"])


# -- report -------------------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=8, help="photos sent at once")
    parser.add_argument("--edge", type=int, default=7000, help="their width and height in pixels")
    parser.add_argument("--reference", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.reference:
        reference(Path(args.reference[0]), int(args.reference[1]))
        return
    work = Path(tempfile.mkdtemp(prefix="eventflow-bench-memory-"))
    try:
        photos = make_photos(work, args.edge)
        env = eventflow_env(work / "data")
        eventflow(env, "demo")
        admin = next(u["email"] for u in json.loads(eventflow(env, "user", "list", "--json")) if u["role"] == "admin")
        token = eventflow(env, "token", "create", admin).strip()
        results = {}
        with served(env, work / "server.log") as (url, server):
            workers = worker_pids(server.pid)
            event = event_id(url, token)
            burst(url, token, event, small_photo(work), 2 * len(workers))  # every worker loads its code first
            for kind, photo in photos.items():
                peaks = Peaks(workers)
                seconds = burst(url, token, event, photo, args.photos)
                results[kind] = (peaks.before, peaks.stop(), seconds, reference_run(photo, args.photos))
        report(args, photos, results)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(
    args: argparse.Namespace,
    photos: dict[str, Path],
    results: dict[str, tuple[dict[int, float], dict[int, float], float, dict[str, float]]],
) -> None:
    megapixels = args.edge * args.edge / 1_000_000
    print(f"\neventflow memory benchmark — {os.cpu_count()} CPUs, {args.photos} photos of {args.edge}x{args.edge} "
          f"({megapixels:.0f} MP) sent at once\n")  # fmt: skip
    for kind, (before, increase, seconds, ref) in results.items():
        size_mb = photos[kind].stat().st_size / MB
        worst = max(increase.values())
        verdict = "OK" if worst < TARGET_MB else "MISSED"
        print(f"{kind} ({size_mb:.1f} MB each)")
        for pid in increase:
            print(f"    worker {pid}: {before[pid]:.0f} MB before, peak +{increase[pid]:.0f} MB")
        print(f"    worst worker +{worst:.0f} MB vs Pillow alone, no limit +{ref['increase']:.0f} MB "
              f"({worst / ref['increase']:.2f}x)   target < +{TARGET_MB} MB per worker {verdict}")  # fmt: skip
        print(f"    all answered 201 in {seconds:.1f} s (upload, decode, store, preview); "
              f"Pillow alone decoded them in {ref['seconds']:.1f} s\n")  # fmt: skip


if __name__ == "__main__":
    main()
