"""Page fixtures: browser-like clients (``tests.support.web.Browser``) logged in as an admin and as a member."""

from __future__ import annotations

import falcon.testing
import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import Bar, User
from tests.support.web import Browser


@pytest.fixture
def as_admin_browser(client: falcon.testing.TestClient, admin: User) -> Browser:
    return Browser(client, admin.email)


@pytest.fixture
def as_member_browser(client: falcon.testing.TestClient, member: User) -> Browser:
    return Browser(client, member.email)


@pytest.fixture
def second_bar(services: Services) -> Bar:
    return services.bars.add(None, "Le Syndicat", "Paris 10")
