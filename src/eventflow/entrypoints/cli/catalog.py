"""``bar``, ``theme`` and ``template``: what admins configure once and the events build on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from eventflow.core.errors import InvalidInput
from eventflow.core.i18n import N_, Message, Value
from eventflow.core.model import Screen
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import Runtime, _, echo_json, echo_table, json_option, pass_runtime, yes_no


def parse_hardware(value: str | None) -> tuple[Screen, ...]:
    """``--hardware``: JSON text, or ``@path`` to a JSON file, as the bar's screens."""
    if value is None:
        return ()
    source: Value = "--hardware"
    if value.startswith("@"):
        path = Path(value[1:]).expanduser()
        try:
            value = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            reason = (error.strerror or str(error)) if isinstance(error, OSError) else "not UTF-8 text"
            raise InvalidInput(
                "cannot read the hardware file %(path)r: %(reason)s", "hardware", path=str(path), reason=reason
            ) from None
        source = Message(N_("the hardware file %(path)r"), {"path": str(path)})
    try:
        return _screens(json.loads(value))
    except json.JSONDecodeError as error:
        raise InvalidInput(
            "%(source)s is not valid JSON (%(msg)s at line %(lineno)s column %(colno)s); "
            'e.g. {"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}]}',
            "hardware",
            source=source,
            msg=error.msg,
            lineno=error.lineno,
            colno=error.colno,
        ) from None


def _screens(hardware: Any) -> tuple[Screen, ...]:
    """``{"screens": [{"kind", "label"?, "specs"?}, ...]}`` as screens (the core checks each has a kind)."""
    if not isinstance(hardware, dict):
        raise InvalidInput('hardware must be a JSON object like {"screens": [...]}', "hardware")
    screens = hardware.get("screens", [])
    if not isinstance(screens, list):
        raise InvalidInput("hardware.screens must be a list", "hardware")
    parsed = []
    for i, screen in enumerate(screens):
        if not isinstance(screen, dict) or not isinstance(screen.get("kind"), str):
            raise InvalidInput('hardware.screens[%(i)s] needs a "kind" (text), e.g. "cube_led"', "hardware", i=i)
        texts = {key: screen.get(key, "") for key in ("label", "specs")}
        for key, text in texts.items():
            if not isinstance(text, str):
                raise InvalidInput("hardware.screens[%(i)s].%(the_key)s must be text", "hardware", i=i, the_key=key)
        parsed.append(Screen(kind=screen["kind"], **texts))
    return tuple(parsed)


def screens_text(screens: tuple[Screen, ...]) -> str:
    return ", ".join(f"{s.label} ({s.specs or s.kind})" for s in screens) or "-"


@click.group()
def bar() -> None:
    """The bars and their screens."""


@bar.command("add")
@click.argument("name")
@click.option("--location", default="", help="City or address.")
@click.option(
    "--hardware",
    metavar="JSON_OR_@FILE",
    help='Screens, e.g. \'{"screens": [{"kind": "cube_led", "label": "Cube LED", "specs": "1024x1024 mp4"}]}\' '
    "or @hardware.json.",
)
@pass_runtime
def bar_add(runtime: Runtime, name: str, location: str, hardware: str | None) -> None:
    """Add the bar NAME."""
    added = runtime.services.bars.add(None, name, location, parse_hardware(hardware))
    values = {"name": added.name, "id": added.id, "screens": screens_text(added.screens)}
    click.echo(_("Added bar %(name)s (id %(id)s), screens: %(screens)s.") % values)


@bar.command("list")
@json_option
@pass_runtime
def bar_list(runtime: Runtime, as_json: bool) -> None:
    """Every bar with its screens."""
    bars = runtime.services.bars.list()
    if as_json:
        echo_json([presenters.Bar.json(b) for b in bars])
        return
    rows = [(b.id, b.name, b.location, screens_text(b.screens)) for b in bars]
    headers = (_("ID"), _("NAME"), _("LOCATION"), _("SCREENS"))
    echo_table(headers, rows, empty=_("No bars yet: add one with `eventflow bar add`."))


@click.group()
def theme() -> None:
    """The theme of each month."""


@theme.command("set")
@click.argument("month", metavar="YYYY-MM")
@click.argument("name")
@click.option("--description", default="")
@pass_runtime
def theme_set(runtime: Runtime, month: str, name: str, description: str) -> None:
    """Give the month YYYY-MM the theme NAME (replacing the one it had)."""
    period = runtime.services.themes.set(None, month, name, description)
    click.echo(_("Theme of %(month)s: %(name)s.") % {"month": period.key, "name": period.name})


@theme.command("list")
@click.option("--year", type=click.IntRange(2000, 2100), help="Only this year's themes.")
@json_option
@pass_runtime
def theme_list(runtime: Runtime, year: int | None, as_json: bool) -> None:
    """The monthly themes."""
    themes = runtime.services.themes.list(year)
    if as_json:
        echo_json([{"id": t.id, **presenters.Theme.json(t)} for t in themes])
        return
    rows = [(t.id, t.key, t.name, t.description) for t in themes]
    echo_table(
        (_("ID"), _("MONTH"), _("THEME"), _("DESCRIPTION")),
        rows,
        empty=_("No themes yet: set one with `eventflow theme set`."),
    )


@click.group()
def template() -> None:
    """The deliverables every event (or every bar screen of a kind) needs."""


@template.command("add")
@click.argument("name")
@click.option("--specs", required=True, help='What the file must be, e.g. "A3 PDF 300 dpi".')
@click.option("--default", "is_default", is_flag=True, help="New events get this deliverable automatically.")
@click.option("--hardware-kind", help="Only for bars with a screen of this kind (e.g. cube_led); specs come from it.")
@pass_runtime
def template_add(runtime: Runtime, name: str, specs: str, is_default: bool, hardware_kind: str | None) -> None:
    """Add the deliverable template NAME."""
    added = runtime.services.templates.add(None, name, specs, is_default, hardware_kind)
    click.echo(_("Added template %(name)s (id %(id)s).") % {"name": added.name, "id": added.id})


@template.command("list")
@json_option
@pass_runtime
def template_list(runtime: Runtime, as_json: bool) -> None:
    """Every deliverable template."""
    templates = runtime.services.templates.list()
    if as_json:
        echo_json([presenters.Template.json(t) for t in templates])
        return
    rows = [(t.id, t.name, t.specs, yes_no(t.is_default), t.hardware_kind or "-") for t in templates]
    echo_table(
        (_("ID"), _("NAME"), _("SPECS"), _("DEFAULT"), _("HARDWARE KIND")),
        rows,
        empty=_("No templates yet: add one with `eventflow template add`."),
    )


COMMANDS: list[click.Command] = [bar, theme, template]
