"""What review keeps, on every backend: the team's settings, comment anchors, each slot's current and approved
version; and the migration that gives every existing slot its current version."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, update

from eventflow.adapters.memory import ComposedReadModels
from eventflow.adapters.sql import tables as t
from eventflow.adapters.sql.engine import create_engine_for
from eventflow.adapters.sql.migrate import alembic_config, upgrade
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.core.model import Anchor, Comment, Status, TeamSettings
from eventflow.core.ports import UnitOfWorkFactory
from tests.integration.sql.test_migrations import store_asset, stored_slots
from tests.integration.sql.test_repositories import add_event, add_slot, add_user, at
from tests.support.backends import SERVER_URL_VARIABLES, SQL_BACKENDS, server_url, throwaway_database


def test_the_settings_are_the_defaults_until_saved_then_what_was_saved(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        assert uow.settings.current() == TeamSettings(second_pair_of_eyes=False)
        uow.settings.update(TeamSettings(second_pair_of_eyes=True))
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.settings.current() == TeamSettings(second_pair_of_eyes=True)
    with make_uow() as uow:
        uow.settings.update(TeamSettings(second_pair_of_eyes=False))
        uow.settings.update(TeamSettings(second_pair_of_eyes=False))  # saving the same again is no error
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.settings.current().second_pair_of_eyes is False


ANCHORS = [
    None,
    Anchor(1),
    Anchor(2, page=12),
    Anchor(3, time=83.125),
    Anchor(1, region=(0.125, 0.333333333, 0.5, 0.0)),
]


def test_comments_keep_their_anchor_exactly_in_the_repository_and_the_card_read(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        author = add_user(uow).id or 0
        event_id = add_event(uow).id or 0
        slot_id = add_slot(uow, event_id).id or 0
        stored = [
            uow.comments.add(Comment(event_id, author, f"c{i}", at(i), slot_id, anchor=anchor))
            for i, anchor in enumerate(ANCHORS)
        ]
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert [c.anchor for c in uow.comments.list_for_event(event_id)] == ANCHORS
        assert uow.comments.get(stored[4].id or 0) == stored[4]
        card = uow.read_models.card(event_id)
        assert card is not None and card.comments == ComposedReadModels(uow).card(event_id).comments  # type: ignore[union-attr]
    region = card.comments[4].anchor.region  # type: ignore[union-attr]
    assert isinstance(region, tuple) and region == (0.125, 0.333333333, 0.5, 0.0)


def test_slots_keep_their_current_and_approved_version_and_approver(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        approver = add_user(uow).id or 0
        event_id = add_event(uow).id or 0
        slot = add_slot(uow, event_id, status=Status.APPROVED)
        slot.current_version, slot.approved_version, slot.approved_by = 3, 2, approver
        uow.deliverables.update(slot)
        uow.commit()
    with make_uow(read_only=True) as uow:
        read = uow.deliverables.get(slot.id or 0)
        assert read is not None and (read.current_version, read.approved_version, read.approved_by) == (3, 2, approver)
        card = uow.read_models.card(event_id)
        assert card is not None and card.slots == [read]


@pytest.mark.parametrize("backend", SQL_BACKENDS)
def test_the_migration_makes_each_slots_latest_version_current_and_approved_if_it_was(
    backend: str, tmp_path: Path
) -> None:
    """0010: slots with versions get their latest as current (as the card showed it), approved slots that version
    as approved; slots without versions stay without; comments are anchored nowhere; the settings are the defaults."""
    if backend != "sqlite" and server_url(backend) is None:
        pytest.skip(f"{backend}: set {SERVER_URL_VARIABLES[backend]} to run against it")
    with throwaway_database(backend, tmp_path) as url:
        engine = create_engine_for(url)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "0009")
            approved, waiting = stored_slots(connection)
            connection.execute(update(t.deliverables).where(t.deliverables.c.id == approved).values(status="approved"))
            for number in (1, 2, 3):
                store_asset(connection, approved, number)
            store_asset(connection, None, None)  # a moodboard photo
            empty_slot = connection.execute(
                t.deliverables.insert().values(
                    event_id=connection.execute(select(t.events.c.id)).first().id,  # type: ignore[union-attr]
                    name="Empty", specs="", status="todo", enabled=True,
                )
            ).inserted_primary_key[0]  # fmt: skip
        engine.dispose()

        upgrade(url)

        factory = SqlUnitOfWorkFactory.from_url(url)
        with factory(read_only=True) as uow:
            event_id = uow.deliverables.get(approved).event_id  # type: ignore[union-attr]
            slots = {s.id: s for s in uow.deliverables.list_for_events([event_id])}
            assert (slots[approved].current_version, slots[approved].approved_version) == (3, 3)
            assert (slots[waiting].current_version, slots[waiting].approved_version) == (None, None)
            assert (slots[empty_slot].current_version, slots[empty_slot].approved_by) == (None, None)
            assert uow.settings.current() == TeamSettings()
        factory.dispose()


def test_the_card_read_carries_the_settings(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        event_id = add_event(uow).id or 0
        uow.commit()
    with make_uow(read_only=True) as uow:
        card = uow.read_models.card(event_id)
        assert card is not None and card.settings == TeamSettings()
    with make_uow() as uow:
        uow.settings.update(TeamSettings(second_pair_of_eyes=True))
        uow.commit()
    with make_uow(read_only=True) as uow:
        card = uow.read_models.card(event_id)
        assert card is not None and card.settings == TeamSettings(second_pair_of_eyes=True)
