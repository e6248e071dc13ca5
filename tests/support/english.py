"""People who read English, for tests that read the API's messages in English (the source texts): a module's
``admin, member = english.admin, english.member`` replaces the French-speaking ones of ``tests.support.web``."""

from __future__ import annotations

import pytest

from eventflow.bootstrap import Services
from eventflow.core.model import User
from tests.support.web import add_admin, add_member


@pytest.fixture
def admin(services: Services) -> User:
    return add_admin(services, "en")


@pytest.fixture
def member(services: Services) -> User:
    return add_member(services, "en")
