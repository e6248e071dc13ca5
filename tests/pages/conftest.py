"""Page fixtures: the web app on memory fakes, and a browser-like client logged in with a session cookie."""

from __future__ import annotations

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Bar, User
from tests.web.conftest import PASSWORD, admin, app, bar, client, event, member, templates

__all__ = ["admin", "app", "bar", "client", "event", "member", "templates"]


class Browser:
    """A TestClient that keeps the session cookie and sends the CSRF header, like the pages' scripts."""

    def __init__(self, client: falcon.testing.TestClient, email: str) -> None:
        self.client = client
        login = client.simulate_post("/api/session", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        self.cookie = f"eventflow_session={login.cookies['eventflow_session'].value}"
        self.csrf = login.json["csrf_token"]

    def get(self, path: str, **kwargs: object) -> falcon.testing.Result:
        return self.client.simulate_get(path, headers={"Cookie": self.cookie}, **kwargs)  # type: ignore[arg-type]

    def send(self, method: str, path: str, **kwargs: object) -> falcon.testing.Result:
        headers = {"Cookie": self.cookie, "X-CSRF-Token": self.csrf}
        return self.client.simulate_request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def as_admin_browser(client: falcon.testing.TestClient, admin: User) -> Browser:
    return Browser(client, admin.email)


@pytest.fixture
def as_member_browser(client: falcon.testing.TestClient, member: User) -> Browser:
    return Browser(client, member.email)


@pytest.fixture
def second_bar(services: Services) -> Bar:
    return services.bars.add(None, "Le Syndicat", "Paris 10")
