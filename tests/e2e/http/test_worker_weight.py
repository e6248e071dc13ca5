"""A web worker loads the heavy libraries on the first request that needs them, not at start: each gunicorn worker
is a whole process, and what it loads at start it holds for its life (README "Object storage": the memory figures)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Libraries a worker that has answered nothing yet does not hold: pictures, video, PDF, S3 and calendar feeds.
LOADED_ON_FIRST_USE = ("PIL", "pillow_heif", "av", "pypdfium2", "obstore", "boto3", "botocore", "icalendar")

STARTED = """
import json, sys
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.entrypoints.web.app import create_app

create_app(bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": sys.argv[1]})))
print(json.dumps(sorted(name for name in sys.modules if name.split(".")[0] in sys.argv[2:])))
"""


def test_a_started_web_app_holds_none_of_the_heavy_libraries(tmp_path: Path) -> None:
    answer = subprocess.run(
        [sys.executable, "-c", STARTED, str(tmp_path / "data"), *LOADED_ON_FIRST_USE],
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(answer.stdout) == []
