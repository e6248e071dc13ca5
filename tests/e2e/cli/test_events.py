"""``eventflow event``: journey A at the command line, the J-7 picture, lists for scripts."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Callable

import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import EventChanges
from eventflow.core.services.events import SlotChange
from tests.support import samples
from tests.support.cli import CUBE, DOOR, Run, assert_one_line_error, rows, stored


def test_journey_a_at_the_command_line(run: Run, clock: FixedClock) -> None:
    run("theme", "set", "2026-12", "Noël Pailleté")
    run("bar", "add", "Le Comptoir", "--location", "Lyon", "--hardware", json.dumps({"screens": [CUBE, DOOR]}))
    run("bar", "add", "La Cale", "--hardware", json.dumps({"screens": [{**CUBE, "specs": "768x768 mp4"}]}))
    run("template", "add", "Poster A3", "--specs", "A3 PDF 300 dpi", "--default")
    run("template", "add", "Cube LED", "--specs", "1024x1024 mp4", "--default", "--hardware-kind", "cube_led")

    created = run("event", "create", "Nuit Disco", "--date", "2026-12-12", "--bar", "le comptoir", "--bar", "2")

    assert created.exit_code == 0, created.output
    assert created.stdout == "Created event Nuit Disco on 2026-12-12 (id 1), 3 slots.\n"
    shown = run("event", "show", "1").stdout.splitlines()
    assert shown[0] == "Nuit Disco | 2026-12-12 | Le Comptoir, La Cale | Noël Pailleté | J-17 | health orange"
    assert shown[1] == "Everything due by 2026-12-05 (J-7)."
    assert rows("\n".join(shown[2:])) == [
        ["ID", "DELIVERABLE", "BAR", "SPECS", "STATUS", "LATE", "ASSIGNEE", "VERSIONS"],
        ["1", "Poster A3", "all", "A3 PDF 300 dpi", "todo", "-", "-"],
        ["2", "Cube LED", "Le Comptoir", "1024x1024 mp4", "todo", "-", "-"],
        ["3", "Cube LED", "La Cale", "768x768 mp4", "todo", "-", "-"],
    ]


def test_at_j7_nothing_is_late_at_j6_the_event_is_red(run: Run, planned: Callable[..., int], clock: FixedClock) -> None:
    planned(day="2026-12-12")
    clock.current = FixedClock.on(dt.date(2026, 12, 5)).current

    assert "| J-7 | health orange" in run("event", "show", "1").stdout
    assert "⚠ late" not in run("event", "show", "1").stdout

    clock.advance(days=1)
    shown = run("event", "show", "1").stdout
    assert "| J-6 | health red" in shown
    assert "Everything due by 2026-12-05 (J-7), 3 late." in shown
    assert all("⚠ late" in line for line in shown.splitlines()[4:])


def test_show_names_assignees_versions_and_disabled_slots(
    run: Run, services: Services, planned: Callable[..., int]
) -> None:
    designer = services.users.add(None, "lea@bars.fr", "Léa Bernard")
    event_id = planned()
    services.events.update_slot(None, 1, SlotChange(assignee_id=designer.id, status="approved"))
    services.events.update(None, event_id, EventChanges(bar_ids=[1]))  # La Cale leaves: its Cube LED slot is disabled
    for name in ("cube-v1.pdf", "cube-v2.pdf"):
        services.assets.upload_version(None, 2, name, io.BytesIO(samples.pdf()))

    table = rows(run("event", "show", str(event_id)).stdout.split("\n\n", 1)[1])

    assert table[1] == ["1", "Flyer", "all", "A5 PDF 300 dpi", "approved", "Léa Bernard", "-"]
    assert table[2] == ["2", "Cube LED", "Le Comptoir", "1024x1024 mp4", "review", "-", "v1, v2*"]
    assert table[3] == ["3", "Cube LED", "La Cale", "768x768 mp4", "todo (disabled)", "-", "-"]

    services.events.update_slot(None, 2, SlotChange(current_version=1))  # the team goes back to the first file
    table = rows(run("event", "show", str(event_id)).stdout.split("\n\n", 1)[1])
    assert table[2][-1] == "v1*, v2"


def test_show_json_is_the_event_card(run: Run, planned: Callable[..., int]) -> None:
    planned()

    card = json.loads(run("event", "show", "1", "--json").stdout)

    assert card["id"] == 1
    assert card["health"] == "orange"
    assert card["countdown"] == 17
    assert [(d["name"], d["specs"], d["bar_id"], d["late"]) for d in card["deliverables"]] == [
        ("Flyer", "A5 PDF 300 dpi", None, False),
        ("Cube LED", "1024x1024 mp4", 1, False),
        ("Cube LED", "768x768 mp4", 2, False),
    ]


def test_list_filters_by_dates_bar_and_health(run: Run, services: Services, planned: Callable[..., int]) -> None:
    planned("Nuit Disco", "2026-12-12", (1, 2))
    planned("Karaoké", "2026-11-28", (2,))  # J-3: late
    planned("Réveillon", "2026-12-31", (1,))

    def names(*args: str) -> list[str]:
        return [e["name"] for e in json.loads(run("event", "list", "--json", *args).stdout)]

    assert names() == ["Karaoké", "Nuit Disco", "Réveillon"]
    assert names("--from", "2026-12-01", "--to", "2026-12-20") == ["Nuit Disco"]
    assert names("--bar", "Le Comptoir") == ["Nuit Disco", "Réveillon"]
    assert names("--health", "red") == ["Karaoké"]
    assert names("--health", "green") == []


def test_list_table_and_json_shapes(run: Run, planned: Callable[..., int]) -> None:
    planned("Karaoké", "2026-11-28", (2,))

    assert rows(run("event", "list").stdout) == [
        ["ID", "DATE", "NAME", "BARS", "THEME", "COUNTDOWN", "HEALTH", "LATE"],
        ["1", "2026-11-28", "Karaoké", "La Cale", "-", "J-3", "red", "2"],
    ]
    assert json.loads(run("event", "list", "--json").stdout) == [
        {
            "id": 1,
            "name": "Karaoké",
            "date": "2026-11-28",
            "bars": [{"id": 2, "name": "La Cale"}],
            "bar_ids": [2],
            "theme": None,
            "health": "red",
            "countdown": 3,
            "late_count": 2,
            "risk": 1.0,  # already late: certain to be red at J-6
            "cancelled": False,
        }
    ]
    assert run("event", "list", "--from", "2027-01-01").stdout == "No events.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "X", "--date", "2026-02-30", "--bar", "1"], "'2026-02-30' is not a date; write it YYYY-MM-DD"),
        (["create", "X", "--date", "3026-01-01", "--bar", "1"], "date must be between 2000 and 2100"),
        (["create", "X", "--date", "2026-12-12", "--bar", "Nowhere"], "bar 'Nowhere' does not exist"),
        (["create", "X", "--date", "2026-12-12", "--bar", "1", "--bar", "9"], "bar '9' does not exist"),
        (["create", " ", "--date", "2026-12-12", "--bar", "1"], "name must not be empty"),
        (["list", "--from", "tomorrow"], "'tomorrow' is not a date"),
        (["list", "--bar", "Nowhere"], "bar 'Nowhere' does not exist"),
        (["list", "--health", "blue"], "health must be one of green, orange, red, none, not 'blue'"),
        (["show", "42"], "event 42 does not exist"),
    ],
)
def test_event_errors_are_one_line_and_store_nothing(
    run: Run, services: Services, planned: Callable[..., int], args: list[str], message: str
) -> None:
    before = stored(services)

    assert_one_line_error(run("event", *args), message)
    assert stored(services) == before


@pytest.mark.parametrize(
    "args", [["create", "X", "--date", "2026-12-12"], ["create", "X", "--bar", "1"], ["show", "first"]]
)
def test_missing_or_malformed_arguments_are_usage_errors(
    run: Run, planned: Callable[..., int], args: list[str]
) -> None:
    result = run("event", *args)

    assert result.exit_code == 2
    assert "Usage: cli event" in result.stderr
