"""Object storage benchmark: each figure beside its reference, measured in one run on this machine.

    .venv/bin/python bench/s3.py [--size-mb 2048] [--upload-mb 500]

1. archiving --size-mb of mixed files (videos, PDFs, photos) to an S3 server vs the same files sent with the client's
   own upload call, obstore's ``put`` of each file (its defaults: 5 MB parts, 12 at once), to the same server
   (target >= 0.8x)
2. peak memory of the server workers while a --upload-mb file is uploaded to a hot store in a bucket (target < 100 MB)
3. what each S3 client adds to a process once imported and connected, obstore (eventflow's) and boto3 (the other
   kept client), each in a fresh interpreter that first imports the web app as a worker has it

The S3 server is moto's (``tests/support/s3server.py``, from PyPI: ``pip install -e '.[test]'``), on this machine: both
sides pay for the same server. The archive is timed in-process (``StorageService.archive``, what ``eventflow
archive`` runs after starting up); the two sides alternate, and each keeps its best of the rounds.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from common import ROOT, eventflow_env, memory_mb, served, worker_pids

sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.support.s3server import S3Server, s3_server

MB = 1_000_000
MIB = 1024 * 1024
ROUNDS = 2
#: The mix of a night's files: (share of the bytes, size of one file, extension).
MIX = ((0.70, 300 * MIB, "mp4"), (0.20, 40 * MIB, "pdf"), (0.08, 6 * MIB, "jpg"), (0.02, 300 * 1024, "png"))
MAGIC = {
    "mp4": b"\x00\x00\x00\x18ftypisom",
    "pdf": b"%PDF-1.7\n",
    "jpg": b"\xff\xd8\xff\xe0",
    "png": b"\x89PNG\r\n\x1a\n",
}


def make_files(folder: Path, total: int) -> list[Path]:
    """Files of the mix, ``total`` bytes in all, random bytes behind each type's first bytes."""
    folder.mkdir()
    files = []
    for share, size, ext in MIX:
        count = max(1, round(total * share / size))
        for _ in range(count):
            path = folder / f"{uuid.uuid4().hex[:8]}.{ext}"
            with path.open("wb") as out:
                out.write(MAGIC[ext])
                left = size - len(MAGIC[ext])
                while left:
                    block = os.urandom(min(8 * MIB, left))
                    out.write(block)
                    left -= len(block)
            files.append(path)
    return files


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# -- 1: archive vs the client's own put -------------------------------------------------------------------------------
def archive_seconds(work: Path, server: S3Server, files: list[Path]) -> float:
    """Upload the files to a fresh eventflow (hot folder), then time archiving them to a fresh bucket."""
    from eventflow.bootstrap import bootstrap
    from eventflow.config import Settings

    data = work / f"data-{uuid.uuid4().hex[:6]}"
    settings = Settings.from_env(
        {
            "EVENTFLOW_DATA_DIR": str(data),
            "EVENTFLOW_MAX_UPLOAD_MB": "600",
            "EVENTFLOW_QUOTA_GB": "100",
            "EVENTFLOW_COLD_URL": server.url(server.new_bucket(), "cold"),
        }
    )
    services = bootstrap(settings)
    bar = services.bars.add(None, "Bench bar")
    event = services.events.create(None, "Bench night", "2020-01-01", [bar.id or 0]).summary.event
    slot = services.events.add_slot(None, event.id or 0, "Files")
    for path in files:
        with path.open("rb") as f:
            services.assets.upload_version(None, slot.id or 0, path.name, f)
    plan = services.storage.archive_plan()
    started = time.perf_counter()
    summary = services.storage.archive(None, plan)
    elapsed = time.perf_counter() - started
    if summary.problems or summary.files != len(files):
        raise RuntimeError(f"the archive did not finish: {summary.problems}")
    shutil.rmtree(data)
    return elapsed


def client_put_seconds(server: S3Server, files: list[Path]) -> float:
    import obstore

    from eventflow.adapters.s3store import s3_client
    from eventflow.config import BucketUrl

    store = s3_client(BucketUrl.parse(server.url(server.new_bucket()), "EVENTFLOW_COLD_URL")).store
    started = time.perf_counter()
    for path in files:
        obstore.put(store, f"ref/{path.name}", path)
    return time.perf_counter() - started


# -- 3: each client's own weight -------------------------------------------------------------------------------------
CLIENT_COST = """
import sys
from pathlib import Path
def rss():
    return int(next(l for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmRSS:")).split()[1])
import eventflow.entrypoints.web.server, eventflow.adapters.translations
before = rss()
if sys.argv[1] == "obstore":
    from eventflow.adapters.s3store import connect
    from eventflow.config import BucketUrl
    connect(BucketUrl.parse(sys.argv[2], "EVENTFLOW_HOT_URL"), "hot").size("00/" + "0" * 32)
else:
    import boto3
    client = boto3.client("s3", endpoint_url=sys.argv[3], region_name="us-east-1")
    client.head_bucket(Bucket=sys.argv[4])
print(rss() - before)
"""


def client_cost_mb(server: S3Server, client: str) -> float:
    """The resident memory ``client`` adds to a process holding the web app, connected and having asked once."""
    bucket = server.new_bucket()
    env = {**os.environ, **server.env, "PYTHONPATH": str(ROOT / "src")}
    args = [sys.executable, "-c", CLIENT_COST, client, server.url(bucket), server.endpoint, bucket]
    return int(subprocess.run(args, env=env, check=True, capture_output=True, text=True).stdout) / 1024


# -- 2: memory of an upload to a hot store in a bucket ---------------------------------------------------------------
def upload(url: str, token: str, slot_id: int, path: Path) -> None:
    """Stream a multipart body from the file (never all in memory)."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=600)
    conn.putrequest("POST", f"/api/deliverables/{slot_id}/versions")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + path.stat().st_size + len(tail)))
    conn.endheaders()
    conn.send(head)
    with path.open("rb") as f:
        while block := f.read(MIB):
            conn.send(block)
    conn.send(tail)
    resp = conn.getresponse()
    body = resp.read()
    if resp.status != 201:
        raise RuntimeError(f"upload answered {resp.status}: {body!r}")


def hot_bucket_peak(work: Path, server: S3Server, size: int) -> tuple[float, float, float]:
    """The server workers' resident memory once started, after a first upload of ``size`` bytes, and their peak
    over a second one."""
    from common import eventflow

    big = work / "big.zip"  # no preview is made of a zip: only the upload is measured
    with big.open("wb") as out:
        out.write(b"PK\x03\x04")
        left = size - 4
        while left:
            block = os.urandom(min(8 * MIB, left))
            out.write(block)
            left -= len(block)
    env = eventflow_env(
        work / "hot-data",
        EVENTFLOW_HOT_URL=server.url(server.new_bucket(), "hot"),
        EVENTFLOW_MAX_UPLOAD_MB="600",
        **server.env,
    )
    eventflow(env, "user", "add", "bench@bars.fr", "--name", "Bench", "--role", "admin", "--password", "bench pass 1")
    eventflow(env, "bar", "add", "Bench bar")
    eventflow(env, "template", "add", "Clip", "--specs", "mp4", "--default")
    eventflow(env, "event", "create", "Bench night", "--date", "2030-01-01", "--bar", "Bench bar")
    token = eventflow(env, "token", "create", "bench@bars.fr").strip()
    card = json.loads(eventflow(env, "event", "show", "1", "--json"))
    slot_id = card["deliverables"][0]["id"]
    with served(env, work / "server.log") as (url, process):
        workers = worker_pids(process.pid)
        fresh = max(memory_mb(pid) for pid in workers)
        upload(url, token, slot_id, big)  # a first one, so every worker has warmed up the same way
        before = max(memory_mb(pid) for pid in workers)
        upload(url, token, slot_id, big)
        peak = max(memory_mb(pid, "VmHWM") for pid in workers)
    return fresh, before, peak


def line(name: str, value: str, reference: str, target: str, ok: bool) -> None:
    print(f"{name:<38} {value:>14}   {reference:<30} target {target:<9} {'OK' if ok else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=2048, help="bytes archived, in MiB (mixed files)")
    parser.add_argument("--upload-mb", type=int, default=500, help="size of the upload to the hot bucket (MiB)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="eventflow-bench-s3-"))
    try:
        with s3_server(log=work / "s3.log") as server, environment(server.env):
            files = make_files(work / "files", args.size_mb * MIB)
            total = sum(p.stat().st_size for p in files)
            ours, theirs = [], []
            for _ in range(ROUNDS):
                theirs.append(client_put_seconds(server, files))
                ours.append(archive_seconds(work, server, files))
            ours_mbs, theirs_mbs = total / min(ours) / MB, total / min(theirs) / MB
            fresh, before, peak = hot_bucket_peak(work, server, args.upload_mb * MIB)
            costs = {client: client_cost_mb(server, client) for client in ("obstore", "boto3")}
        print(
            f"\neventflow object storage benchmark — {os.cpu_count()} CPUs, {len(files)} files, {total / MB:.0f} MB\n"
        )
        line("archive to the S3 server", f"{ours_mbs:.0f} MB/s", f"obstore put {theirs_mbs:.0f} MB/s",
             ">= 0.8x", ours_mbs >= 0.8 * theirs_mbs)  # fmt: skip
        print(f"{'':<38} {ours_mbs / theirs_mbs:>13.2f}x")
        idle = f"idle {fresh:.0f} MB, {before:.0f} after one"
        line(f"worker peak RSS, {args.upload_mb} MiB to S3 hot", f"{peak:.0f} MB", idle, "< 100 MB", peak < 100)
        print(f"{'S3 client in a worker (obstore)':<38} {costs['obstore']:>11.0f} MB   boto3 {costs['boto3']:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
