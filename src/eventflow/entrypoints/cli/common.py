"""What every command module shares: the runtime (settings and services), tables for people, JSON for scripts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from attrs import define

from eventflow.config import Settings

if TYPE_CHECKING:
    from eventflow.bootstrap import Services

F = TypeVar("F", bound=Callable[..., Any])


@define
class Runtime:
    """The settings, and the services built from them on first use (``db`` commands need only the settings)."""

    settings: Settings
    built: Services | None = None

    @classmethod
    def for_context(
        cls, obj: Runtime | Services | None, data_dir: Path | None = None, database_url: str | None = None
    ) -> Runtime:
        if isinstance(obj, Runtime):
            return obj
        if obj is not None:  # a services bundle handed in (tests: ``CliRunner().invoke(cli, args, obj=services)``)
            return cls(obj.settings, obj)
        env = dict(os.environ)
        if data_dir is not None:
            env["EVENTFLOW_DATA_DIR"] = str(data_dir)
        if database_url is not None:
            env["EVENTFLOW_DATABASE_URL"] = database_url
        return cls(Settings.from_env(env))

    @property
    def services(self) -> Services:
        if self.built is None:
            from eventflow.bootstrap import bootstrap  # the use cases and their adapters: not for ``db`` commands

            self.built = bootstrap(self.settings)
        return self.built


pass_runtime = click.make_pass_decorator(Runtime)


def json_option(command: F) -> F:
    """``--json``: machine-readable output for scripts instead of the table."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of a table.")(command)


def echo_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[object]], empty: str) -> None:
    """Aligned columns, or ``empty`` when there is nothing to show."""
    if not rows:
        click.echo(empty)
        return
    cells = [[str(c) for c in headers], *[["" if c is None else str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    for row in cells:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def yes_no(value: bool) -> str:
    return "yes" if value else "no"
