"""The real ``eventflow serve`` (gunicorn master and workers) in its own process group on a seeded SQLite data folder,
and the real ``eventflow`` command line beside it, for tests that ``kill -9`` them.

The folder is seeded as ``tests.support.live_server`` (an admin, a member, a bar with a Cube LED screen, a night with a
"Poster A3" slot 1 and a "Cube LED" slot 2). Settings go to every process through the environment, as in production.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from attrs import frozen

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from tests.support.live import ROOT, free_port
from tests.support.live_server import seed

CLI = [sys.executable, "-c", "from eventflow.entrypoints.cli import main; main()"]


@frozen
class Site:
    """A seeded data folder, the settings every process of the test gets, and API tokens of its two people."""

    data_dir: Path
    env: dict[str, str]
    admin_token: str
    member_token: str

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.env)


@frozen
class Server:
    url: str
    process: subprocess.Popen[bytes]


def make_site(data_dir: Path, **settings: str) -> Site:
    env = {"EVENTFLOW_DATA_DIR": str(data_dir), **settings}
    services = bootstrap(Settings.from_env(env), hasher=Argon2Hasher(fast=True))
    admin_token = seed(services)
    member_token = services.users.create_token(None, "max@bars.fr")
    services.database.dispose()  # type: ignore[attr-defined]
    return Site(data_dir, env, admin_token, member_token)


def process_env(site: Site) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, **site.env, "PYTHONPATH": path}


def eventflow(site: Site, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run one ``eventflow`` command to its end; stdout and stderr together."""
    return subprocess.run(
        [*CLI, *args], env=process_env(site), capture_output=True, text=True, timeout=timeout, check=False
    )


def start_eventflow(site: Site, *args: str) -> subprocess.Popen[bytes]:
    """An ``eventflow`` command running on its own, in its own process group (its output in ``cli.log``)."""
    log = (site.data_dir / "cli.log").open("ab")
    return subprocess.Popen(
        [*CLI, *args], env=process_env(site), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


@contextlib.contextmanager
def serve(site: Site) -> Iterator[Server]:
    """``eventflow serve`` until the block ends (SIGTERM), unless the test killed it first."""
    port = free_port()
    process = start_eventflow(site, "serve", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Server(url, process)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                kill_9(process)


def kill_9(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the whole process group (a server's master and its workers), as a crash or the OOM killer would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"eventflow serve exited with {process.returncode}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"{url}/api/openapi.json", timeout=1).close()
            return
        time.sleep(0.1)
    raise RuntimeError("eventflow serve did not start in time")


def wait_for(found: Callable[[], object], what: str, timeout: float = 30) -> None:
    """Poll ``found()`` (truthy when it is there) every millisecond."""
    deadline = time.monotonic() + timeout
    while not found():
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.001)
