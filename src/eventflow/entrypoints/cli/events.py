"""``event``: plan a night and see where its deliverables stand (slots, specs, J-7 lateness, health)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from eventflow.core import rules
from eventflow.core.errors import InvalidInput, NotFound
from eventflow.core.model import Bar, Health
from eventflow.core.services.events import EventCard, SlotView, parse_date
from eventflow.entrypoints.cli.common import Runtime, _, echo_json, echo_table, json_option, pass_runtime

if TYPE_CHECKING:
    from eventflow.bootstrap import Services


def find_bar(services: Services, key: str) -> Bar:
    """A bar by id or by name (case does not matter)."""
    wanted = key.strip()
    for candidate in services.bars.list():
        if str(candidate.id) == wanted or candidate.name.casefold() == wanted.casefold():
            return candidate
    raise NotFound("bar", repr(key))


def bar_ids(services: Services, keys: tuple[str, ...]) -> list[int]:
    return [find_bar(services, key).id or 0 for key in keys]


def parse_health(value: str) -> Health:
    try:
        return Health(value.strip().lower())
    except ValueError:
        allowed = ", ".join(h.value for h in Health)
        raise InvalidInput(
            "health must be one of %(allowed)s, not %(value)r", "health", allowed=allowed, value=value
        ) from None


@click.group()
def event() -> None:
    """Plan the nights and follow their deliverables."""


@event.command("create")
@click.argument("name")
@click.option("--date", "day", required=True, metavar="YYYY-MM-DD", help="The night (local date).")
@click.option("--bar", "bars", required=True, multiple=True, metavar="NAME_OR_ID", help="A bar of the night; repeat.")
@click.option("--description", default="")
@pass_runtime
def event_create(runtime: Runtime, name: str, day: str, bars: tuple[str, ...], description: str) -> None:
    """Create the event NAME; its deliverable slots are generated from the templates and the bars' screens."""
    services = runtime.services
    card = services.events.create(None, name, parse_date(day), bar_ids(services, bars), description)
    created = card.summary.event
    values = {"name": created.name, "date": created.date.isoformat(), "id": created.id, "slots": len(card.slots)}
    click.echo(_("Created event %(name)s on %(date)s (id %(id)s), %(slots)s slots.") % values)


@event.command("list")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="From this date on.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Up to this date.")
@click.option("--bar", "bar_key", metavar="NAME_OR_ID", help="Only the events of this bar.")
@click.option("--health", help="Only the events in this state: green, orange, red (something late) or none.")
@json_option
@pass_runtime
def event_list(
    runtime: Runtime, start: str | None, end: str | None, bar_key: str | None, health: str | None, as_json: bool
) -> None:
    """The events, by date, with their countdown and health."""
    services = runtime.services
    summaries = services.events.calendar(
        parse_date(start, "--from") if start else None,
        parse_date(end, "--to") if end else None,
        find_bar(services, bar_key).id if bar_key else None,
        parse_health(health) if health else None,
    )
    if as_json:
        from eventflow.entrypoints import presenters  # the JSON shapes: only for --json

        echo_json([presenters.EventSummary.json(s) for s in summaries])
        return
    today = services.clock.today()
    rows = [
        (
            s.event.id,
            s.event.date.isoformat(),
            s.event.name,
            ", ".join(b.name for b in s.bars),
            s.theme or "-",
            rules.countdown_label(s.event.date, today),
            s.health.value,
            s.late_count or "",
        )
        for s in summaries
    ]
    headers = (_("ID"), _("DATE"), _("NAME"), _("BARS"), _("THEME"), _("COUNTDOWN"), _("HEALTH"), _("LATE"))
    echo_table(headers, rows, empty=_("No events."))


@event.command("show")
@click.argument("event_id", type=int)
@json_option
@pass_runtime
def event_show(runtime: Runtime, event_id: int, as_json: bool) -> None:
    """The event card: header and deliverable slots."""
    services = runtime.services
    card = services.events.card(event_id)
    if as_json:
        from eventflow.entrypoints import presenters

        echo_json(presenters.EventCard.json(card))
        return
    click.echo(header(card, services))
    click.echo()
    names = {u.id: u.name for u in services.users.list()}
    bar_names = {b.id: b.name for b in services.bars.list()}  # a removed bar still names its slots
    rows = [slot_row(view, bar_names, names) for view in card.slots]
    echo_table(
        (_("ID"), _("DELIVERABLE"), _("BAR"), _("SPECS"), _("STATUS"), _("LATE"), _("ASSIGNEE"), _("VERSIONS")),
        rows,
        empty=_("No deliverable slots."),
    )
    if any(view.versions for view in card.slots):
        click.echo(_("* the current version (the one reviewed and shown on the screens)"))


def header(card: EventCard, services: Services) -> str:
    summary, today = card.summary, services.clock.today()
    night = summary.event
    parts = [
        night.name,
        night.date.isoformat(),
        ", ".join(b.name for b in summary.bars),
        summary.theme or _("no theme"),
        rules.countdown_label(night.date, today),
        _("health %(health)s") % {"health": summary.health.value},
    ]
    values = {"due": rules.due_date(night.date).isoformat(), "late": summary.late_count}
    due = (
        _("Everything due by %(due)s (J-7), %(late)s late.")
        if summary.late_count
        else _("Everything due by %(due)s (J-7).")
    )
    return " | ".join(parts) + "\n" + due % values


def slot_row(view: SlotView, bar_names: dict[int | None, str], people: dict[int | None, str]) -> tuple[object, ...]:
    slot = view.slot
    return (
        slot.id,
        slot.name,
        bar_names.get(slot.bar_id, "?") if slot.bar_id else _("all"),
        slot.specs or "-",
        slot.status.value if slot.enabled else _("%(status)s (disabled)") % {"status": slot.status.value},
        _("⚠ late") if view.late else "",
        people.get(slot.assignee_id, "?") if slot.assignee_id else "-",
        ", ".join(f"v{a.version}" + ("*" if view.current is a else "") for a in view.versions) or "-",
    )


COMMANDS: list[click.Command] = [event]
