"""What every command module shares: the runtime (settings and services), tables for people, JSON for scripts."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from attrs import define

from eventflow.config import Settings
from eventflow.core.i18n import Message, render
from eventflow.core.model import Language

if TYPE_CHECKING:  # the ports are the services' business: ``db`` commands do without them
    from eventflow.bootstrap import Services
    from eventflow.core.ports import Translator

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
            resume_collector()
        return self.built


def resume_collector() -> None:
    """Collect garbage again if ``main`` paused it for the start, leaving out for good what the start made (the
    modules, classes and tables the process keeps to its end): later collections, in a long command or the web
    server, do not go through them again. Called once the services are built, and by the long commands that do
    without them (``db upgrade``, ``backup``)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


pass_runtime = click.make_pass_decorator(Runtime)

#: Where the command line finds its reader's language, first set first: eventflow's own setting, then the locale.
LANGUAGE_VARIABLES = ("EVENTFLOW_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def cli_language(env: Mapping[str, str] | None = None) -> Language:
    """The language the command line speaks: ``EVENTFLOW_LANGUAGE=fr|en``, else the locale (``LANG=fr_FR.UTF-8``);
    English when none names French or English (``C``/``POSIX``, the usual locale of cron and containers)."""
    values = os.environ if env is None else env
    for name in LANGUAGE_VARIABLES:
        primary = values.get(name, "").strip().lower()[:2]
        if primary in ("fr", "en"):
            return Language(primary)
        if values.get(name) and name != "EVENTFLOW_LANGUAGE":
            break  # a locale is set (C.UTF-8, de_DE…) and names neither: the ones after it do not count
    return Language.EN


def cli_texts() -> Translator:
    """The command line's texts and formats (sizes, dates), in :func:`cli_language`."""
    from eventflow.adapters.translations import translator  # Babel: loaded only by commands that print such texts

    return translator(cli_language())


def _(text: str) -> str:
    """``text`` (English, extracted by ``pybabel``) in the command line's language; fill it in with ``% values``."""
    if cli_language() is Language.EN:
        return text  # the msgids are the English texts: no catalog (nor Babel) to load for an English reader
    return cli_texts().gettext(text)


class CliError(click.ClickException):
    """A refusal the command line prints as "Error: …" in its reader's language (Click's own prefix is English)."""

    def show(self, file: Any = None) -> None:
        click.echo(_("Error: %(message)s") % {"message": self.format_message()}, file=file, err=file is None)


def said(message: Message) -> str:
    """A core message (an error's, a report's) as the command line's reader reads it."""
    return render(message, cli_texts())


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
    return _("yes") if value else _("no")
