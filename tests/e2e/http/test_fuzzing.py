"""Schemathesis against a live server: gunicorn via ``web.server.run`` on SQLite, in a subprocess, seeded, with a token.

Every documented operation gets bounded generated requests (positive and negative data) and every check:
no 5xx, documented statuses and content types, response bodies matching their schemas, negative data
refused, authentication not ignored. The stateful run follows the OpenAPI links (create an event, then
read, edit, comment, add a slot…). Valid-looking data may still get a 422 when it breaks a rule the schema
cannot express (a bar that is not one of the event's bars, ``to`` before ``from``, a comment that is empty
once sanitised), a well-formed upload may hold a file type that is refused (415) or too big for what is
left (413, 507), and a well-formed ``If-Match`` is rarely the slot's current ETag (412): those join the statuses
``positive_data_acceptance`` accepts. Revoking a token runs as the member with a fresh token each time, so that the
admin's token the rest uses stays valid to the end.

The document is the app's own (``api_document()``, what ``/api/openapi.json`` serves; ``test_openapi`` holds
it against the routes); the requests go to the live server.
"""

from __future__ import annotations

import copy
import json
import os
import threading
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import hypothesis
import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig

from eventflow.adapters.memory import MemoryDatabase, memory_uow_factory
from eventflow.bootstrap import bootstrap
from eventflow.config import Settings
from eventflow.entrypoints.web.app import api_document, create_app
from tests.support.live import LiveServer, live_server
from tests.support.live_server import ADMIN_EMAIL, build, seed

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 25


def fuzz_config(**project: object) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict(
        {
            "request-timeout": 10,
            "generation": {"max-examples": MAX_EXAMPLES, "mode": "all"},
            "checks": {
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "401", "403", "404", "409", "412", "413", "415", "422", "429", "507"]
                },
                # tus 1.0 answers a missing or wrong Tus-Resumable header with 412 Precondition Failed (its spec).
                "negative_data_rejection": {
                    "expected-statuses": ["400", "401", "403", "404", "405", "406", "409", "412", "413", "415", "422"]
                },
                "missing_required_header": {"expected-statuses": ["400", "401", "403", "406", "412", "415", "422"]},
            },
            "operations": [
                {
                    # Uploads may answer 400 to a well-formed request: tus metadata is base64 inside a header
                    # (maybe not decodable), and a multipart body may hold at most 8 parts.
                    "include-operation-id-regex": "^(createUpload|uploadVersion|uploadPhoto)$",
                    "checks": {
                        "positive_data_acceptance": {
                            "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "413", "415", "422", "507"]
                        }
                    },
                }
            ],
            **project,
        }
    )


schema = schemathesis.openapi.from_dict(api_document(), config=fuzz_config())


#: Revoking a token may hit the admin's token every other operation calls with: these run as the member instead,
#: each example with a token of its own.
REVOKES = {"DELETE /api/me/tokens/{token_id}", "DELETE /api/users/{user_id}/tokens/{token_id}"}


@pytest.fixture(scope="module")
def live_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("live")


@pytest.fixture(scope="module")
def live(live_dir: Path) -> Iterator[LiveServer]:
    with live_server(live_dir, "sqlite") as server:
        yield server
    log = (live_dir / "server.log").read_text()
    assert "Traceback" not in log and "unexpected error" not in log, log[-3000:]


@pytest.fixture(scope="module")
def new_member_token(live: LiveServer, live_dir: Path) -> Iterator[Callable[[], str]]:
    """A new token of the seeded member, written into the live server's database."""
    services = bootstrap(Settings.from_env({"EVENTFLOW_DATA_DIR": str(live_dir)}), migrate=False)
    yield lambda: services.users.create_token(None, "max@bars.fr", label="fuzzing")
    services.database.dispose()  # type: ignore[attr-defined]  # the SQL factory has it


@schema.parametrize()
@hypothesis.settings(
    deadline=None,
    suppress_health_check=list(hypothesis.HealthCheck),
    # The same examples on every run, so a red suite is reproducible; set EVENTFLOW_FUZZ_RANDOM=1 to explore.
    derandomize=not os.environ.get("EVENTFLOW_FUZZ_RANDOM"),
)
def test_every_operation_conforms_to_the_document(
    case: schemathesis.Case, live: LiveServer, new_member_token: Callable[[], str]
) -> None:
    token = new_member_token() if case.operation.label in REVOKES else live.token
    case.call_and_validate(base_url=live.url, headers={"Authorization": f"Bearer {token}"})


def test_the_operations_ran_logged_in_to_the_end(live: LiveServer) -> None:
    """No operation above revoked the token the others call with (they would have met nothing but 401s)."""
    request = urllib.request.Request(f"{live.url}/api/me", headers={"Authorization": f"Bearer {live.token}"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert json.loads(answer.read())["email"] == ADMIN_EMAIL


@pytest.fixture
def resettable(tmp_path: Path) -> Iterator[tuple[str, str, Callable[[], None]]]:
    """The app on a wsgiref server thread whose memory database can go back to its seeded state."""
    database = MemoryDatabase()
    services = build(tmp_path, uow=memory_uow_factory(database))
    token = seed(services)
    seeded = copy.deepcopy(database.tables)

    def reset() -> None:
        with database.lock:
            database.tables = copy.deepcopy(seeded)

    server = make_server("127.0.0.1", 0, create_app(services), handler_class=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", token, reset
    server.shutdown()
    server.server_close()


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_following_the_links_finds_no_failure(resettable: tuple[str, str, Callable[[], None]]) -> None:
    """Stateful: each scenario starts from the seeded data, so hypothesis can replay what it found."""
    url, token, reset = resettable
    config = fuzz_config(**{"base-url": url, "headers": {"Authorization": f"Bearer {token}"}})
    base = schemathesis.openapi.from_dict(api_document(), config=config).as_state_machine()

    class FromSeed(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            reset()

    FromSeed.run(
        settings=hypothesis.settings(
            max_examples=MAX_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            derandomize=not os.environ.get("EVENTFLOW_FUZZ_RANDOM"),
        )
    )
