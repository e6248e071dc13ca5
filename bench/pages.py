"""Pages benchmark at realistic scale: each figure printed beside its target, in one run on this machine.

    .venv/bin/python bench/pages.py [--years 5] [--seconds 5]

Seeds a SQLite database with 10 bars, five years of nights (about 10 slots each, versions and comments, and the
activity the app records for them), serves it with gunicorn as ``eventflow serve`` runs it (a process per core, eight
threads each) in a child process, then measures with 8 concurrent keep-alive clients, all logged in with a session
cookie:

1. month calendar and event card requests per second vs a trivial route of the same server (target >= 0.2x)
2. p99 latency of each page with 8 concurrent clients (target <= 50 ms)
3. SQL statements per page, counted in this process with SQLAlchemy's ``before_cursor_execute`` (target <= 3),
   with where they come from.

Pages seen again while nothing changed come from the page cache (``pages/cache.py``); so that the cost of reading
and rendering stays visible, each page is also measured with a URL of its own per request (nothing cached, as the
first view after any change), printed without a target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
WARM_UP_SECONDS = 1.0
PASSWORD = "bench password 123"
TEMPLATES = [("Poster A3", "A3 PDF 300 dpi"), ("Flyer", "A6 PDF"), ("Story Instagram", "1080x1920 mp4"),
             ("Post Facebook", "1200x630 JPG"), ("Menu cocktails", "A4 PDF"), ("Playlist", "Spotify link"),
             ("Bâche", "3x1 m PDF"), ("Newsletter", "600 px HTML")]  # fmt: skip
SCREENS = [("cube_led", "Cube LED", "1024x1024 mp4"), ("door_led", "Door LED", "1920x320 mp4")]


def settings_for(data_dir: Path, database_url: str | None = None) -> Any:
    from eventflow.config import Settings

    database = {"EVENTFLOW_DATABASE_URL": database_url} if database_url else {}
    return Settings.from_env({"EVENTFLOW_DATA_DIR": str(data_dir), **database})


# -- seeding ----------------------------------------------------------------------------------------------------------
def seed(data_dir: Path, years: int, database_url: str | None = None) -> dict[str, Any]:
    """Bars, templates, users, nights over ``years`` years around today, their slots, versions and comments."""
    from eventflow.adapters.security import Argon2Hasher
    from eventflow.bootstrap import bootstrap
    from eventflow.core.model import Activity, Asset, Comment, Screen, Status

    services = bootstrap(settings_for(data_dir, database_url), hasher=Argon2Hasher(fast=True))
    rng = random.Random(7)
    admin = services.users.add(None, "bench@bars.fr", "Bench Admin", role="admin", password=PASSWORD)
    people = [admin] + [services.users.add(None, f"user{i}@bars.fr", f"User {i}", password=PASSWORD) for i in range(8)]
    bars = []
    for i in range(10):
        screens = [Screen(k, label, s) for k, label, s in SCREENS[: 1 + i % 2]]
        bars.append(services.bars.add(None, f"Bar {i + 1}", f"Paris {i + 1}", screens))
    for name, specs in TEMPLATES:
        services.templates.add(None, name, specs, is_default=True)
    for kind, label, specs in SCREENS:
        services.templates.add(None, label, specs, is_default=True, hardware_kind=kind)
    today = services.clock.today()
    start = today - dt.timedelta(days=365 * years // 2)
    day, count, now = start, 0, services.clock.now()
    while day < start + dt.timedelta(days=365 * years):
        for month_offset in range(0, 2):
            themed = (day.replace(day=1) + dt.timedelta(days=31 * month_offset)).strftime("%Y-%m")
            services.themes.set(None, themed, f"Thème {themed}")
        chosen = [b.id or 0 for b in rng.sample(bars, 1)]
        card = services.events.create(admin, f"Soirée {count}", day, chosen)
        event_id = card.summary.event.id or 0
        with services.uow() as uow:
            for view in card.slots:
                slot = view.slot
                for version in range(1, rng.randint(1, 3) + (day < today)):
                    who = rng.choice(people).id
                    asset = uow.assets.add(
                        Asset(event_id=event_id, filename=f"{slot.name} v{version}.pdf", content_type="application/pdf",
                              size=rng.randint(10**5, 10**7), sha256=f"{event_id:032x}{slot.id:016x}{version:016x}",
                              storage_key=f"bench/{event_id}/{slot.id}/{version}", uploaded_by=who,
                              created_at=now, deliverable_id=slot.id, version=version)
                    )  # fmt: skip
                    after = {"version": version, "filename": asset.filename, "status": "review"}
                    uow.activity.add(Activity("asset.version_added", "deliverable", slot.id, now, who, event_id,
                                              {"status": "todo"}, after))  # fmt: skip
                slot.status = rng.choice(list(Status)) if day >= today else Status.APPROVED
                uow.deliverables.update(slot)
            for n in range(rng.randint(1, 4)):
                author = rng.choice(people).id or 0
                text = f"Commentaire {n}"
                comment = uow.comments.add(Comment(event_id=event_id, author_id=author, text=text, created_at=now))
                uow.activity.add(Activity("comment.added", "comment", comment.id, now, author, event_id,
                                          after={"text": text, "deliverable_id": None, "parent_id": None}))  # fmt: skip
            uow.commit()
        count += 1
        day += dt.timedelta(days=rng.choice((1, 2, 2, 3)))
    with services.uow() as uow:
        middle = uow.events.list(today, today + dt.timedelta(days=30))[0]
    return {"events": count, "card_id": middle.id, "month": today.strftime("%Y-%m-01")}


# -- the server under test ---------------------------------------------------------------------------------------
def serve(data_dir: Path, port: int) -> None:
    from eventflow.bootstrap import bootstrap
    from eventflow.entrypoints.web.server import run

    run(bootstrap(settings_for(data_dir)), "127.0.0.1", port)


@contextmanager
def app_server(data_dir: Path) -> Iterator[str]:
    port = free_port()
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(data_dir), str(port)],
        cwd=ROOT, stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/login", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {data_dir / 'server.log'}") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(process)
        log.close()


def login(url: str) -> str:
    body = json.dumps({"email": "bench@bars.fr", "password": PASSWORD}).encode()
    request = urllib.request.Request(f"{url}/api/session", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        cookie = response.headers.get_all("Set-Cookie")
    session = next(c for c in cookie if c.startswith("eventflow_session="))
    return session.split(";", 1)[0]


# -- load --------------------------------------------------------------------------------------------------------------
def hammer(url: str, path: str, cookie: str, seconds: float, fresh: bool = False) -> tuple[float, list[float]]:
    """``CLIENTS`` keep-alive clients GET ``path`` for ``seconds``: (requests per second, latencies in seconds).
    With ``fresh``, every request asks for a URL of its own, so no page comes from the page cache: each is read and
    rendered, as the first view after a change is.

    Each client is a process of its own, so that the clients do not queue behind one another for one interpreter
    lock and what is measured is the server's latency. A first second of the same load is not counted: it warms
    every worker process up (its first request of a page loads that page's code paths)."""
    with ProcessPoolExecutor(CLIENTS) as pool:
        list(pool.map(client, [(url, path, cookie, time.time() + WARM_UP_SECONDS, fresh)] * CLIENTS))
        stop_at = time.time() + seconds
        began = time.monotonic()
        runs = list(pool.map(client, [(url, path, cookie, stop_at, fresh)] * CLIENTS))
        elapsed = time.monotonic() - began
    flat = [x for mine in runs for x in mine]
    return len(flat) / elapsed, flat


def client(job: tuple[str, str, str, float, bool]) -> list[float]:
    url, path, cookie, stop_at, fresh = job
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    latencies: list[float] = []
    mark = f"{'&' if '?' in path else '?'}fresh={os.getpid()}-"
    while time.time() < stop_at:
        began = time.perf_counter()
        conn.request("GET", f"{path}{mark}{len(latencies)}" if fresh else path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path} answered {response.status}")
        latencies.append(time.perf_counter() - began)
    conn.close()
    return latencies


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98]


# -- SQL statements per page -------------------------------------------------------------------------------------
def statements_per_page(data_dir: Path, paths: dict[str, str]) -> dict[str, tuple[list[str], list[str]]]:
    """The statements of each page's first view, then of a second view with nothing changed in between."""
    import falcon.testing
    from sqlalchemy import event

    from eventflow.bootstrap import bootstrap
    from eventflow.entrypoints.web.app import create_app

    services = bootstrap(settings_for(data_dir))
    client = falcon.testing.TestClient(create_app(services))
    login = client.simulate_post("/api/session", json={"email": "bench@bars.fr", "password": PASSWORD})
    headers = {"Cookie": f"eventflow_session={login.cookies['eventflow_session'].value}"}
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split())[:90])

    event.listen(services.database.engine, "before_cursor_execute", count)  # type: ignore[attr-defined]
    out = {}
    for name, path in paths.items():
        views = []
        for _ in range(2):
            seen.clear()
            assert client.simulate_get(path, headers=headers).status_code == 200
            views.append(list(seen))
        out[name] = (views[0], views[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--serve", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory(prefix="eventflow-bench-pages-") as tmp:
        data_dir = Path(tmp)
        began = time.monotonic()
        seeded = seed(data_dir, args.years)
        print(f"seeded {seeded['events']} events over {args.years} years in {time.monotonic() - began:.0f} s")
        pages = {
            "month calendar": f"/calendar?view=month&date={seeded['month']}",
            "event card": f"/events/{seeded['card_id']}",
        }
        with app_server(data_dir) as url:
            cookie = login(url)
            trivial_rps, trivial = hammer(url, "/manifest.webmanifest", cookie, args.seconds)
            print(f"trivial route (/manifest.webmanifest): {trivial_rps:.0f} req/s, p99 {p99(trivial) * 1000:.1f} ms")
            for name, path in pages.items():
                rps, latencies = hammer(url, path, cookie, args.seconds)
                ratio = rps / trivial_rps
                print(f"{name}: {rps:.0f} req/s = {ratio:.2f}x the trivial route (target >= 0.2x) "
                      f"{'OK' if ratio >= 0.2 else 'MISSED'}")  # fmt: skip
                late = p99(latencies) * 1000
                verdict = "OK" if late <= 50 else "MISSED"
                print(f"{name}: p99 {late:.1f} ms with {CLIENTS} clients (target <= 50 ms) {verdict}")
                rps, latencies = hammer(url, path, cookie, args.seconds, fresh=True)
                print(f"{name}, every view read and rendered (as after a change; no target): {rps:.0f} req/s = "
                      f"{rps / trivial_rps:.2f}x, p99 {p99(latencies) * 1000:.1f} ms")  # fmt: skip
        for name, (first, again) in statements_per_page(data_dir, pages).items():
            verdict = "OK" if len(first) <= 3 and len(again) <= 3 else "MISSED"
            print(
                f"{name}: {len(first)} SQL statements, {len(again)} when seen again unchanged (target <= 3) {verdict}"
            )
            for statement, times in Counter(first).items():
                print(f"    {times} x {statement}")


if __name__ == "__main__":
    main()
