"""``one_transaction()``: the use cases of a job write as one transaction, all or nothing, on every backend."""

from __future__ import annotations

import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.bootstrap import Services, bootstrap
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.ports import UnitOfWorkFactory

pytestmark = pytest.mark.db


@pytest.fixture
def services(make_uow: UnitOfWorkFactory, settings: Settings, clock: FixedClock) -> Services:
    return bootstrap(settings, uow=make_uow, clock=clock, hasher=Argon2Hasher(fast=True))


def test_a_failure_inside_rolls_back_every_use_case_before_it(services: Services) -> None:
    with pytest.raises(RuntimeError), services.reads.one_transaction():
        bar = services.bars.add(None, "Le Zinc", "Lyon")
        author = services.users.add(None, "alex@bars.fr", "Alex")
        services.events.create(author, "Soirée Disco", "2026-12-12", [bar.id or 0])  # reads what came before
        raise RuntimeError("power cut")

    assert (services.bars.list(), services.users.list(), services.events.calendar()) == ([], [], [])
    with services.uow() as uow:
        assert uow.activity.list() == []


def test_the_writes_are_seen_by_nobody_else_until_the_block_ends(
    services: Services, make_uow: UnitOfWorkFactory
) -> None:
    with services.reads.one_transaction():
        services.bars.add(None, "Le Zinc", "Lyon")
        assert [b.name for b in services.bars.list()] == ["Le Zinc"]  # inside: seen
        with make_uow(read_only=True) as outside:
            assert outside.bars.list() == []

    assert [b.name for b in services.bars.list()] == ["Le Zinc"]


def test_blocks_do_not_nest(services: Services) -> None:
    with (
        services.reads.one_transaction(),
        pytest.raises(RuntimeError, match="cannot start inside"),
        services.reads.one_transaction(),
    ):
        pass
