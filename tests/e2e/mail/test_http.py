"""The collaboration API: the audit log (who deleted what; CSV), the outbox for admins, comment edits and deletions."""

from __future__ import annotations

import csv
import io

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UserChanges
from eventflow.core.services.comments import DELETED_TRACE
from eventflow.entrypoints.web.app import create_app
from tests.support.mail import Mailbox
from tests.support.team import Team
from tests.support.web import Api, token_api


@pytest.fixture
def client(services: Services) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(services))


@pytest.fixture
def as_camille(client: falcon.testing.TestClient, services: Services, team: Team) -> Api:
    return token_api(client, services, team.camille)


@pytest.fixture
def as_alex(client: falcon.testing.TestClient, services: Services, team: Team) -> Api:
    return token_api(client, services, team.alex)


def test_the_audit_log_answers_who_deleted_what(
    services: Services, team: Team, as_camille: Api, as_alex: Api, clock: FixedClock
) -> None:
    comment = as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": "Version « brouillon »"}).json
    clock.advance(days=1)
    assert as_alex.delete(f"/api/comments/{comment['id']}").status_code == 200

    found = as_camille.get("/api/audit", params={"action": "comment.deleted"}).json
    assert [(e["actor_name"], e["entity_id"], e["before"]) for e in found] == [
        ("Alex Martin", comment["id"], {"text": "Version « brouillon »"})
    ]
    by_person = as_camille.get("/api/audit", params={"person": "alex.martin@bars.fr", "action": "comment."}).json
    assert [e["action"] for e in by_person] == ["comment.deleted", "comment.added"]
    on_day = as_camille.get("/api/audit", params={"entity_type": "comment", "from": "2026-11-26", "to": "2026-11-26"})
    assert [e["action"] for e in on_day.json] == ["comment.deleted"]
    by_entity = as_camille.get("/api/audit", params={"entity_type": "deliverable", "entity_id": team.slot_id}).json
    assert [e["action"] for e in by_entity] == ["slot.created"]


def test_the_audit_log_exports_as_csv_with_formulas_defused(
    services: Services, team: Team, as_camille: Api, as_alex: Api
) -> None:
    as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": '=HYPERLINK("http://evil")'})
    result = as_camille.get("/api/audit.csv", params={"entity_type": "comment"})
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/csv; charset=utf-8"
    assert "eventflow-audit.csv" in result.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(result.text.removeprefix("\ufeff"))))
    assert rows[0] == ["at", "actor_id", "actor", "action", "entity_type", "entity_id", "event_id", "before", "after"]
    (row,) = rows[1:]
    assert row[2:5] == ["Alex Martin <alex.martin@bars.fr>", "comment.added", "comment"]
    assert "HYPERLINK" in row[8] and not row[8].startswith("=")


def test_only_admins_read_the_audit_log_and_the_outbox(as_alex: Api) -> None:
    for path in ("/api/audit", "/api/audit.csv", "/api/outbox"):
        assert as_alex.get(path).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [({"from": "2026-12-02", "to": "2026-12-01"}, "to"), ({"person": "nobody"}, "person"), ({"limit": "0"}, "limit")],
)
def test_a_bad_audit_search_is_a_422_naming_the_parameter(as_camille: Api, params: dict[str, str], field: str) -> None:
    result = as_camille.get("/api/audit", params=params)
    assert result.status_code == 422
    assert result.json["field"] == field


def test_admins_see_failing_e_mails_and_retry_them(
    services: Services, team: Team, as_camille: Api, mailbox: Mailbox
) -> None:
    services.comments.add(team.camille, team.event_id, "@alex regarde")
    mailbox.refuse_with = "451 4.3.0 Try again later"
    services.outbox.send_due()
    (failing,) = as_camille.get("/api/outbox", params={"failed": "true"}).json
    assert (failing["recipient"], failing["status"], failing["attempts"]) == ("alex.martin@bars.fr", "pending", 1)
    assert "451" in failing["last_error"]
    assert as_camille.post(f"/api/outbox/{failing['id']}/retry").status_code == 409  # still being retried


def test_the_author_edits_a_comment_and_the_newly_mentioned_hear_of_it(
    services: Services, team: Team, as_alex: Api, mailbox: Mailbox
) -> None:
    services.users.update(None, team.lea.id or 0, UserChanges(notifications=["mention"]))
    comment = as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": "Prêt pour @Camille"}).json
    services.outbox.send_due()
    edited = as_alex.patch(f"/api/comments/{comment['id']}", json={"text": "Prêt pour @Camille et @léa"})
    assert edited.status_code == 200
    assert edited.json["text"] == "Prêt pour @Camille et @léa"
    services.outbox.send_due()
    assert mailbox.recipients == ["camille@bars.fr", "lea@bars.fr"]  # Camille once, not again on the edit


def test_only_the_author_edits_and_the_author_or_an_admin_deletes(
    services: Services, team: Team, as_alex: Api, as_camille: Api
) -> None:
    comment = as_camille.post(f"/api/events/{team.event_id}/comments", json={"text": "Brief en pièce jointe"}).json
    path = f"/api/comments/{comment['id']}"
    assert as_alex.patch(path, json={"text": "piraté"}).status_code == 403
    assert as_alex.delete(path).status_code == 403
    assert as_camille.patch(path, json={"text": "  "}).status_code == 422

    mine = as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": "oups"}).json
    assert as_camille.delete(f"/api/comments/{mine['id']}").json["text"] == DELETED_TRACE  # admins moderate
    assert as_alex.delete(f"/api/comments/{mine['id']}").status_code == 404  # already gone


def test_a_deleted_comment_leaves_a_trace_in_the_thread(services: Services, team: Team, as_alex: Api) -> None:
    first = as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": "Premier jet"}).json
    reply = as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": "Suite", "parent_id": first["id"]}).json
    as_alex.delete(f"/api/comments/{first['id']}")
    thread = as_alex.get(f"/api/events/{team.event_id}/comments").json
    assert [(c["id"], c["text"], c["parent_id"]) for c in thread] == [
        (first["id"], DELETED_TRACE, None),
        (reply["id"], "Suite", first["id"]),
    ]


def test_the_audit_log_comes_a_page_at_a_time_with_the_same_filters_in_its_csv(
    services: Services, team: Team, as_camille: Api, as_alex: Api, clock: FixedClock
) -> None:
    for i in range(7):
        as_alex.post(f"/api/events/{team.event_id}/comments", json={"text": f"Remarque {i}"})
        clock.advance(minutes=1)
    search = {"person": str(team.alex.id), "action": "comment.added"}

    pages = [as_camille.get("/api/audit", params={**search, "limit": "3", "offset": str(o)}).json for o in (0, 3, 6)]

    texts = [[e["after"]["text"] for e in page] for page in pages]
    assert texts == [["Remarque 6", "Remarque 5", "Remarque 4"], ["Remarque 3", "Remarque 2", "Remarque 1"],
                     ["Remarque 0"]]  # fmt: skip
    assert as_camille.get("/api/audit", params={**search, "offset": "7"}).json == []
    exported = as_camille.get("/api/audit.csv", params=search).text.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(exported)))[1:]
    assert [row[3] for row in rows] == ["comment.added"] * 7, "the CSV has every match, not one page"
    assert as_camille.get("/api/audit", params={"offset": "-1"}).json["field"] == "offset"
