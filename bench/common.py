"""Helpers shared by the benchmark scripts (run them as ``python bench/NAME.py``; this folder is on the path)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from eventflow.entrypoints.web.server import MAX_WORKERS

ROOT = Path(__file__).resolve().parents[1]
#: The ``eventflow`` console script, run by this interpreter with this checkout's sources.
EVENTFLOW = [sys.executable, "-c", "import sys; from eventflow.entrypoints.cli import main; sys.exit(main())"]


def free_port() -> int:
    """A TCP port nobody listens on right now, on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(process: subprocess.Popen[bytes], grace: float = 30) -> None:
    """Stop a server like its operator would (SIGTERM, a graceful wait), killing it only if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def eventflow_env(data_dir: Path, database_url: str | None = None, **settings: str) -> dict[str, str]:
    """The environment of an ``eventflow`` command on ``data_dir`` (and ``database_url``, else SQLite in it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTFLOW_")}
    env.update(PYTHONPATH=str(ROOT / "src"), EVENTFLOW_DATA_DIR=str(data_dir), **settings)
    if database_url:
        env["EVENTFLOW_DATABASE_URL"] = database_url
    return env


def eventflow(env: dict[str, str], *args: str) -> str:
    """Run one ``eventflow`` command to its end; what it printed."""
    done = subprocess.run([*EVENTFLOW, *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"eventflow {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


@contextmanager
def served(env: dict[str, str], log_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``eventflow serve`` on a free port (its URL and process) until the block ends; its output goes to the log."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*EVENTFLOW, "serve", "--port", str(port)], env=env, cwd=ROOT, stdout=log, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while not answers(f"{url}/login"):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not start; see {log_path}")
                time.sleep(0.2)
            yield url, process
        finally:
            stop(process)


def answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except OSError:
        return False
    return True


def worker_pids(master: int, timeout: float = 30) -> list[int]:
    """gunicorn's worker processes (the children of its master), once all of them have started: the app answers
    as soon as the first one is up, and one measured before its siblings exist misses the others' work."""
    expected = max(1, min(os.cpu_count() or 1, MAX_WORKERS))  # eventflow serve's rule on a database
    deadline = time.monotonic() + timeout
    while True:
        pids = [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
        if len(pids) >= expected or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)


def memory_mb(pid: int, field: str = "VmRSS") -> float:
    """A process's resident memory (``VmRSS``) or its peak (``VmHWM``), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(f"no {field} for process {pid}")
