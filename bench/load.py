"""Load test: clients mixing pages, API reads and uploads against ``eventflow serve``, on SQLite and PostgreSQL;
each figure printed beside its target, PASS or FAIL.

    .venv/bin/python bench/load.py [--clients 20] [--seconds 60] [--database-url URL ...]

For each database: a fresh data folder, the demo data (``eventflow demo``) and ``eventflow serve`` as a real
subprocess (gunicorn: a process per core, eight threads each). ``--database-url`` (repeatable; ``sqlite`` for a
SQLite file in the data folder) chooses the databases; by default SQLite, plus PostgreSQL when
``EVENTFLOW_TEST_POSTGRES_URL`` is set. On a database server, each run creates a throwaway database next to the one
the URL names (which is never touched) and drops it at the end.

Every client is a process of its own (one interpreter lock each, so what is measured is the server, not clients
queueing in one interpreter) with a keep-alive connection, looping over a weighted mix: the month calendar and an
event card (pages, with a session cookie), ``GET /api/events`` and ``GET /api/events/{id}`` (a bearer token), and
uploads of 1-8 MB as new versions of a few slots (multipart ``POST /api/deliverables/{id}/versions``; several
clients upload to the same slot at once).

Printed: requests per second; p50/p95/p99 of reads (pages and API) and of uploads; 5xx answers; transport errors
(refused, reset, timed out). A 429 or 503 with ``Retry-After`` is a server shedding load as designed: it is
counted apart, and the client waits as told (at most 2 s) and goes on. After the run, each slot's versions on the
event card are checked against the uploads' 201 answers: every answered version is on the card, no number twice,
numbers consecutive from 1, as many new versions as 201s.

Targets: 0 5xx, 0 transport errors, 0 lost or duplicated versions, reads p99 <= 500 ms while uploads run.
The exit status is 1 when any target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import math
import os
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from common import eventflow, eventflow_env, served

READ_P99_TARGET_MS = 500
#: How often each kind of request is picked.
MIX = {"calendar page": 3, "event card page": 3, "api events": 2, "api event card": 2, "upload": 2}
READS = [kind for kind in MIX if kind != "upload"]
UPLOAD_SLOTS = 4
MB = 1024 * 1024
REQUEST_TIMEOUT = 60
#: The longest a client waits when told to come back later (``Retry-After``).
LONGEST_WAIT = 2.0
TRANSPORT_ERROR = 0

#: One answer: (kind, seconds, status or TRANSPORT_ERROR, detail): the detail is (slot, version, asset id) for a
#: 201 upload, the error's name for a transport error, "retry" for a 429/503 with Retry-After, else None.
Answer = tuple[str, float, int, Any]


# -- the databases -------------------------------------------------------------------------------------------------
@contextmanager
def throwaway(database: str, folder: Path) -> Iterator[str]:
    """A new, empty database: a SQLite file in ``folder``, or one created beside the server URL's, dropped on exit."""
    if database == "sqlite":
        yield f"sqlite:///{folder / 'eventflow.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"eventflow_load_{uuid.uuid4().hex[:12]}"
    server = create_engine(database, isolation_level="AUTOCOMMIT")
    mysql = server.dialect.name in ("mysql", "mariadb")
    try:
        with server.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {name}" + (" CHARACTER SET utf8mb4" if mysql else "")))
        try:
            yield make_url(database).set(database=name).render_as_string(hide_password=False)
        finally:
            with server.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name}" + ("" if mysql else " WITH (FORCE)")))
    finally:
        server.dispose()


def backend_name(database: str) -> str:
    return database if database == "sqlite" else database.split(":", 1)[0].split("+", 1)[0]


# -- what the clients ask for ----------------------------------------------------------------------------------------
def api(url: str, token: str, path: str) -> Any:
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"GET {path} answered {resp.status}: {body[:300]!r}")
        return json.loads(body)
    finally:
        conn.close()


def log_in(url: str, email: str, password: str) -> str:
    """The session cookie (pages are read as a person in a browser would)."""
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=REQUEST_TIMEOUT)
    try:
        body = json.dumps({"email": email, "password": password})
        conn.request("POST", "/api/session", body, {"Content-Type": "application/json"})
        resp = conn.getresponse()
        resp.read()
        cookies = [c.split(";", 1)[0] for c in resp.headers.get_all("Set-Cookie") or []]
        session = [c for c in cookies if "session" in c.split("=", 1)[0]]
        if resp.status not in (200, 201) or not session:
            raise RuntimeError(f"logging in answered {resp.status} without a session cookie")
        return "; ".join(session)
    finally:
        conn.close()


def plan(url: str, token: str) -> dict[str, Any]:
    """The month shown, the events read, and the slots uploaded to (with the versions they already had)."""
    today = dt.date.today()
    month = today.replace(day=1)
    end = month + dt.timedelta(days=62)
    events = api(url, token, f"/api/events?from={month}&to={end}")
    cards = [api(url, token, f"/api/events/{e['id']}") for e in events]
    slots = [s for card in cards for s in card["deliverables"] if s["enabled"]][:UPLOAD_SLOTS]
    if len(slots) < UPLOAD_SLOTS:
        raise RuntimeError(f"the demo data has {len(slots)} enabled slots from {month} to {end}")
    return {
        "reads": {
            "calendar page": [f"/calendar?view=month&date={month}"],
            "event card page": [f"/events/{e['id']}" for e in events],
            "api events": [f"/api/events?from={month}&to={end}"],
            "api event card": [f"/api/events/{e['id']}" for e in events],
        },
        "slots": {s["id"]: {"event_id": s["event_id"], "before": s["versions"]} for s in slots},
    }


# -- one client ----------------------------------------------------------------------------------------------------
def client(job: dict[str, Any]) -> list[Answer]:
    """Child process: the mix until ``stop_at``, one keep-alive connection (reopened after an error)."""
    rng = random.Random(job["seed"])
    filler = rng.randbytes(8 * MB)
    host = job["url"].removeprefix("http://")
    conn = http.client.HTTPConnection(host, timeout=REQUEST_TIMEOUT)
    answers: list[Answer] = []
    kinds, weights = list(MIX), list(MIX.values())
    while time.time() < job["stop_at"]:
        kind = rng.choices(kinds, weights)[0]
        if kind == "upload":
            slot = rng.choice(job["slots"])
            method, path = "POST", f"/api/deliverables/{slot}/versions"
            body, headers = upload_body(filler[: rng.randint(1, 8) * MB], job["token"])
        else:
            method, path, body = "GET", rng.choice(job["reads"][kind]), None
            headers = (
                {"Cookie": job["cookie"]} if kind.endswith("page") else {"Authorization": f"Bearer {job['token']}"}
            )
        began = time.perf_counter()
        try:
            conn.request(method, path, body, headers)
            resp = conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            answers.append((kind, time.perf_counter() - began, TRANSPORT_ERROR, type(exc).__name__))
            conn.close()
            continue
        seconds = time.perf_counter() - began
        answers.append((kind, seconds, resp.status, detail(kind, resp, data, path)))
        if answers[-1][3] == "retry":
            time.sleep(min(float(resp.headers["Retry-After"]), LONGEST_WAIT))
            conn.close()  # the server may close an idle keep-alive connection meanwhile
    conn.close()
    return answers


def upload_body(payload: bytes, token: str) -> tuple[bytes, dict[str, str]]:
    """A zip-looking file (no preview is made for zips) unique to this upload, as multipart."""
    boundary = uuid.uuid4().hex
    name = f"load-{uuid.uuid4().hex[:8]}.zip"
    body = b"".join(
        [
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'.encode(),
            b"Content-Type: application/zip\r\n\r\nPK\x03\x04",
            uuid.uuid4().bytes,
            payload,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    return body, headers


def detail(kind: str, resp: http.client.HTTPResponse, data: bytes, path: str) -> Any:
    if resp.status in (429, 503) and resp.headers.get("Retry-After", "").isdigit():
        return "retry"
    if kind == "upload" and resp.status == 201:
        answer = json.loads(data)
        return (int(path.split("/")[3]), answer["version"], answer["asset_id"])
    return None


# -- one run -------------------------------------------------------------------------------------------------------
def run(database: str, args: argparse.Namespace, work: Path) -> bool:
    folder = work / f"{backend_name(database)}-{uuid.uuid4().hex[:6]}"
    folder.mkdir()
    with throwaway(database, folder) as database_url:
        env = eventflow_env(folder / "data", database_url)
        email, password = re.findall(r"Log in as (\S+) with the password: (\S+)", eventflow(env, "demo"))[0]
        token = eventflow(env, "token", "create", email).strip()
        with served(env, folder / "server.log") as (url, _):
            seen = plan(url, token)
            job = {"url": url, "token": token, "cookie": log_in(url, email, password), "reads": seen["reads"],
                   "slots": list(seen["slots"])}  # fmt: skip
            with ProcessPoolExecutor(args.clients) as pool:
                began = time.monotonic()
                stop_at = time.time() + args.seconds
                jobs = [{**job, "seed": n, "stop_at": stop_at} for n in range(args.clients)]
                answers = [a for mine in pool.map(client, jobs) for a in mine]
                elapsed = time.monotonic() - began
            cards = {s: card_versions(url, token, v["event_id"], s) for s, v in seen["slots"].items()}
    print(f"\n{backend_name(database)}: {args.clients} clients for {args.seconds:.0f} s, {os.cpu_count()} CPUs")
    timings_ok = report_timings(answers, elapsed)
    versions_ok = report_versions(answers, seen["slots"], cards)
    return timings_ok and versions_ok


def card_versions(url: str, token: str, event_id: int, slot_id: int) -> list[dict[str, Any]]:
    card = api(url, token, f"/api/events/{event_id}")
    return list(next(s for s in card["deliverables"] if s["id"] == slot_id)["versions"])


# -- report --------------------------------------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` percent of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def spread(values: list[float]) -> str:
    if not values:
        return "none"
    p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
    return f"{len(values):>6}  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  p99 {p99:6.0f} ms"


def verdict(name: str, ok: bool, figure: str) -> bool:
    print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure}")
    return ok


def report_timings(answers: list[Answer], elapsed: float) -> bool:
    answered = [a for a in answers if a[2] != TRANSPORT_ERROR]
    print(f"  {len(answers)} requests, {len(answers) / elapsed:.1f} req/s")
    for kind in MIX:
        mine = [a for a in answered if a[0] == kind]
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(Counter(a[2] for a in mine).items()))
        print(f"    {kind:<16} {spread([a[1] for a in mine])}   ({statuses})")
    reads = [a[1] for a in answered if a[0] in READS and 200 <= a[2] < 300]
    uploads = [a[1] for a in answered if a[0] == "upload" and a[2] == 201]
    print(f"    {'all reads':<16} {spread(reads)}")
    print(f"    {'uploads (201)':<16} {spread(uploads)}")
    retries = [a for a in answered if a[3] == "retry"]
    if retries:
        print(f"    asked to come back later (429/503 with Retry-After): {len(retries)}")
    errors = [a for a in answered if a[2] >= 500 and a[3] != "retry"]
    transport = Counter(f"{a[0]} {a[3]}" for a in answers if a[2] == TRANSPORT_ERROR)
    read_p99 = percentile(reads, 99) * 1000 if reads else float("inf")
    errors_by_kind = dict(Counter(f"{a[0]} {a[2]}" for a in errors))
    return all(  # a list, not a generator: every verdict is printed
        [
            verdict("0 5xx", not errors, f"{len(errors)} {errors_by_kind}"),
            verdict("0 transport errors", not transport, f"{sum(transport.values())} {dict(transport)}"),
            verdict(f"reads p99 <= {READ_P99_TARGET_MS} ms", read_p99 <= READ_P99_TARGET_MS, f"{read_p99:.0f} ms"),
        ]
    )


def report_versions(
    answers: list[Answer], slots: dict[int, dict[str, Any]], cards: dict[int, list[dict[str, Any]]]
) -> bool:
    """Each slot's card against the 201 answers: none lost, none twice, consecutive, one new version per 201."""
    answered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for kind, _, status, found in answers:
        if kind == "upload" and status == 201:
            answered[found[0]].append((found[1], found[2]))
    problems = []
    for slot, card in cards.items():
        numbers = [v["version"] for v in card]
        on_card = {v["asset_id"] for v in card}
        mine = answered[slot]
        new = len(card) - len(slots[slot]["before"])
        lost = [n for n, asset in mine if asset not in on_card]
        twice = sorted(n for n, times in Counter(n for n, _ in mine).items() if times > 1)
        if lost:
            problems.append(f"slot {slot}: {len(lost)} answered versions missing from the card: {lost[:10]}")
        if twice:
            problems.append(f"slot {slot}: {len(twice)} version numbers answered more than once, e.g. {twice[:10]}")
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            extra = len(numbers) - len(set(numbers))
            problems.append(f"slot {slot}: the card's {len(numbers)} versions are not 1..{len(numbers)} "
                            f"({extra} numbers repeated): {sorted(numbers)[:20]}…")  # fmt: skip
        if new != len(mine):
            problems.append(f"slot {slot}: {new} new versions on the card for {len(mine)} answers 201")
        print(f"    slot {slot}: {len(mine)} uploads answered 201, versions now 1..{max(numbers, default=0)}")
    for problem in problems:
        print(f"        {problem}")
    return verdict("0 lost or duplicated versions", not problems, f"{len(problems)} problems")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url", action="append", help="repeatable; 'sqlite' for SQLite (default: see above)")
    args = parser.parse_args()
    databases = args.database_url or ["sqlite", *filter(None, [os.environ.get("EVENTFLOW_TEST_POSTGRES_URL")])]
    work = Path(tempfile.mkdtemp(prefix="eventflow-bench-load-"))
    try:
        results = {database: run(database, args, work) for database in databases}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    for database, ok in results.items():
        print(f"{backend_name(database)}: {'PASS' if ok else 'FAIL'}")
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
