"""``webhook add|list|remove|test|deliver``: outgoing webhooks, signed JSON POSTs about what changes."""

from __future__ import annotations

import click

from eventflow.core.model import WebhookDelivery, WebhookFormat
from eventflow.core.rules_webhooks import EVENT_NAMES
from eventflow.core.services.webhooks import WebhookView
from eventflow.entrypoints import presenters
from eventflow.entrypoints.cli.common import CliError, Runtime, _, echo_json, echo_table, json_option, pass_runtime


@click.group()
def webhook() -> None:
    """Outgoing webhooks: each change they listen to is POSTed to them as signed JSON (or a Slack/Teams message)."""


@webhook.command("add")
@click.argument("url")
@click.option("--secret", required=True, help="Signs every delivery (HMAC-SHA256, X-Eventflow-Signature); 16+ chars.")
@click.option("--event", "events", multiple=True, required=True, type=click.Choice(EVENT_NAMES),
              help="An event to hear about; repeat the option for several.")  # fmt: skip
@click.option("--format", "format_", type=click.Choice([f.value for f in WebhookFormat]), default="json",
              show_default=True, help="json, or what Slack or Teams incoming webhooks accept.")  # fmt: skip
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the sentences in the payloads.")  # fmt: skip
@pass_runtime
def webhook_add(runtime: Runtime, url: str, secret: str, events: tuple[str, ...], format_: str, language: str) -> None:
    """Register URL (http:// or https://) for the given events."""
    hook = runtime.services.webhooks.add(None, url, secret, list(events), format_, language)
    values = {"id": hook.id, "url": hook.url, "events": ", ".join(hook.events), "format": hook.format.value}
    click.echo(_("Webhook %(id)s added: %(url)s hears %(events)s (%(format)s).") % values)


@webhook.command("list")
@json_option
@pass_runtime
def webhook_list(runtime: Runtime, as_json: bool) -> None:
    """The webhooks, with the outcome of each one's latest delivery."""
    views = runtime.services.webhooks.list(None)
    if as_json:
        echo_json([presenters.Webhook.json(v) for v in views])
        return
    headers = [_("ID"), _("URL"), _("FORMAT"), _("EVENTS"), _("LAST DELIVERY")]
    echo_table(headers, [row(v) for v in views], _("No webhook yet."))


def row(view: WebhookView) -> list[object]:
    hook = view.webhook
    return [
        hook.id,
        hook.url,
        hook.format.value,
        ", ".join(hook.events),
        outcome(view.recent[0]) if view.recent else "-",
    ]


def outcome(delivery: WebhookDelivery) -> str:
    """``sent 200 (event) at …`` or ``pending: HTTP 500 … (event)``."""
    when = (delivery.last_attempt_at or delivery.created_at).strftime("%Y-%m-%d %H:%M")
    code = f" {delivery.last_status_code}" if delivery.last_status_code is not None else ""
    error = f": {delivery.last_error[:60]}" if delivery.last_error else ""
    return f"{delivery.status.value}{code}{error} ({delivery.event_name}, {when} UTC)"


@webhook.command("remove")
@click.argument("webhook_id", type=click.IntRange(min=1), metavar="ID")
@pass_runtime
def webhook_remove(runtime: Runtime, webhook_id: int) -> None:
    """Delete a webhook; its deliveries not sent yet are dropped."""
    runtime.services.webhooks.remove(None, webhook_id)
    click.echo(_("Webhook %(id)s removed.") % {"id": webhook_id})


@webhook.command("test")
@click.argument("webhook_id", type=click.IntRange(min=1), metavar="ID")
@pass_runtime
def webhook_test(runtime: Runtime, webhook_id: int) -> None:
    """POST a webhook.test delivery now and say how the receiver answered (exit 1 when it did not accept it)."""
    delivery = runtime.services.webhooks.test(None, webhook_id)
    if delivery.last_error is not None:
        raise CliError(_("the receiver did not accept the test: %(error)s") % {"error": delivery.last_error})
    click.echo(_("Delivered: the receiver answered %(status)s.") % {"status": delivery.last_status_code})


@webhook.command("deliver")
@pass_runtime
def webhook_deliver(runtime: Runtime) -> None:
    """POST every delivery that is due now (the web server does it every 15 s; cron may run this instead)."""
    report = runtime.services.webhooks.deliver_due()
    counts = {"sent": report.sent, "retrying": report.retrying, "given_up": report.given_up}
    click.echo(_("Delivered %(sent)s; %(retrying)s will be retried, %(given_up)s given up.") % counts)


COMMANDS: list[click.Command] = [webhook]
