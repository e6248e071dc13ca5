"""A real HTTP receiver on localhost for the webhook tests, and a night to hook (taken by ``tests/e2e/webhooks``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from attrs import frozen

from eventflow.bootstrap import Services
from eventflow.core.model import User
from tests.support.receiver import Receiver, serve

SECRET = "a-shared-secret-of-32-characters"
NIGHT = dt.date(2026, 12, 12)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    server = serve(found)
    yield found
    server.shutdown()
    server.server_close()


@frozen
class Night:
    """Nuit Disco on 12 December at Le Comptoir, planned by Ada (admin), with its "Poster A3" slot."""

    event_id: int
    slot_id: int
    ada: User


@pytest.fixture
def night(services: Services, admin: User) -> Night:
    bar = services.bars.add(None, "Le Comptoir")
    event_id = services.events.create(admin, "Nuit Disco", NIGHT, [bar.id or 0]).summary.event.id or 0
    slot = services.events.add_slot(admin, event_id, "Poster A3", "A3 PDF 300 dpi")
    return Night(event_id, slot.id or 0, admin)
