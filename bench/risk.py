"""The risk forecast back-tested on the demo data: would it have flagged the nights that turned red?

    .venv/bin/python bench/risk.py [--days-before 10] [--nights]

Seeds ``eventflow demo`` (its year of past nights included) into a throwaway SQLite data folder, then replays the
forecast on each past night as it would have run ``--days-before`` days before the night (J-10 by default: three
days before its J-7), learning only from what was recorded before that day, and compares it with what happened: was
a deliverable still not approved when J-7 ended (red at J-6)? A night counts as flagged from the "at risk" threshold.

Printed: how many nights were replayed and turned red, the hit rate (share of the nights called right, flagged and
red or not flagged and not red) against always saying "not at risk", how many red nights were flagged (recall) and
how many flagged nights did turn red (precision), and the Brier score of the chances (mean squared error, 0 is
perfect) against always giving the share of red nights. ``--nights`` lists each night.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--days-before", type=int, default=10, help="when the forecast is replayed (default: J-10)")
    parser.add_argument("--nights", action="store_true", help="list every night replayed")
    args = parser.parse_args()

    from eventflow import demo
    from eventflow.adapters.security import Argon2Hasher
    from eventflow.bootstrap import bootstrap
    from eventflow.config import Settings
    from eventflow.core.rules_history import timelines
    from eventflow.core.rules_risk import AT_RISK, replay

    with tempfile.TemporaryDirectory(prefix="eventflow-bench-risk-") as tmp:
        services = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": tmp}), hasher=Argon2Hasher(fast=True))
        demo.seed(services)
        with services.uow(read_only=True) as uow:
            rows = uow.read_models.history(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
            names = {e.id: e.name for e in uow.events.list()}
        clock = services.clock
        replayed = replay(
            timelines(rows.nights, rows.slots, rows.uploads, rows.changes),
            clock.today(),
            clock.local_date,
            clock.start_of,
            args.days_before,
        )
        services.database.dispose()  # type: ignore[attr-defined]

    count = len(replayed)
    if not count:
        print("No past night to replay.")
        return
    red = sum(r.red for r in replayed)
    flagged = [r for r in replayed if r.chance >= AT_RISK]
    hits = sum((r.chance >= AT_RISK) == r.red for r in replayed)
    base_rate = red / count
    brier = sum((r.chance - r.red) ** 2 for r in replayed) / count
    if args.nights:
        for r in replayed:
            verdict = "hit" if (r.chance >= AT_RISK) == r.red else "miss"
            print(f"  {r.night}  {names.get(r.event_id, '?'):<28} chance {r.chance:4.2f}  "
                  f"{'red' if r.red else 'on time':<8} {verdict}")  # fmt: skip
    print(f"replayed {count} past nights of the demo data at J-{args.days_before}; {red} turned red at J-6")
    print(f"hit rate: {hits / count:.0%} of the nights called right "
          f"(always saying 'not at risk': {1 - base_rate:.0%})")  # fmt: skip
    print(f"red nights flagged beforehand: {sum(r.red for r in flagged)} of {red}; "
          f"flagged nights that did turn red: {sum(r.red for r in flagged)} of {len(flagged)}")  # fmt: skip
    print(f"Brier score: {brier:.3f} (always giving the share of red nights: {base_rate * (1 - base_rate):.3f})")


if __name__ == "__main__":
    main()
