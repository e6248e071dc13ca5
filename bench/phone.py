"""Phone uploads on Chrome's network presets: a 12 MP camera photo on its night in under 5 s on "Fast 4G" and under
15 s on "Fast 3G" (issue 13's targets), measured by the Playwright test that also checks the bytes sent
(tests/e2e/browser/test_phone_uploads.py), run here alone, three times, with its timing check on.

    .venv/bin/python bench/phone.py

Run it on a quiet machine: the browser's shrinking and the server's work wait for a core on a busy one. Prints each
run's seconds and the best per preset against the target; exits 1 when a best run misses it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

from common import ROOT

TEST = "tests/e2e/browser/test_phone_uploads.py::test_a_12_mp_camera_photo_is_on_its_night_in_seconds"
RUNS = 3


def main() -> int:
    best: dict[str, tuple[float, float]] = {}
    env = {**os.environ, "EVENTFLOW_CHECK_TIMING": "1"}
    for _ in range(RUNS):
        out = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:xdist", "-s", "-q", TEST],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        for preset, seconds, limit in re.findall(r"TIMING (\S+) ([\d.]+) limit ([\d.]+)", out):
            print(f"{preset:<8} {float(seconds):6.2f} s")
            if preset not in best or float(seconds) < best[preset][0]:
                best[preset] = (float(seconds), float(limit))
    if not best:
        print("the test did not run: see `pytest " + TEST + "`")
        return 1
    print(f"\nbest of {RUNS}, load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    missed = False
    for preset, (seconds, limit) in sorted(best.items()):
        ok = seconds < limit
        missed |= not ok
        print(f"{preset:<8} {seconds:6.2f} s   target < {limit:g} s   {'OK' if ok else 'MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
