"""``eventflow bar``, ``theme`` and ``template``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Screen
from tests.support.cli import CUBE, DOOR, Run, assert_one_line_error, rows, stored

HARDWARE = json.dumps({"screens": [CUBE, DOOR]})


def test_bar_add_with_hardware_json_then_list(run: Run, services: Services) -> None:
    added = run("bar", "add", "Le Comptoir", "--location", "Lyon", "--hardware", HARDWARE)
    run("bar", "add", "La Cale")

    assert added.exit_code == 0, added.output
    assert added.stdout == "Added bar Le Comptoir (id 1), screens: Cube LED (1024x1024 mp4), Door LED (1920x320 mp4).\n"
    assert rows(run("bar", "list").stdout) == [
        ["ID", "NAME", "LOCATION", "SCREENS"],
        ["2", "La Cale", "-"],
        ["1", "Le Comptoir", "Lyon", "Cube LED (1024x1024 mp4), Door LED (1920x320 mp4)"],
    ]
    assert services.bars.get(1).screens == (Screen(**CUBE), Screen(**DOOR))


def test_bar_hardware_from_a_file(run: Run, services: Services, tmp_path: Path) -> None:
    path = tmp_path / "comptoir.json"
    path.write_text(HARDWARE, encoding="utf-8")

    assert run("bar", "add", "Le Comptoir", "--hardware", f"@{path}").exit_code == 0

    assert [s.kind for s in services.bars.get(1).screens] == ["cube_led", "door_led"]


def test_bar_list_json(run: Run) -> None:
    run("bar", "add", "Le Comptoir", "--location", "Lyon", "--hardware", HARDWARE)

    assert json.loads(run("bar", "list", "--json").stdout) == [
        {"id": 1, "name": "Le Comptoir", "location": "Lyon", "hardware": {"screens": [CUBE, DOOR]}}
    ]


@pytest.mark.parametrize(
    ("hardware", "message"),
    [
        ('{"screens": [', "--hardware is not valid JSON (Expecting value at line 1 column 14)"),
        ("@/no/such/hardware.json", "cannot read the hardware file '/no/such/hardware.json': No such file"),
        ("[1, 2]", "hardware must be a JSON object"),
        ('{"screens": [{"label": "Cube"}]}', 'hardware.screens[0] needs a "kind"'),
    ],
)
def test_bad_hardware_is_one_line_and_stores_nothing(run: Run, services: Services, hardware: str, message: str) -> None:
    assert_one_line_error(run("bar", "add", "Le Comptoir", "--hardware", hardware), message)
    assert stored(services)["bars"] == []


def test_invalid_json_in_a_hardware_file_names_the_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{screens: []}", encoding="utf-8")

    assert_one_line_error(run("bar", "add", "X", "--hardware", f"@{path}"), f"the hardware file '{path}' is not valid")


def test_a_duplicate_bar_is_refused(run: Run, services: Services) -> None:
    run("bar", "add", "Le Comptoir", "--location", "Lyon")

    assert_one_line_error(run("bar", "add", "Le Comptoir", "--location", "Paris"), "a bar named 'Le Comptoir'")
    assert stored(services)["bars"] == [("Le Comptoir", "Lyon", ())]


def test_theme_set_replaces_the_month_and_list_filters_by_year(run: Run) -> None:
    assert run("theme", "set", "2026-12", "Noël", "--description", "Or et rouge").stdout == "Theme of 2026-12: Noël.\n"
    run("theme", "set", "2026-12", "Noël Pailleté")
    run("theme", "set", "2027-01", "Nuit Polaire")

    assert rows(run("theme", "list", "--year", "2026").stdout) == [
        ["ID", "MONTH", "THEME", "DESCRIPTION"],
        ["1", "2026-12", "Noël Pailleté"],
    ]
    assert [t["month"] for t in json.loads(run("theme", "list", "--json").stdout)] == ["2026-12", "2027-01"]
    assert json.loads(run("theme", "list", "--json", "--year", "2027").stdout) == [
        {"id": 2, "month": "2027-01", "year": 2027, "name": "Nuit Polaire", "description": ""}
    ]


@pytest.mark.parametrize("month", ["2026-13", "12-2026", "2026/12", "December"])
def test_a_bad_month_is_one_line_and_stores_nothing(run: Run, services: Services, month: str) -> None:
    assert_one_line_error(run("theme", "set", month, "Noël"), f"{month!r} is not a month; write it YYYY-MM")
    assert stored(services)["themes"] == []


def test_template_add_and_list(run: Run) -> None:
    assert run("template", "add", "Poster A3", "--specs", "A3 PDF 300 dpi", "--default").exit_code == 0
    run("template", "add", "Cube LED", "--specs", "1024x1024 mp4", "--default", "--hardware-kind", "cube_led")
    run("template", "add", "Carte cocktails", "--specs", "A4 PDF")

    assert rows(run("template", "list").stdout) == [
        ["ID", "NAME", "SPECS", "DEFAULT", "HARDWARE KIND"],
        ["3", "Carte cocktails", "A4 PDF", "no", "-"],
        ["2", "Cube LED", "1024x1024 mp4", "yes", "cube_led"],
        ["1", "Poster A3", "A3 PDF 300 dpi", "yes", "-"],
    ]
    assert json.loads(run("template", "list", "--json").stdout)[1] == {
        "id": 2,
        "name": "Cube LED",
        "specs": "1024x1024 mp4",
        "is_default": True,
        "hardware_kind": "cube_led",
    }


def test_template_errors(run: Run, services: Services) -> None:
    run("template", "add", "Flyer", "--specs", "A5")

    assert_one_line_error(run("template", "add", "Flyer", "--specs", "A6"), "a template named 'Flyer' already exists")
    assert_one_line_error(run("template", "add", "Poster", "--specs", " "), "specs must not be empty")
    assert run("template", "add", "Poster").exit_code == 2  # --specs is required
    assert stored(services)["templates"] == [("Flyer", "A5", False, None)]
