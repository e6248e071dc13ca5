"""A slot's ETag and ``If-Match``: a client that wants to know changes a slot only if nobody changed it since it
read it (412 otherwise); a change the database cancelled is made again, or answered 503 with Retry-After."""

from __future__ import annotations

import io

import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Event, User
from eventflow.core.services.events import SlotChange
from tests.support import english, fakes, samples
from tests.support.fakes import Clashing
from tests.support.web import Api

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member
clashing, services = fakes.clashing, fakes.services_on_clashing


@pytest.fixture
def slot_id(services: Services, event: Event) -> int:
    return services.events.card(event.id or 0).slots[0].slot.id or 0


def read_etag(api: Api, slot_id: int) -> str:
    resp = api.get(f"/api/deliverables/{slot_id}")
    assert resp.status_code == 200
    assert resp.headers["ETag"] == resp.json["etag"]
    return resp.headers["ETag"]


def test_a_slot_carries_one_etag_in_its_header_the_card_and_the_patch_answer(
    as_member: Api, event: Event, slot_id: int
) -> None:
    etag = read_etag(as_member, slot_id)
    card = as_member.get(f"/api/events/{event.id}").json
    assert next(s["etag"] for s in card["deliverables"] if s["id"] == slot_id) == etag
    etags = {s["etag"] for s in card["deliverables"]}
    assert len(etags) == len(card["deliverables"])  # no two slots share one

    changed = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "in_progress"})
    assert changed.headers["ETag"] == changed.json["etag"] != etag
    assert read_etag(as_member, slot_id) == changed.headers["ETag"]


def test_a_change_based_on_what_is_still_there_goes_through(as_member: Api, slot_id: int) -> None:
    etag = read_etag(as_member, slot_id)
    resp = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"}, headers={"If-Match": etag})
    assert resp.status_code == 200 and resp.json["status"] == "approved"
    star = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "review"}, headers={"If-Match": "*"})
    assert star.status_code == 200 and star.json["status"] == "review"


def test_a_change_based_on_an_outdated_read_is_412_and_changes_nothing(
    as_member: Api, as_admin: Api, member: User, event: Event, slot_id: int
) -> None:
    seen = read_etag(as_member, slot_id)
    assert as_admin.patch(f"/api/deliverables/{slot_id}", json={"assignee_id": member.id}).status_code == 200

    late = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"}, headers={"If-Match": seen})

    assert late.status_code == 412
    assert late.json["title"] == "Precondition failed" and "changed by someone else" in late.json["description"]
    now = as_member.get(f"/api/deliverables/{slot_id}").json
    assert (now["status"], now["assignee_id"]) == ("todo", member.id)
    activity = as_member.get(f"/api/events/{event.id}/activity").json
    assert [a["action"] for a in activity].count("slot.updated") == 1


def test_a_new_version_outdates_the_etag_even_when_the_status_stays_review(
    as_member: Api, services: Services, member: User, slot_id: int
) -> None:
    services.events.update_slot(member, slot_id, SlotChange(status="review"))
    seen = read_etag(as_member, slot_id)
    services.assets.upload_version(member, slot_id, "affiche.pdf", io.BytesIO(samples.pdf(1)))
    approve = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"}, headers={"If-Match": seen})
    assert approve.status_code == 412


@pytest.mark.parametrize(
    "if_match",
    ['W/"{etag}"', '"{other}"', '"banana"', "{bare}"],
    ids=["weak", "another slot's", "never given", "unquoted"],
)
def test_a_tag_that_is_not_this_slot_s_current_one_never_matches(
    as_member: Api, services: Services, event: Event, slot_id: int, if_match: str
) -> None:
    etag = read_etag(as_member, slot_id)
    other = services.events.add_slot(None, event.id or 0, "Flyer")
    assert other.row_version == 1 and etag.endswith('-1"')
    header = if_match.format(etag=etag.strip('"'), other=f"{other.id}-1", bare=etag.strip('"'))
    resp = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"}, headers={"If-Match": header})
    assert resp.status_code == (200 if if_match == "{bare}" else 412)


def test_a_change_that_names_no_new_value_keeps_the_etag(as_member: Api, slot_id: int) -> None:
    etag = read_etag(as_member, slot_id)
    same = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "todo"}, headers={"If-Match": etag})
    assert same.status_code == 200 and same.headers["ETag"] == etag


def test_a_change_the_database_cancelled_is_made_again_and_answered_once(
    as_member: Api, clashing: Clashing, slot_id: int
) -> None:
    read_etag(as_member, slot_id)  # the token's first use is written: done before the clashes begin
    clashing.cancel(times=2)
    resp = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"})
    assert resp.status_code == 200 and resp.json["status"] == "approved"


def test_a_change_the_database_keeps_cancelling_is_503_with_retry_after_and_changes_nothing(
    as_member: Api, clashing: Clashing, slot_id: int
) -> None:
    read_etag(as_member, slot_id)
    clashing.cancel(times=10)
    resp = as_member.patch(f"/api/deliverables/{slot_id}", json={"status": "approved"})
    assert resp.status_code == 503
    assert resp.headers["Retry-After"] == "1"
    assert resp.json["title"] == "Busy" and "try again in a moment" in resp.json["description"]
    clashing.cancel(times=0)
    assert as_member.get(f"/api/deliverables/{slot_id}").json["status"] == "todo"


def test_an_unknown_slot_is_404(as_member: Api) -> None:
    assert as_member.get("/api/deliverables/999").status_code == 404
