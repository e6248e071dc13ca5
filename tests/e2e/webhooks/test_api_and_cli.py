"""The webhook API (admins) and ``eventflow webhook``: add, list, test against a real receiver, remove; bad input is a
clear 422 (API) or one ``Error:`` line (CLI)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.services.events import SlotChange
from eventflow.entrypoints.cli import cli
from tests.support.receiver import Receiver, signature_is_valid
from tests.support.web import Api
from tests.support.webhooks import SECRET, Night


def body(url: str, **changes: object) -> dict[str, object]:
    return {"url": url, "secret": SECRET, "events": ["deliverable.approved", "version.uploaded"], **changes}


def test_an_admin_adds_lists_tests_and_deletes_a_webhook(as_admin: Api, receiver: Receiver, clock: FixedClock) -> None:
    created = as_admin.post("/api/webhooks", json=body(f"{receiver.url}/ef", format="slack"))
    assert created.status_code == 201, created.text
    hook = created.json
    assert hook["url"] == f"{receiver.url}/ef" and hook["format"] == "slack" and hook["language"] == "fr"
    assert hook["events"] == ["deliverable.approved", "version.uploaded"] and hook["last_delivery"] is None
    assert SECRET not in created.text  # the secret is never shown back

    tested = as_admin.post(f"/api/webhooks/{hook['id']}/test")
    assert tested.status_code == 200, tested.text
    assert (tested.json["status"], tested.json["status_code"], tested.json["event"]) == ("sent", 200, "webhook.test")
    (got,) = receiver.received
    assert got.json() == {"text": "Message de test d'eventflow : ce webhook fonctionne."}
    assert signature_is_valid(SECRET, got.headers, got.body, clock.now().timestamp())

    listed = as_admin.get("/api/webhooks").json
    assert [(h["id"], h["last_delivery"]["status_code"]) for h in listed] == [(hook["id"], 200)]
    assert as_admin.delete(f"/api/webhooks/{hook['id']}").status_code == 204
    assert as_admin.get(f"/api/webhooks/{hook['id']}").status_code == 404
    assert as_admin.delete(f"/api/webhooks/{hook['id']}").status_code == 404
    audit = as_admin.get("/api/audit").text
    assert "webhook.created" in audit and SECRET not in audit  # nor kept in the audit log


def test_a_test_the_receiver_refuses_says_how_it_answered(as_admin: Api, receiver: Receiver) -> None:
    hook = as_admin.post("/api/webhooks", json=body(receiver.url)).json
    receiver.answers = [503]
    tested = as_admin.post(f"/api/webhooks/{hook['id']}/test").json
    assert (tested["status"], tested["status_code"], tested["error"]) == ("pending", 503, "HTTP 503 receiver says no")
    log = as_admin.get(f"/api/webhooks/{hook['id']}/deliveries").json
    assert [(d["event"], d["attempts"]) for d in log] == [("webhook.test", 1)]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"url": "ftp://files.bars.fr/hook"}, "url"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "http://"}, "url"),
        ({"url": "https://hooks.bars.fr:99999/x"}, "url"),
        ({"events": []}, "events"),
        ({"events": ["deliverable.approved", "night.exploded"]}, "events"),
        ({"secret": "short"}, "secret"),
        ({"format": "xml"}, "format"),
        ({"language": "de"}, "language"),
    ],
)
def test_a_bad_webhook_is_refused_with_the_faulty_field(as_admin: Api, changes: dict[str, object], field: str) -> None:
    refused = as_admin.post("/api/webhooks", json={**body("https://hooks.bars.fr/ef"), **changes})
    assert refused.status_code == 422, refused.text
    assert refused.json["field"] == field
    assert as_admin.get("/api/webhooks").json == []


def test_members_may_not_see_or_add_webhooks(as_member: Api, as_admin: Api) -> None:
    hook = as_admin.post("/api/webhooks", json=body("https://hooks.bars.fr/ef")).json
    assert as_member.get("/api/webhooks").status_code == 403
    assert as_member.post("/api/webhooks", json=body("https://hooks.bars.fr/2")).status_code == 403
    assert as_member.post(f"/api/webhooks/{hook['id']}/test").status_code == 403
    assert as_member.delete(f"/api/webhooks/{hook['id']}").status_code == 403


def run(services: Services, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), obj=services)


def test_the_command_line_manages_webhooks(services: Services, night: Night, receiver: Receiver) -> None:
    added = run(services, "webhook", "add", f"{receiver.url}/cli", "--secret", SECRET,
                "--event", "deliverable.approved", "--event", "comment.added", "--format", "teams")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert added.output == f"Webhook 1 added: {receiver.url}/cli hears deliverable.approved, comment.added (teams).\n"

    assert run(services, "webhook", "test", "1").output == "Delivered: the receiver answered 200.\n"
    receiver.answers = [500]
    refused = run(services, "webhook", "test", "1")
    assert refused.exit_code == 1
    assert "Error: the receiver did not accept the test: HTTP 500 receiver says no" in refused.output

    services.events.update_slot(night.ada, night.slot_id, SlotChange(status="approved"))
    assert run(services, "webhook", "deliver").output == "Delivered 1; 0 will be retried, 0 given up.\n"
    table = run(services, "webhook", "list").output
    assert f"{receiver.url}/cli" in table and "sent 200 (deliverable.approved" in table
    (listed,) = json.loads(run(services, "webhook", "list", "--json").output)
    assert listed["id"] == 1 and listed["last_delivery"]["event"] == "deliverable.approved"

    assert run(services, "webhook", "remove", "1").output == "Webhook 1 removed.\n"
    gone = run(services, "webhook", "remove", "1")
    assert (gone.exit_code, gone.output) == (1, "Error: webhook 1 does not exist\n")
    assert run(services, "webhook", "list").output == "No webhook yet.\n"


def test_the_command_line_refuses_a_bad_webhook_in_one_line(services: Services) -> None:
    bad_url = run(services, "webhook", "add", "ftp://x.fr", "--secret", SECRET, "--event", "comment.added")
    assert bad_url.exit_code == 1
    assert bad_url.output.startswith("Error: the webhook URL must be an http:// or https:// address")
    bad_event = run(services, "webhook", "add", "https://x.fr", "--secret", SECRET, "--event", "nope")
    assert bad_event.exit_code == 2 and "'nope' is not one of" in bad_event.output


def test_the_admin_page_lists_webhooks_with_their_last_deliveries(
    as_admin: Api, as_member: Api, receiver: Receiver
) -> None:
    hook = as_admin.post("/api/webhooks", json=body(f"{receiver.url}/page")).json
    receiver.answers = [500]
    as_admin.post(f"/api/webhooks/{hook['id']}/test")
    page = as_admin.get("/admin/webhooks").text
    assert f"{receiver.url}/page" in page and f'data-webhook-id="{hook["id"]}"' in page
    assert "Envoyer un test" in page and "<strong>500</strong>" in page and "HTTP 500 receiver says no" in page
    assert 'name="secret"' in page and 'value="deliverable.approved" data-list checked' in page
    assert as_member.get("/admin/webhooks").status_code == 403
