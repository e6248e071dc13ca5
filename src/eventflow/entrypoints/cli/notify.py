"""``digest`` and ``remind`` (cron, once a day) and ``outbox`` (send, list, retry): the e-mails eventflow sends."""

from __future__ import annotations

import click

from eventflow.core.model import OutboxMessage, OutboxStatus
from eventflow.core.services.outbox import SendReport
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import Runtime, _, echo_json, echo_table, json_option, pass_runtime


def say_sent(report: SendReport) -> None:
    click.echo(_("Sent %(count)s e-mail(s).") % {"count": report.sent})
    if report.retrying or report.given_up:
        failing = _("%(retrying)s will be retried, %(given_up)s given up: see `eventflow outbox list --failed`.")
        click.echo(failing % {"retrying": report.retrying, "given_up": report.given_up}, err=True)


@click.command()
@click.option("--queue-only", is_flag=True, help="Queue the digests without sending the outbox now.")
@pass_runtime
def digest(runtime: Runtime, queue_only: bool) -> None:
    """E-mail each user who opted in what is late and what is due this week, grouped by event.

    Run it from cron once a day: nobody gets an empty digest, and a second run the same day sends nothing more.
    """
    services = runtime.services
    report = services.digest.run()
    counts = {"queued": len(report.queued), "idle": len(report.nothing_to_say), "done": len(report.already_done)}
    click.echo(
        _("Digest queued for %(queued)s user(s); nothing to say to %(idle)s; %(done)s already had today's.") % counts
    )
    if not queue_only:
        say_sent(services.outbox.send_due())


@click.command()
@click.option("--queue-only", is_flag=True, help="Queue the reminders without sending the outbox now.")
@pass_runtime
def remind(runtime: Runtime, queue_only: bool) -> None:
    """Remind people of the deliverables not yet approved whose J-7 is in two days, or today.

    Each assignee (or, for a deliverable nobody is assigned to, whoever planned the night, commented on it or uploaded
    to it) who kept the "reminders" e-mail gets one reminder per deliverable and step, in their language. Run it from
    cron once a day (the web server also does, hourly from 8:00): a second run the same day sends nothing more.
    """
    services = runtime.services
    report = services.reminders.run()
    counts = {"queued": report.queued, "sent": report.already_sent}
    click.echo(_("Reminders queued: %(queued)s; already sent: %(sent)s.") % counts)
    if not queue_only:
        say_sent(services.outbox.send_due())


@click.group()
def outbox() -> None:
    """E-mails waiting, sent or failing (admins)."""


@outbox.command("send")
@pass_runtime
def outbox_send(runtime: Runtime) -> None:
    """Send every e-mail that is due now (cron may run it every minute; the web server also does it)."""
    say_sent(runtime.services.outbox.send_due())


@outbox.command("list")
@click.option("--failed", is_flag=True, help="Only e-mails not sent that met an error (retrying or given up).")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many.")
@json_option
@pass_runtime
def outbox_list(runtime: Runtime, failed: bool, limit: int, as_json: bool) -> None:
    """The newest e-mails first, with their state, attempts and last error."""
    messages = runtime.services.outbox.list(None, failing_only=failed, limit=limit)
    if as_json:
        echo_json([presenters.OutboxMessage.json(m) for m in messages])
        return
    echo_table(
        [_("ID"), _("STATUS"), _("TRIES"), _("TO"), _("SUBJECT"), _("NEXT TRY"), _("LAST ERROR")],
        [row(m) for m in messages],
        _("No failing e-mail.") if failed else _("No e-mail queued yet."),
    )


def row(message: OutboxMessage) -> list[object]:
    next_try = message.next_attempt_at.strftime("%Y-%m-%d %H:%M") if message.status is OutboxStatus.PENDING else ""
    return [message.id, message.status.value, message.attempts, message.recipient, message.subject[:60], next_try,
            (message.last_error or "")[:80]]  # fmt: skip


@outbox.command("retry")
@click.argument("message_id", type=click.IntRange(min=1), metavar="ID")
@pass_runtime
def outbox_retry(runtime: Runtime, message_id: int) -> None:
    """Queue again an e-mail that was given up on, and try to send it now."""
    services = runtime.services
    message = services.outbox.retry(None, message_id)
    click.echo(_("E-mail %(id)s to %(recipient)s queued again.") % {"id": message.id, "recipient": message.recipient})
    say_sent(services.outbox.send_due())


COMMANDS: list[click.Command] = [digest, remind, outbox]
