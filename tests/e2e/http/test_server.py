"""``eventflow serve``'s server: gunicorn with threads, long timeouts, a graceful stop."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from gunicorn.workers.gthread import ThreadWorker

from eventflow.bootstrap import Services
from eventflow.config import Settings
from eventflow.entrypoints.web.server import REQUEST_TIMEOUT_SECONDS, server_options
from tests.support.live import free_port, live_server


def test_a_500_mb_upload_at_1_mb_per_second_fits_in_the_timeout() -> None:
    assert REQUEST_TIMEOUT_SECONDS >= 500


def test_options_use_threads_and_trust_the_proxy_only_when_told(services: Services, settings: Settings) -> None:
    options = server_options(services, "::1", 8080)
    assert options["bind"] == "[::1]:8080"
    assert issubclass(options["worker_class"], ThreadWorker) and options["threads"] > 1
    assert options["worker_class"].idle_timeout == settings.body_timeout_seconds == 30
    assert options["forwarded_allow_ips"] == ""
    services.settings = Settings.from_env(
        {"EVENTFLOW_DATA_DIR": str(settings.data_dir), "EVENTFLOW_TRUST_FORWARDED_PROTO": "yes"}
    )
    assert server_options(services, "127.0.0.1", 8080)["forwarded_allow_ips"] == "127.0.0.1,::1"


@pytest.mark.slow
def test_the_server_answers_and_stops_gracefully(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        request = urllib.request.Request(f"{server.url}/api/me", headers={"Authorization": f"Bearer {server.token}"})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert json.load(resp)["email"] == "ada@bars.fr"
            assert resp.headers["X-Content-Type-Options"] == "nosniff"
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=30) == 0
    assert "Traceback" not in (tmp_path / "server.log").read_text()


@pytest.mark.slow
def test_the_readme_gunicorn_command_serves_the_wsgi_module(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "EVENTFLOW_DATA_DIR": str(tmp_path),
        "EVENTFLOW_TRUST_FORWARDED_PROTO": "1",
        "EVENTFLOW_BODY_TIMEOUT_SECONDS": "1",
    }
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        *("--worker-class", "eventflow.entrypoints.web.worker.SlowClientWorker"),
        *("--workers", "2", "--threads", "8", "--timeout", "600"),
        *("--graceful-timeout", "30", "--forwarded-allow-ips", "127.0.0.1", "--bind", f"127.0.0.1:{port}"),
        "eventflow.entrypoints.web.wsgi:application",
    ]
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/session",
            data=json.dumps({"email": "nobody@bars.fr", "password": "wrong password"}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
        )
        # Up once /api/me answers (401: nobody logged in); a login retried on a slow start would count as guesses.
        wait_for(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/api/me", timeout=2))
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.status == 401  # a real answer from the app, on a fresh SQLite database
        with socket.create_connection(("127.0.0.1", port), timeout=5) as stalled:
            stalled.sendall(
                b"POST /api/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"
            )
            assert stalled.recv(100).startswith(b"HTTP/1.1 408")  # the worker's body timeout, from the environment
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=40) == 0
    assert (tmp_path / "eventflow.db").exists()


def wait_for(call: Callable[[], object], timeout: float = 30) -> urllib.error.HTTPError:
    """The HTTP error ``call`` raises once the server is up (connection refusals are retried)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            call()
        except urllib.error.HTTPError as answer:
            return answer
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
        else:
            raise AssertionError("expected an error status")


def test_one_process_per_core_on_a_database_but_one_for_the_in_memory_fakes(
    services: Services, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from eventflow.bootstrap import bootstrap
    from eventflow.entrypoints.web import server

    monkeypatch.setattr(server.os, "cpu_count", lambda: 2)
    assert server_options(services, "127.0.0.1", 8000)["workers"] == 1
    on_sqlite = bootstrap(settings)
    assert server_options(on_sqlite, "127.0.0.1", 8000)["workers"] == 2
    monkeypatch.setattr(server.os, "cpu_count", lambda: 64)
    assert server_options(on_sqlite, "127.0.0.1", 8000)["workers"] == server.MAX_WORKERS


def test_the_access_log_keeps_feed_requests_without_their_secret() -> None:
    """A calendar feed's address is its only key: anyone reading the server's log could subscribe with it."""
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from eventflow.entrypoints.web.server import AccessLogger

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/feeds/s3cr3t-Feed_Key.ics?x=1",
        "PATH_INFO": "/feeds/s3cr3t-Feed_Key.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
    }
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    atoms = AccessLogger(Config()).atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    assert "s3cr3t" not in atoms["r"] and "s3cr3t" not in atoms["U"]
    assert atoms["r"] == "GET /feeds/….ics?x=1 HTTP/1.1"
    other = dict(environ, RAW_URI="/api/events/3", PATH_INFO="/api/events/3")
    assert AccessLogger(Config()).atoms(resp, SimpleNamespace(headers=[]), other, timedelta(0))["U"] == "/api/events/3"
