"""Journey A through the installed ``eventflow`` console script, on a real SQLite database in a temp data folder."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventflow.core.clock import SystemClock

EVENTFLOW = Path(sys.executable).parent / "eventflow"

pytestmark = pytest.mark.slow


def eventflow(data_dir: Path, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EVENTFLOW_DATA_DIR": str(data_dir), "EVENTFLOW_TIMEZONE": "Europe/Paris"}
    env.pop("EVENTFLOW_DATABASE_URL", None)
    done = subprocess.run(
        [str(EVENTFLOW), *args], env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def test_journey_a_with_the_cli_alone(tmp_path: Path) -> None:
    data = tmp_path / "data"
    night = SystemClock("Europe/Paris").today() + dt.timedelta(days=10)
    month = night.strftime("%Y-%m")
    hardware = tmp_path / "comptoir.json"
    hardware.write_text(json.dumps({"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}]}))

    assert "Created the database" in eventflow(data, "db", "upgrade").stdout
    eventflow(data, "user", "add", "ada@bars.fr", "--name", "Ada", "--role", "admin", "--password", "correct horse")
    eventflow(data, "theme", "set", month, "Disco Fever")
    eventflow(data, "bar", "add", "Le Comptoir", "--location", "Lyon", "--hardware", f"@{hardware}")
    eventflow(
        data, "bar", "add", "La Cale", "--hardware", '{"screens": [{"kind": "cube_led", "specs": "768x768 mp4"}]}'
    )
    eventflow(data, "template", "add", "Poster A3", "--specs", "A3 PDF 300 dpi", "--default")
    eventflow(
        data, "template", "add", "Cube LED", "--specs", "1024x1024 mp4", "--default", "--hardware-kind", "cube_led"
    )
    eventflow(
        data, "event", "create", "Nuit Disco", "--date", night.isoformat(), "--bar", "Le Comptoir", "--bar", "La Cale"
    )

    shown = eventflow(data, "event", "show", "1").stdout
    assert shown.startswith(
        f"Nuit Disco | {night.isoformat()} | Le Comptoir, La Cale | Disco Fever | J-10 | health orange"
    )
    card = json.loads(eventflow(data, "event", "show", "1", "--json").stdout)
    assert [(d["name"], d["specs"], d["late"]) for d in card["deliverables"]] == [
        ("Poster A3", "A3 PDF 300 dpi", False),
        ("Cube LED", "1024x1024 mp4", False),
        ("Cube LED", "768x768 mp4", False),
    ]
    assert len(eventflow(data, "token", "create", "ada@bars.fr").stdout.strip()) > 20

    refused = eventflow(data, "bar", "add", "Le Comptoir", ok=False)
    assert refused.returncode == 1
    assert refused.stderr == "Error: a bar named 'Le Comptoir' already exists\n"
    assert [b["name"] for b in json.loads(eventflow(data, "bar", "list", "--json").stdout)] == [
        "La Cale",
        "Le Comptoir",
    ]


def test_first_start_seeds_once(tmp_path: Path) -> None:
    data = tmp_path / "data"

    first = eventflow(data, "demo", "--if-empty").stdout
    second = eventflow(data, "demo", "--if-empty").stdout

    assert "Log in as camille.durand@bars.example with the password:" in first
    assert "kept it as it is" in second
    assert eventflow(data, "demo", ok=False).returncode == 1


def test_a_demo_killed_halfway_leaves_an_empty_database_and_runs_again(tmp_path: Path) -> None:
    data = tmp_path / "data"
    eventflow(data, "db", "upgrade")
    env = {**os.environ, "EVENTFLOW_DATA_DIR": str(data)}
    env.pop("EVENTFLOW_DATABASE_URL", None)
    demo = subprocess.Popen([str(EVENTFLOW), "demo"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # The mock-up files come after the people, bars, templates, themes and first events: once one is stored,
        # the demo is well under way.
        deadline = time.monotonic() + 60
        while not any((data / "files").glob("??/*")) and demo.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert demo.poll() is None, "the demo ended before a file was stored"
        demo.kill()
    finally:
        demo.wait(timeout=30)
    assert demo.returncode == -signal.SIGKILL

    assert json.loads(eventflow(data, "user", "list", "--json").stdout) == []
    assert json.loads(eventflow(data, "bar", "list", "--json").stdout) == []
    assert json.loads(eventflow(data, "event", "list", "--json").stdout) == []
    assert "Log in as camille.durand@bars.example" in eventflow(data, "demo").stdout
