"""A read command answers at once: it loads only the code it uses (never the web server, Pillow, the demo data or
Alembic on an up-to-date database), and every command stays reachable."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.entrypoints.cli import COMMANDS, cli

#: What a read command has no use for; each costs more to load than the command takes to run.
NOT_FOR_READS = (
    "falcon",
    "gunicorn",
    "jinja2",
    "PIL",
    "av",
    "pypdfium2",
    "alembic",
    "babel",  # an English reader's texts are the catalogs' msgids: no catalog to read
    "boto3",
    "botocore",
    "obstore",
    "nh3",
    "argon2",
    "icalendar",
    "eventflow.demo",
    "eventflow.entrypoints.web",
    "eventflow.adapters.blobstore",  # the file-side adapters are made on first use: a read stores no file
    "eventflow.adapters.leases",
    "eventflow.adapters.resumable",
    "eventflow.core.services.assets",
    "eventflow.core.services.storage",
    "sqlalchemy.dialects.mysql",  # a SQLite or PostgreSQL start loads no other dialect's types or options
    "sqlalchemy.dialects.postgresql",
)
READS = [["event", "list"], ["event", "show", "1"], ["bar", "list"], ["bar", "list", "--json"], ["db", "status"]]

#: Runs the read commands through Click in a fresh interpreter and reports their outputs and the modules loaded.
PROBE = """
import json, sys
from click.testing import CliRunner
from eventflow.entrypoints.cli import cli
results = [CliRunner().invoke(cli, args) for args in json.loads(sys.argv[1])]
print(json.dumps({"results": [[r.exit_code, r.output] for r in results], "loaded": sorted(sys.modules)}))
"""


def seeded_data_dir(folder: Path) -> Path:
    """A SQLite data folder, migrated, with a bar and a night on it."""
    services = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": str(folder)}), hasher=Argon2Hasher(fast=True))
    bar = services.bars.add(None, "Le Comptoir", "Lyon")
    services.events.create(None, "Nuit Disco", services.clock.today(), [bar.id or 0])
    services.database.dispose()  # type: ignore[attr-defined]
    return folder


def cli_env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "EVENTFLOW_DATA_DIR": str(data_dir), "EVENTFLOW_LANGUAGE": "en"}
    env.pop("EVENTFLOW_DATABASE_URL", None)
    return env


def probe(data_dir: Path, reads: list[list[str]]) -> tuple[list[tuple[int, str]], list[str]]:
    """The exit code and output of each read, run in one fresh interpreter, and the modules it loaded."""
    arguments = [sys.executable, "-c", PROBE, json.dumps(reads)]
    done = subprocess.run(arguments, env=cli_env(data_dir), capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    return [(code, output) for code, output in report["results"]], report["loaded"]


def among(loaded: list[str], names: tuple[str, ...]) -> list[str]:
    return [module for module in loaded if any(module == name or module.startswith(f"{name}.") for name in names)]


def test_read_commands_load_neither_the_web_server_nor_pillow_nor_alembic(tmp_path: Path) -> None:
    results, loaded = probe(seeded_data_dir(tmp_path / "data"), READS)

    (listed, shown, bars, bars_json, status) = results
    assert all(code == 0 for code, _ in results), results
    assert "Nuit Disco" in listed[1] and "Nuit Disco" in shown[1] and "Le Comptoir" in bars[1]
    assert [bar["name"] for bar in json.loads(bars_json[1])] == ["Le Comptoir"]
    assert status[1].endswith("Up to date.\n")
    assert among(loaded, NOT_FOR_READS) == []


def test_db_status_reads_the_revision_without_the_services_or_the_tables(tmp_path: Path) -> None:
    results, loaded = probe(seeded_data_dir(tmp_path / "data"), [["db", "status"]])

    assert results[0][0] == 0 and results[0][1].endswith("Up to date.\n")
    services = ("eventflow.bootstrap", "eventflow.core.ports", "eventflow.core.services")
    assert among(loaded, (*services, "eventflow.adapters.sql.tables", "eventflow.adapters.sql.repositories")) == []


def test_every_command_module_is_reachable_by_its_names() -> None:
    for module_name in set(COMMANDS.values()):
        module = importlib.import_module(f"eventflow.entrypoints.cli.{module_name}")
        named_here = {name for name, where in COMMANDS.items() if where == module_name}
        assert {command.name for command in module.COMMANDS} == named_here


def test_help_lists_every_command() -> None:
    shown = CliRunner().invoke(cli, ["--help"]).stdout

    for name in COMMANDS:
        assert f"\n  {name} " in shown


def test_the_console_script_collects_garbage_again_once_the_services_are_built(tmp_path: Path) -> None:
    """``main`` pauses the collector for the start only: what runs after (a long command, the web server) collects."""
    env = cli_env(seeded_data_dir(tmp_path / "data"))
    after = "import atexit, gc; atexit.register(lambda: print('collecting', gc.isenabled(), gc.get_freeze_count() > 0))"
    script = f"{after}; from eventflow.entrypoints.cli import main; main()"

    done = subprocess.run(
        [sys.executable, "-c", script, "event", "list"], env=env, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert "Nuit Disco" in done.stdout
    assert done.stdout.endswith("collecting True True\n")
