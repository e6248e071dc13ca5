"""How a page reads, decided with numbers: one JSON-aggregating statement per page (``adapters/sql/views.py``) vs the
plain repository reads it replaced (``ComposedReadModels``), on SQLite and PostgreSQL, with 1 and 10 years of nights.

    .venv/bin/python bench/reads.py [--years 1,10] [--repeat 200]

PostgreSQL is measured when ``EVENTFLOW_TEST_POSTGRES_URL`` is set (a throwaway database is made and dropped).
Measured in this process, without HTTP, so that only the reads differ: the median time of reading the month calendar
(the current month, as the calendar opens) and an event card, each in its own read transaction, as a page does.
Printed per backend and history; then the month calendar's cost with 10 years of nights against 1 year
(target: within 1.2x, the month view must not grow with history).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pages import ROOT, seed, settings_for

sys.path.insert(0, str(ROOT))
HISTORY_TARGET = 1.2


def median_ms(read: Callable[[], Any], repeat: int) -> float:
    for _ in range(min(20, repeat)):  # warm the connection pool and the statement caches
        read()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        read()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000


def measure(data_dir: Path, years: int, url: str | None, repeat: int) -> dict[str, float]:
    from eventflow.adapters.memory import ComposedReadModels
    from eventflow.bootstrap import bootstrap

    seeded = seed(data_dir, years, url)
    services = bootstrap(settings_for(data_dir, url))
    start = dt.date.fromisoformat(seeded["month"])
    end = (start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    card_id = seeded["card_id"]

    def read(how: str, page: str) -> Callable[[], Any]:
        def run() -> Any:
            with services.uow(read_only=True) as uow:
                views = uow.read_models if how == "one statement" else ComposedReadModels(uow)
                return views.calendar(start, end) if page == "calendar" else views.card(card_id, 200)

        return run

    figures = {
        f"{page}, {how}": median_ms(read(how, page), repeat)
        for page in ("calendar", "card")
        for how in ("one statement", "repositories")
    }
    services.database.dispose()  # type: ignore[attr-defined]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--years", default="1,10", help="histories to seed, comma-separated")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    from tests.support.backends import configured_backends, throwaway_database

    histories = [int(y) for y in args.years.split(",")]
    backends = [b for b in configured_backends() if b in ("sqlite", "postgresql")]
    verdicts = []
    for backend in backends:
        calendar: dict[int, float] = {}
        for years in histories:
            with (
                tempfile.TemporaryDirectory(prefix="eventflow-bench-reads-") as tmp,
                throwaway_database(backend, Path(tmp)) as url,
            ):
                began = time.monotonic()
                figures = measure(Path(tmp), years, url, args.repeat)
            print(f"{backend}, {years} year(s) of nights (seeded and measured in {time.monotonic() - began:.0f} s):")
            for name, ms in figures.items():
                print(f"    {name}: {ms:.2f} ms")
            for page in ("calendar", "card"):
                saved = figures[f"{page}, repositories"] - figures[f"{page}, one statement"]
                print(f"    {page}: one statement saves {saved:.2f} ms a read")
            calendar[years] = figures["calendar, one statement"]
        if len(histories) > 1:
            low, high = calendar[min(histories)], calendar[max(histories)]
            ratio = high / low
            ok = ratio <= HISTORY_TARGET
            verdicts.append(ok)
            print(f"{backend}: month calendar with {max(histories)} years vs {min(histories)}: {ratio:.2f}x "
                  f"(target <= {HISTORY_TARGET}x) {'OK' if ok else 'MISSED'}")  # fmt: skip
    sys.exit(0 if all(verdicts) else 1)


if __name__ == "__main__":
    main()
