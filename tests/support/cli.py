"""The CLI on the memory fakes: ``run("bar", "list")`` is ``eventflow bar list`` with the ``services`` fixture; what a
command stored, its one-line errors and its printed tables. ``tests/e2e/cli/conftest.py`` takes the fixtures."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Protocol

import pytest
from click.testing import CliRunner, Result

from eventflow.bootstrap import Services
from eventflow.core.model import Screen
from eventflow.entrypoints.cli import cli

CUBE = {"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}
DOOR = {"kind": "door_led", "label": "Door LED", "specs": "1920x320 mp4"}


class Run(Protocol):
    def __call__(self, *args: str, input: str | None = None) -> Result: ...


@pytest.fixture
def run(services: Services) -> Run:
    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(cli, list(args), obj=services, input=input)

    return invoke


def stored(services: Services) -> dict[str, Any]:
    """Everything the CLI can write, to prove a failed command wrote nothing."""
    return {
        "users": [(u.email, u.name, u.role, u.active, u.password_hash) for u in services.users.list()],
        "bars": [(b.name, b.location, b.screens) for b in services.bars.list()],
        "themes": [(t.key, t.name, t.description) for t in services.themes.list()],
        "templates": [(t.name, t.specs, t.is_default, t.hardware_kind) for t in services.templates.list()],
        "events": [(s.event.name, s.event.date) for s in services.events.calendar()],
    }


def assert_one_line_error(result: Result, contains: str, exit_code: int = 1) -> None:
    assert result.exit_code == exit_code, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert contains in lines[0]
    assert "Traceback" not in result.stderr


def rows(output: str) -> list[list[str]]:
    """A printed table as cells (columns are separated by two spaces or more)."""
    return [re.split(r"\s{2,}", line.strip()) for line in output.splitlines() if line.strip()]


@pytest.fixture
def planned(services: Services) -> Callable[..., int]:
    """Two bars, default templates, and a helper creating an event on them; returns its id."""
    services.bars.add(None, "Le Comptoir", "Lyon", [Screen(**CUBE), Screen(**DOOR)])
    services.bars.add(None, "La Cale", "Bordeaux", [Screen(**{**CUBE, "specs": "768x768 mp4"})])
    services.templates.add(None, "Flyer", "A5 PDF 300 dpi", is_default=True)
    services.templates.add(None, "Cube LED", "1024x1024 mp4", is_default=True, hardware_kind="cube_led")

    def create(name: str = "Nuit Disco", day: str = "2026-12-12", bars: tuple[int, ...] = (1, 2)) -> int:
        return services.events.create(None, name, day, list(bars)).summary.event.id or 0

    return create
