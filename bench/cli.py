"""CLI start-up benchmark: read commands against starting the interpreter, in one run on this machine.

    .venv/bin/python bench/cli.py [--runs 15] [--nights 150]

Seeds a SQLite data folder (``eventflow demo``, plus a night every two or three days over a year), then runs each
read command as the ``eventflow`` console script does (a new interpreter, settings from the environment, the schema
check of every start) ``--runs`` times, rounds interleaved so that a busy spell of the machine weighs on every
figure alike. Printed for each: the median wall time, its ratio to ``python -c pass`` with the same interpreter, and
the target (every read command under 0.3 s); PASS or FAIL at the end, with exit code 1 on FAIL.

``python -c "import sqlalchemy"`` is printed too, without a target: most of what a command that reads the database
costs is loading the library it reads with (a command can land near that figure, as the console script pauses the
garbage collector while it starts and a bare ``import sqlalchemy`` does not).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 0.3
#: What the console script runs (``[project.scripts]``), so the figures do not depend on where it is installed.
CONSOLE_SCRIPT = "from eventflow.entrypoints.cli import main; main()"
READS = {
    "eventflow event list": ["event", "list"],
    "eventflow bar list --json": ["bar", "list", "--json"],
    "eventflow db status": ["db", "status"],
}
REFERENCES = {"python -c pass": ["-c", "pass"], 'python -c "import sqlalchemy"': ["-c", "import sqlalchemy"]}


def seed(data_dir: Path, nights: int) -> None:
    """The demo data, and ``nights`` more nights from today on (the list commands print them all)."""
    from eventflow import demo
    from eventflow.adapters.security import Argon2Hasher
    from eventflow.bootstrap import bootstrap
    from eventflow.config import Settings

    services = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": str(data_dir)}), hasher=Argon2Hasher(fast=True))
    demo.seed(services)
    bar_ids = [bar.id or 0 for bar in services.bars.list()]
    day = services.clock.today()
    for number in range(nights):
        day += dt.timedelta(days=2 + number % 2)
        services.events.create(None, f"Soirée {number}", day, [bar_ids[number % len(bar_ids)]])
    services.database.dispose()  # type: ignore[attr-defined]


def run_once(arguments: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds, and CPU seconds (user + system) of the child: how much of the wall time it worked."""
    began = time.perf_counter()
    with subprocess.Popen([sys.executable, *arguments], env=env, cwd=ROOT, stdout=subprocess.DEVNULL) as child:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - began
    if child.returncode != 0:
        raise RuntimeError(f"{arguments} failed with exit code {child.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def measure(env: dict[str, str], runs: int) -> dict[str, tuple[float, float]]:
    """The median wall and CPU seconds of each command over ``runs`` interleaved rounds (after one not counted)."""
    commands = {**REFERENCES, **{name: ["-c", CONSOLE_SCRIPT, *args] for name, args in READS.items()}}
    for arguments in commands.values():
        run_once(arguments, env)  # warm the file cache and the bytecode of every module once
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, arguments in commands.items():
            times[name].append(run_once(arguments, env))
    return {
        name: (statistics.median(w for w, _ in got), statistics.median(c for _, c in got))
        for name, got in times.items()
    }


def figures(median: tuple[float, float], python: float) -> str:
    wall, cpu = median
    return f"{wall * 1000:.0f} ms wall = {wall / python:.1f}x python -c pass ({cpu * 1000:.0f} ms CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--nights", type=int, default=150)
    parser.add_argument("--seed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        seed(Path(args.seed), args.nights)
        return
    with tempfile.TemporaryDirectory(prefix="eventflow-bench-cli-") as tmp:
        data_dir = Path(tmp) / "data"
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "EVENTFLOW_DATA_DIR": str(data_dir)}
        env.pop("EVENTFLOW_DATABASE_URL", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed eventflow has its bytecode: the warm-up round writes it
        # seeded by the code under test, whatever eventflow this interpreter would import
        subprocess.run(
            [sys.executable, __file__, "--seed", str(data_dir), "--nights", str(args.nights)], env=env, check=True
        )
        print(f"seeded the demo data and {args.nights} more nights; median of {args.runs} runs each "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
        medians = measure(env, args.runs)
    python = medians["python -c pass"][0]
    for name in REFERENCES:
        print(f"{name}: {figures(medians[name], python)} (reference)")
    missed = []
    for name in READS:
        ok = medians[name][0] < TARGET_SECONDS
        missed += [] if ok else [name]
        target = f"target < {TARGET_SECONDS * 1000:.0f} ms"
        print(f"{name}: {figures(medians[name], python)} ({target}) {'OK' if ok else 'MISSED'}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")  # a shared machine: say how busy it was throughout
    print("PASS" if not missed else f"FAIL: {', '.join(missed)}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
