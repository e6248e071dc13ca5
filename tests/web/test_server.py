"""``eventflow serve``'s server: gunicorn with threads, long timeouts, a graceful stop."""

from __future__ import annotations

import json
import signal
import urllib.request
from pathlib import Path

import pytest

from eventflow.bootstrap import Services
from eventflow.config import Settings
from eventflow.entrypoints.web.server import REQUEST_TIMEOUT_SECONDS, server_options
from tests.web.live import live_server


def test_a_500_mb_upload_at_1_mb_per_second_fits_in_the_timeout() -> None:
    assert REQUEST_TIMEOUT_SECONDS >= 500


def test_options_use_threads_and_trust_the_proxy_only_when_told(services: Services, settings: Settings) -> None:
    options = server_options(services, "::1", 8080)
    assert options["bind"] == "[::1]:8080"
    assert options["worker_class"] == "gthread" and options["threads"] > 1
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
