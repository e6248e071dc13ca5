"""``archive``, ``restore``, ``purge`` and ``storage``: keeping the 30 GB disk healthy (cron runs ``archive``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from eventflow.bootstrap import store_at
from eventflow.config import BucketUrl, Settings
from eventflow.core.i18n import N_
from eventflow.core.model import Asset
from eventflow.core.services.storage import UNKNOWN_OWNER, Leftover, Plan, Summary
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import (
    CliError,
    Runtime,
    _,
    cli_texts,
    echo_json,
    echo_table,
    json_option,
    pass_runtime,
    said,
)
from eventflow.entrypoints.startup import reclaim_leftovers

#: What a job did, by its summary's action: the line's beginning, then what became of the files.
DONE = {
    "archived": (N_("Archived"), N_("moved to cold storage")),
    "deleted": (N_("Deleted"), N_("deleted")),
    "restored": (N_("Restored"), N_("brought back")),
    "purged": (N_("Purged"), N_("purged")),
}
#: What a plan would do, by its verb.
WOULD = {
    "archive": N_("Would archive %(files)s file(s), %(size)s, of %(events)s event(s):"),
    "delete": N_("Would delete %(files)s file(s), %(size)s, of %(events)s event(s):"),
    "purge": N_("Would purge %(files)s file(s), %(size)s, of %(events)s event(s):"),
}


def human(size: int) -> str:
    """Bytes for people, as pages and e-mails write them, in the command line's language: 1.4 GB, 350 MB, 1,4 Go."""
    return cli_texts().format_size(size)


def show_plan(plan: Plan, verb: str) -> None:
    click.echo(_(WOULD[verb]) % {"files": len(plan.assets), "size": human(plan.bytes), "events": len(plan.events)})
    for event in plan.events:
        mine = [a for a in plan.assets if a.event_id == event.id]
        values = {"name": event.name, "id": event.id, "files": len(mine), "size": human(sum(a.size for a in mine))}
        click.echo(f"  {event.date}  " + _("%(name)s (id %(id)s): %(files)s file(s), %(size)s") % values)


def run_with_progress(plan: Plan, label: str, job: Callable[[Callable[[Asset], None]], Summary]) -> Summary:
    with click.progressbar(length=len(plan.assets), label=label, show_pos=True) as bar:
        return job(lambda _asset: bar.update(1))


#: The places leftovers lie in (``Leftover.place``), as people read them; unfinished uploads are named by the core.
PLACES = {"hot store": N_("hot store"), "cold store": N_("cold store")}


def describe(leftover: Leftover) -> str:
    place = _(PLACES.get(leftover.place, leftover.place))
    owner = _(UNKNOWN_OWNER) if leftover.owner == UNKNOWN_OWNER else leftover.owner  # else what the process said
    values = {"place": place, "name": leftover.name, "size": human(leftover.size), "owner": owner}
    if leftover.place == "quota":
        return _("quota: %(size)s held by %(owner)s (ended)") % values
    return _("%(place)s: %(name)s (%(size)s) left by %(owner)s (ended)") % values


def reclaim(runtime: Runtime) -> None:
    """The sweep every command that writes starts with: say what it reclaimed, if anything."""
    reclaimed = reclaim_leftovers(runtime.services)
    for leftover in reclaimed:
        click.echo(_("Reclaimed %(leftover)s") % {"leftover": describe(leftover)})


def finish(summary: Summary) -> None:
    """One line of what was done; any file that could not be handled on stderr, with exit code 1."""
    action, outcome = DONE[summary.action]
    values = {
        "action": _(action),
        "files": summary.files,
        "events": len(summary.events),
        "outcome": _(outcome),
        "freed": human(summary.freed_bytes),
        "copied": human(summary.moved_bytes),
    }
    done = _("%(action)s: %(files)s file(s) of %(events)s event(s) %(outcome)s; %(freed)s freed on the hot disk")
    copied = _(", %(copied)s copied.") if summary.moved_bytes else "."
    click.echo(done % values + copied % values)
    if summary.problems:
        for problem in summary.problems:
            click.echo("  " + _("not done: %(problem)s") % {"problem": said(problem)}, err=True)
        left = _("%(count)s file(s) were left as they were; run again once fixed")
        raise CliError(left % {"count": len(summary.problems)})


@click.command()
@click.option("--older-than-days", type=click.IntRange(min=0), default=None, help="Events more than N days past (30).")
@click.option("--event", "event_id", type=click.IntRange(min=1), help="Archive this one event now, whatever its date.")
@click.option(
    "--delete", is_flag=True, help="Delete the files (after an alert e-mail to admins) instead of moving them."
)
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@pass_runtime
def archive(runtime: Runtime, older_than_days: int | None, event_id: int | None, delete: bool, dry_run: bool) -> None:
    """Move the files of past events to cold storage (EVENTFLOW_COLD_DIR), or delete them with --delete.

    Details, previews and history stay. Safe to rerun after a crash: it finishes the job.
    """
    storage = runtime.services.storage
    if not dry_run:
        reclaim(runtime)
    plan = storage.archive_plan(older_than_days, event_id)
    verb = "delete" if delete else "archive"
    if dry_run or not plan.assets:
        show_plan(plan, verb)
        return
    label = _("Deleting") if delete else _("Archiving")
    finish(run_with_progress(plan, label, lambda on: storage.archive(None, plan, delete, on)))


@click.command("archive-event")
@click.argument("event_id", type=click.IntRange(min=1), metavar="EVENT")
@click.option("--dry-run", is_flag=True, help="Only say what would be done.")
@click.pass_context
def archive_event(ctx: click.Context, event_id: int, dry_run: bool) -> None:
    """Archive the files of EVENT (its id) now; the same as ``archive --event EVENT``."""
    ctx.invoke(archive, event_id=event_id, dry_run=dry_run)


@click.command()
@click.argument("event_id", type=click.IntRange(min=1), metavar="EVENT")
@pass_runtime
def restore(runtime: Runtime, event_id: int) -> None:
    """Bring the archived files of EVENT (its id) back from cold storage."""
    storage = runtime.services.storage
    reclaim(runtime)
    plan = storage.restore_plan(event_id)
    finish(run_with_progress(plan, _("Restoring"), lambda on: storage.restore(None, plan, on)))


@click.command()
@click.option("--event", "event_id", type=click.IntRange(min=1), help="Only this event.")
@click.option("--dry-run", is_flag=True, help="Only say what would be freed.")
@pass_runtime
def purge(runtime: Runtime, event_id: int | None, dry_run: bool) -> None:
    """Free superseded versions (never a slot's latest or approved one); their details stay."""
    storage = runtime.services.storage
    if not dry_run:
        reclaim(runtime)
    plan = storage.purge_plan(event_id)
    if dry_run or not plan.assets:
        show_plan(plan, "purge")
        return
    finish(run_with_progress(plan, _("Purging"), lambda on: storage.purge(None, plan, on)))


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def storage(ctx: click.Context, as_json: bool) -> None:
    """Disk usage: used, quota, free on the volume, biggest events, what archiving would free."""
    if ctx.invoked_subcommand is not None:
        return
    runtime = ctx.find_object(Runtime)
    assert runtime is not None, "the eventflow group sets the runtime"
    report = runtime.services.storage.report()
    if as_json:
        echo_json(presenters.Storage.json(report))
        return
    used, quota = human(report.used_bytes), human(report.quota_bytes)
    click.echo(
        _("Used:       %(used)s of %(quota)s (%(percent)s%%)")
        % {"used": used, "quota": quota, "percent": report.percent}
    )
    if report.reserved_bytes:
        click.echo(_("Reserved:   %(size)s by uploads under way") % {"size": human(report.reserved_bytes)})
    click.echo(_("Free disk:  %(size)s on the volume") % {"size": human(report.disk_free_bytes)})
    archivable = {"size": human(report.archivable_bytes), "days": report.archive_after_days}
    click.echo(_("Archivable: %(size)s (events over %(days)s days past)") % archivable)
    rows = [(u.event.id, u.event.date, u.event.name, human(u.hot_bytes)) for u in report.biggest_events]
    click.echo(_("Biggest events:"))
    headers = (_("ID"), _("DATE"), _("EVENT"), _("SIZE"))
    echo_table(headers, rows, empty=_("  none: no files stored yet"))


@storage.command("check")
@click.option(
    "--repair",
    is_flag=True,
    help="First reclaim what processes that ended and expired uploads left (temporary files, quota holds).",
)
@pass_runtime
def storage_check(runtime: Runtime, repair: bool) -> None:
    """Compare the database with the files on disk and report any drift, including temporary files and quota holds
    left by processes that ended (exit 1 when there is some)."""
    if repair:
        reclaim(runtime)
    drift = runtime.services.storage.check()
    for line in drift.missing + drift.wrong_size:
        click.echo(f"  {said(line)}", err=True)
    for store, key, size in drift.orphans:
        orphan = _("%(store)s store: %(key)s (%(size)s) belongs to no file in the database")
        click.echo("  " + orphan % {"store": store, "key": key, "size": human(size)}, err=True)
    for leftover in drift.leftovers:
        click.echo(f"  {describe(leftover)}", err=True)
    if drift.leftovers:
        click.echo(
            "  " + _("run `eventflow storage check --repair` to reclaim what processes that ended left"), err=True
        )
    if not drift.ok:
        problems = len(drift.missing) + len(drift.wrong_size) + len(drift.orphans) + len(drift.leftovers)
        raise CliError(_("%(count)s difference(s) between the database and the disk") % {"count": problems})
    click.echo(_("Checked %(count)s file(s): the database and the disk agree.") % {"count": drift.checked})


@storage.command("migrate")
@click.option("--to", "target", required=True, metavar="URL", help="A bucket URL (s3://BUCKET/PREFIX?…) or a folder.")
@click.option("--store", type=click.Choice(["hot", "cold"]), default="hot", show_default=True, help="Which store.")
@pass_runtime
def storage_migrate(runtime: Runtime, target: str, store: str) -> None:
    """Copy every file of a store to another place, checked; rerun it to finish or catch up. Nothing is deleted.

    Then point EVENTFLOW_HOT_URL (or EVENTFLOW_COLD_URL) at the new place and restart eventflow.
    """
    services = runtime.services
    destination = store_at(target, store, "--to")
    if _same_place(runtime.settings, store, target):
        raise CliError(_("--to names the %(store)s store itself: give another place") % {"store": store})
    plan = services.migration.plan(store)
    with click.progressbar(length=len(plan), label=_("Copying"), show_pos=True) as bar:
        result = services.migration.migrate(store, destination, lambda _file: bar.update(1))
    copied = {
        "files": result.copied,
        "size": human(result.copied_bytes),
        "store": store,
        "target": target,
        "there": result.already_there,
    }
    click.echo(
        _(
            "Copied %(files)s file(s), %(size)s, of the %(store)s store to %(target)s; %(there)s already there. "
            "Nothing was deleted."
        )
        % copied
    )
    if result.problems:
        for problem in result.problems:
            click.echo("  " + _("not copied: %(problem)s") % {"problem": said(problem)}, err=True)
        missed = _("%(count)s file(s) were not copied; run again once fixed")
        raise CliError(missed % {"count": len(result.problems)})
    variable = "EVENTFLOW_HOT_URL" if store == "hot" else "EVENTFLOW_COLD_URL"
    setting = f"{variable}={target!r}"
    click.echo(
        _("Next: stop eventflow, run this again to catch up, set %(setting)s, start it again.") % {"setting": setting}
    )


def _same_place(settings: Settings, store: str, target: str) -> bool:
    url = settings.hot_url if store == "hot" else settings.cold_url
    folder = settings.files_dir if store == "hot" else settings.cold_dir
    if target.startswith("s3://"):
        return url is not None and BucketUrl.parse(target, "--to").overlaps(url)
    return url is None and Path(target).expanduser().resolve() == folder


COMMANDS: list[click.Command] = [archive, archive_event, restore, purge, storage]
