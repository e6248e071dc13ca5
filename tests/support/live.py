"""Start and stop ``tests.support.live_server`` in a subprocess on a free localhost port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from attrs import frozen

ROOT = Path(__file__).resolve().parents[2]


@frozen
class LiveServer:
    url: str
    token: str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_until_up(url: str, token_file: Path, process: subprocess.Popen[bytes], timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the live server exited with {process.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/api/openapi.json", timeout=1).close()
            return token_file.read_text()
        time.sleep(0.1)
    raise RuntimeError("the live server did not start in time")


@contextlib.contextmanager
def live_server(data_dir: Path, backend: str = "memory", language: str = "fr") -> Iterator[LiveServer]:
    """``language``: the seeded admin's (whose token the test holds), so the answers' texts are in it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env["EVENTFLOW_TEST_ADMIN_LANGUAGE"] = language
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.support.live_server", str(port), str(data_dir), backend],
        cwd=ROOT,
        env=env,
        stdout=(data_dir / "access.log").open("wb"),  # gunicorn's access log: one line per answered request
        stderr=(data_dir / "server.log").open("wb"),
    )
    try:
        yield LiveServer(url, _wait_until_up(url, data_dir / "token", process), process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
