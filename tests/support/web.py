"""HTTP fixtures for every test (a pytest plugin, see ``tests/conftest.py``): the app on the ``services`` in scope, an
admin and a member, clients logged in as each; ``Api`` and ``Browser`` wrap Falcon's test client."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Bar, DeliverableTemplate, Event, Screen, User
from eventflow.entrypoints.web.app import create_app

PASSWORD = "correct horse battery"


class Api:
    """A test client bound to one way of authenticating (bearer token, or cookie + CSRF header)."""

    def __init__(self, client: falcon.testing.TestClient, headers: dict[str, str] | None = None) -> None:
        self.client = client
        self.headers = headers or {}

    def __getattr__(self, method: str) -> Any:
        simulate = getattr(self.client, f"simulate_{method}")

        def call(path: str, **kwargs: Any) -> falcon.testing.Result:
            return simulate(path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs)

        return call


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


def login(
    client: falcon.testing.TestClient, email: str, password: str = PASSWORD, **kw: object
) -> falcon.testing.Result:
    return client.simulate_post("/api/session", json={"email": email, "password": password}, **kw)


def cookie_api(client: falcon.testing.TestClient, user: User) -> Api:
    """Logged in through the login form's API, as a browser script would be (cookie + CSRF header)."""
    resp = login(client, user.email)
    assert resp.status_code == 200
    session = resp.cookies["eventflow_session"].value
    return Api(client, {"Cookie": f"eventflow_session={session}", "X-CSRF-Token": resp.json["csrf_token"]})


@pytest.fixture
def app(services: Services) -> falcon.App:
    return create_app(services)


@pytest.fixture
def client(app: falcon.App) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(app)


def add_admin(services: Services, language: str = "fr") -> User:
    return services.users.add(None, "ada@bars.fr", "Ada Admin", role="admin", password=PASSWORD, language=language)


def add_member(services: Services, language: str = "fr") -> User:
    return services.users.add(None, "max@bars.fr", "Max Member", role="member", password=PASSWORD, language=language)


@pytest.fixture
def admin(services: Services) -> User:
    return add_admin(services)


@pytest.fixture
def member(services: Services) -> User:
    return add_member(services)


def token_api(client: falcon.testing.TestClient, services: Services, user: User) -> Api:
    return Api(client, {"Authorization": f"Bearer {services.users.create_token(None, user.email)}"})


@pytest.fixture
def as_admin(client: falcon.testing.TestClient, services: Services, admin: User) -> Api:
    return token_api(client, services, admin)


@pytest.fixture
def as_member(client: falcon.testing.TestClient, services: Services, member: User) -> Api:
    return token_api(client, services, member)


@pytest.fixture
def bar(services: Services) -> Bar:
    return services.bars.add(None, "Le Perchoir", "Paris 11", [Screen("cube_led", "Cube LED", "1024x1024 mp4")])


@pytest.fixture
def templates(services: Services) -> list[DeliverableTemplate]:
    return [
        services.templates.add(None, "Poster A3", "A3 PDF 300 dpi", is_default=True),
        services.templates.add(None, "Cube LED", "1024x1024 mp4", is_default=True, hardware_kind="cube_led"),
    ]


@pytest.fixture
def event(services: Services, admin: User, bar: Bar, templates: list[DeliverableTemplate]) -> Event:
    return services.events.create(admin, "Soirée Disco", "2026-12-12", [bar.id or 0]).summary.event
