"""Caps on requests that send a body, decided before the body is read, and the 408 for a body that stalls.

The app is called from real threads with a body that stalls (``StalledBody``), as a slow client's would under
gunicorn: the held requests keep their thread and their slots while the test sends more.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import falcon
import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Deliverable, Event, User
from eventflow.entrypoints.web import admission
from eventflow.entrypoints.web.server import THREADS
from tests.support import english, samples
from tests.support.http import multipart
from tests.support.web import PASSWORD

#: These tests read the API's messages in English, the source texts: their people read English.
admin, member = english.admin, english.member


#: Enough of the file for the upload to hold its quota and write its temporary file before the body stalls.
ARRIVED = 600 * 1024


class StalledBody:
    """A request body of which ``arrived`` bytes came, then nothing: a read that needs more waits until
    ``give_up()``, then fails as the server's socket timeout makes it fail (``TimeoutError``)."""

    def __init__(self, data: bytes, arrived: int) -> None:
        self._data = io.BytesIO(data)
        self._arrived = arrived
        self._gave_up = threading.Event()
        self.waiting = threading.Event()

    def read(self, size: int | None = -1) -> bytes:
        """Like gunicorn's body: ``size`` bytes, or a wait until they come."""
        wanted = len(self._data.getbuffer()) if size is None or size < 0 else self._data.tell() + size
        if wanted > self._arrived:
            self.waiting.set()
            self._gave_up.wait(30)
            raise TimeoutError("timed out")
        return self._data.read(size)

    def give_up(self) -> None:
        self._gave_up.set()


class Held:
    """A request running in its own thread, its body stalled."""

    def __init__(
        self, app: falcon.App, method: str, path: str, headers: dict[str, str], body: bytes, arrived: int = 100
    ) -> None:
        self.body = StalledBody(body, arrived)
        self.status = ""
        self.answer: dict[str, Any] = {}
        env = falcon.testing.create_environ(path, method=method, headers={**headers, "Content-Length": str(len(body))})
        env["wsgi.input"] = self.body
        self._thread = threading.Thread(target=self._run, args=(app, env), daemon=True)
        self._thread.start()

    def stalls(self) -> Held:
        assert self.body.waiting.wait(10), "the request never started waiting for its body"
        return self

    def answered_without_its_body(self) -> str:
        self._thread.join(10)
        assert not self._thread.is_alive() and not self.body.waiting.is_set()
        return self.status

    def _run(self, app: falcon.App, env: dict[str, Any]) -> None:
        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            self.status = status

        self.answer = json.loads(b"".join(app(env, start_response)) or b"{}")

    def end(self) -> str:
        self.body.give_up()
        self._thread.join(10)
        assert not self._thread.is_alive()
        return self.status


@pytest.fixture
def people(services: Services, admin: User, member: User) -> list[dict[str, str]]:
    """Bearer headers for the admin, the member and two more members."""
    users = [admin, member] + [
        services.users.add(None, f"p{i}@bars.fr", f"P {i}", password=PASSWORD, language="en") for i in (1, 2)
    ]
    return [{"Authorization": f"Bearer {services.users.create_token(None, u.email)}"} for u in users]


@pytest.fixture
def slot(services: Services, event: Event) -> Deliverable:
    return services.events.card(event.id or 0).slots[0].slot


@pytest.fixture
def held() -> Iterator[list[Held]]:
    requests: list[Held] = []
    yield requests
    for request in requests:
        request.end()


def pdf_upload(size: int = 2 * ARRIVED) -> tuple[bytes, dict[str, str]]:
    body, content_type = multipart([("file", ("poster.pdf", samples.pdf() + bytes(size)))])
    return body, {"Content-Type": content_type}


def hold_upload(app: falcon.App, slot: Deliverable, headers: dict[str, str]) -> Held:
    body, type_header = pdf_upload()
    path = f"/api/deliverables/{slot.id}/versions"
    return Held(app, "POST", path, {**headers, **type_header}, body, ARRIVED).stalls()


def hold_comment(app: falcon.App, event: Event, headers: dict[str, str]) -> Held:
    body = json.dumps({"text": "x" * 1000}).encode()
    headers = {**headers, "Content-Type": "application/json"}
    return Held(app, "POST", f"/api/events/{event.id}/comments", headers, body).stalls()


def upload_now(client: falcon.testing.TestClient, slot: Deliverable, headers: dict[str, str]) -> falcon.testing.Result:
    body, type_header = pdf_upload(1000)
    return client.simulate_post(f"/api/deliverables/{slot.id}/versions", body=body, headers={**headers, **type_header})


def assert_refused(result: falcon.testing.Result, status: int, words: str) -> None:
    assert result.status_code == status, result.text
    assert result.headers["Retry-After"] == str(admission.RETRY_AFTER_SECONDS)
    assert words in result.json["description"] and result.json["title"]


def test_a_person_with_three_uploads_under_way_is_told_429_before_the_fourth_body_is_read(
    app: falcon.App, client: falcon.testing.TestClient, slot: Deliverable, people: list[dict[str, str]],
    held: list[Held],
) -> None:  # fmt: skip
    held += [hold_upload(app, slot, people[0]) for _ in range(admission.UPLOADS_PER_PERSON)]

    fourth = Held(app, "POST", f"/api/deliverables/{slot.id}/versions", people[0], b"x" * 1000)
    assert fourth.answered_without_its_body() == "429 Too Many Requests"
    assert_refused(upload_now(client, slot, people[0]), 429, "you already have 3 uploads under way")
    assert upload_now(client, slot, people[1]).status_code == 201  # someone else still uploads

    held.pop().end()
    assert upload_now(client, slot, people[0]).status_code == 201  # a finished upload gives its place back


def test_a_busy_worker_refuses_more_uploads_with_503_but_still_reads_and_takes_small_writes(
    app: falcon.App, client: falcon.testing.TestClient, slot: Deliverable, event: Event,
    people: list[dict[str, str]], held: list[Held],
) -> None:  # fmt: skip
    held += [hold_upload(app, slot, people[0]) for _ in range(3)] + [hold_upload(app, slot, people[1])]

    assert_refused(upload_now(client, slot, people[2]), 503, "as many uploads as it can")
    tus = client.simulate_post("/api/uploads", headers={**people[3], "Tus-Resumable": "1.0.0", "Upload-Length": "9"})
    assert_refused(tus, 503, "as many uploads as it can")
    assert client.simulate_get(f"/api/events/{event.id}", headers=people[2]).status_code == 200
    comment = client.simulate_post(f"/api/events/{event.id}/comments", json={"text": "ok"}, headers=people[2])
    assert comment.status_code == 201


def test_requests_that_send_a_body_never_take_every_thread(
    app: falcon.App, client: falcon.testing.TestClient, event: Event, people: list[dict[str, str]],
    held: list[Held],
) -> None:  # fmt: skip
    held += [hold_comment(app, event, people[i % 4]) for i in range(admission.BODIES_PER_WORKER)]

    late = client.simulate_post(f"/api/events/{event.id}/comments", json={"text": "late"}, headers=people[0])
    assert_refused(late, 503, "as many requests as it can")
    anonymous = client.simulate_post("/api/session", json={"email": "a@b.fr", "password": "x"})
    assert anonymous.status_code == 503
    assert client.simulate_get(f"/api/events/{event.id}", headers=people[0]).status_code == 200
    assert admission.BODIES_PER_WORKER < THREADS  # the rest stay free for reads

    assert held.pop().end() == "408 Request Timeout"  # a JSON body that stalls ends like an upload
    again = client.simulate_post(f"/api/events/{event.id}/comments", json={"text": "again"}, headers=people[0])
    assert again.status_code == 201


def test_a_stalled_upload_answers_408_and_keeps_nothing(
    app: falcon.App, client: falcon.testing.TestClient, services: Services, slot: Deliverable,
    people: list[dict[str, str]], settings: Any,
) -> None:  # fmt: skip
    upload = hold_upload(app, slot, people[0])
    assert services.storage.report().reserved_bytes > 0
    assert temp_files(settings.data_dir), "the upload should be writing its temporary file when it stalls"

    assert upload.end() == "408 Request Timeout"
    assert upload.answer["description"].startswith("nothing arrived for 30 seconds")
    assert temp_files(settings.data_dir) == []
    assert services.storage.report().reserved_bytes == 0
    slots = client.simulate_get(f"/api/events/{slot.event_id}", headers=people[0]).json["deliverables"]
    assert [(s["versions"], s["status"]) for s in slots if s["id"] == slot.id] == [([], "todo")]
    assert upload_now(client, slot, people[0]).status_code == 201  # its places were given back


def temp_files(data_dir: Path) -> list[Path]:
    return list(data_dir.rglob(".incoming-*"))
