"""The change feed open pages poll: ``GET /api/changes`` answers the revision with an ETag, 304 while unchanged."""

from __future__ import annotations

import re

import falcon.testing

from eventflow.bootstrap import Services
from eventflow.core.model import Bar, DeliverableTemplate, User
from tests.support.web import Api, cookie_api, login


def poll(api: Api, etag: str | None = None) -> falcon.testing.Result:
    return api.get("/api/changes", headers={"If-None-Match": etag} if etag else {})


def test_a_poll_costs_a_304_until_someone_changes_something(
    client: falcon.testing.TestClient,
    services: Services,
    admin: User,
    member: User,
    bar: Bar,
    templates: list[DeliverableTemplate],
) -> None:
    ada, max_ = cookie_api(client, admin), cookie_api(client, member)
    first = poll(ada)
    assert first.status_code == 200 and isinstance(first.json["revision"], int)
    etag = first.headers["ETag"]
    assert etag == f'"r{first.json["revision"]}"'
    assert "no-store" not in first.headers["Cache-Control"]

    unchanged = poll(ada, etag)
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert poll(max_, etag).status_code == 304  # one revision for everyone
    login(client, member.email)  # sessions are not what pages show: no change
    assert poll(ada, etag).status_code == 304

    created = max_.post("/api/events", json={"name": "Nuit Disco", "date": "2026-12-12", "bar_ids": [bar.id]})
    assert created.status_code == 201, created.text
    changed = poll(ada, etag)
    assert changed.status_code == 200 and changed.json["revision"] > first.json["revision"]
    assert changed.headers["ETag"] != etag
    assert poll(ada, changed.headers["ETag"]).status_code == 304
    assert poll(ada, '"r-1", ' + changed.headers["ETag"]).status_code == 304  # a list of tags, as HTTP allows


def test_a_page_carries_the_revision_its_poll_starts_from(
    client: falcon.testing.TestClient, admin: User, bar: Bar, templates: list[DeliverableTemplate]
) -> None:
    ada = cookie_api(client, admin)
    page = ada.get("/calendar")
    shown = re.search(r'<meta name="eventflow-revision" content="(\d+)">', page.text)
    assert shown is not None
    assert poll(ada, f'"r{shown.group(1)}"').status_code == 304


def test_only_logged_in_callers_poll_and_tokens_get_no_revision(
    client: falcon.testing.TestClient, as_member: Api
) -> None:
    anonymous = client.simulate_get("/api/changes")
    assert anonymous.status_code == 401 and anonymous.json["title"]
    by_token = poll(as_member, '"r-"')
    assert by_token.status_code == 200 and by_token.json == {"revision": None}  # never a 304: nothing to compare
