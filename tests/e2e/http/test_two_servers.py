"""Two app servers (two gunicorn masters, two workers each) on one PostgreSQL database and one bucket, as two hosts
behind a load balancer: failed logins, sessions, page caches, the e-mail queue and files are shared, not per process."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

import pytest
import requests
from aiosmtpd.controller import Controller

from tests.support.backends import throwaway_database
from tests.support.live import LiveServer, free_port, live_server
from tests.support.live_server import ADMIN_EMAIL
from tests.support.mail import Mailbox
from tests.support.s3server import S3Server

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, s3: S3Server, mailbox: Mailbox
) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Both servers, for the whole module: host A seeds the database, host B finds it seeded."""
    if not os.environ.get("EVENTFLOW_TEST_POSTGRES_URL"):
        pytest.skip("set EVENTFLOW_TEST_POSTGRES_URL: two servers share a PostgreSQL database")
    tmp_path = tmp_path_factory.mktemp("two-hosts")
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    with throwaway_database("postgresql", tmp_path) as url, pytest.MonkeyPatch.context() as env:
        shared = {
            **s3.env,
            "EVENTFLOW_DATABASE_URL": url,
            "EVENTFLOW_SECRET_KEY": "one secret for every host",
            "EVENTFLOW_HOT_URL": s3.url(s3.new_bucket(), "hot"),
            "EVENTFLOW_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
            "EVENTFLOW_MAIL_GROUP_SECONDS": "0",
        }
        for name, value in shared.items():
            env.setenv(name, value)
        folders = [tmp_path / "host-a", tmp_path / "host-b"]
        with contextlib.ExitStack() as stack:
            for folder in folders:
                folder.mkdir()
            first = stack.enter_context(live_server(folders[0], "sqlite"))  # "sqlite": the database URL set above
            second = stack.enter_context(live_server(folders[1], "sqlite"))
            yield first, second
    smtp.stop()
    for folder in folders:
        log = (folder / "server.log").read_text()
        assert "Traceback" not in log, log[-3000:]


def login(server: LiveServer, email: str, password: str) -> requests.Response:
    return requests.post(f"{server.url}/api/session", json={"email": email, "password": password}, timeout=10)


def test_five_wrong_passwords_spread_over_both_servers_lock_the_account_on_both(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = servers
    statuses = [login(server, "max@bars.fr", "wrong password").status_code for server in (a, b, a, b, a)]
    assert statuses == [401] * 5
    for server in (b, a):
        locked = login(server, "max@bars.fr", PASSWORD)
        assert locked.status_code == 429, locked.text
        assert int(locked.headers["Retry-After"]) > 0
    assert login(b, ADMIN_EMAIL, PASSWORD).status_code == 200, "other accounts are not locked"


def test_a_session_opened_on_one_server_writes_on_the_other_and_its_pages_follow(
    servers: tuple[LiveServer, LiveServer],
) -> None:
    a, b = servers
    browser = requests.Session()
    assert browser.post(f"{a.url}/api/session", json={"email": ADMIN_EMAIL, "password": PASSWORD}).status_code == 200
    csrf = next(c.value for c in browser.cookies if c.name.endswith("eventflow_csrf"))
    event = browser.get(f"{b.url}/api/events?from=2000-01-01&to=2100-01-01").json()[0]
    page = f"/events/{event['id']}"
    for server in (a, b, a, b):  # seen twice on each: in each process's page cache now
        assert "Soirée Disco" in browser.get(f"{server.url}{page}").text

    renamed = browser.patch(
        f"{b.url}/api/events/{event['id']}", json={"name": "Nuit Disco"}, headers={"X-CSRF-Token": csrf}
    )
    assert renamed.status_code == 200, renamed.text
    for server in (a, b, a, b):
        text = browser.get(f"{server.url}{page}").text
        assert "Nuit Disco" in text and "Soirée Disco" not in text


def test_each_queued_e_mail_leaves_once_and_files_are_shared(
    servers: tuple[LiveServer, LiveServer], mailbox: Mailbox
) -> None:
    a, b = servers
    event_id = requests.get(f"{a.url}/api/events?from=2000-01-01&to=2100-01-01", headers=bearer(a), timeout=10).json()[
        0
    ]["id"]
    for i, server in enumerate((a, b) * 4):
        comment = requests.post(
            f"{server.url}/api/events/{event_id}/comments", json={"text": f"idée {i} @max"}, headers=bearer(server)
        )
        assert comment.status_code == 201, comment.text
    expected = 1 + 8  # the seed's mention, then these
    deadline = time.monotonic() + 40  # each server's sender wakes every 15 s
    while len(mailbox.to("max@bars.fr")) < expected and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(2)  # a message claimed twice would arrive now
    assert len(mailbox.to("max@bars.fr")) == expected

    slot = requests.get(f"{a.url}/api/events/{event_id}", headers=bearer(a), timeout=10).json()["deliverables"][0]
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 4000
    files = {"file": ("affiche.pdf", pdf, "application/pdf")}
    created = requests.post(f"{a.url}/api/deliverables/{slot['id']}/versions", files=files, headers=bearer(a))
    assert created.status_code == 201, created.text
    url = f"{b.url}/api/assets/{created.json()['asset_id']}/content"
    assert requests.get(url, headers=bearer(b), timeout=10).content == pdf
    ranged = requests.get(url, headers={**bearer(b), "Range": "bytes=100-199"}, timeout=10)
    assert (ranged.status_code, ranged.content) == (206, pdf[100:200])


def bearer(server: LiveServer) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}
