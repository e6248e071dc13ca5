import datetime as dt

import pytest

from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.clock import FixedClock
from eventflow.core.commands import UserChanges


def last_use(services: Services, user_id: int) -> dt.datetime | None:
    with services.uow() as uow:
        return uow.tokens.list_for_user(user_id)[0].last_used_at


def test_a_token_records_its_last_use_at_most_once_a_minute(services: Services, clock: FixedClock) -> None:
    user = services.users.add(None, "lea@bars.example", "Léa", password="longenough")
    secret = services.users.create_token(None, user.email)
    assert services.users.user_for_token(secret).id == user.id
    first = last_use(services, user.id or 0)
    assert first == clock.now()
    clock.advance(seconds=20)
    services.users.user_for_token(secret)
    assert last_use(services, user.id or 0) == first
    clock.advance(seconds=50)
    services.users.user_for_token(secret)
    assert last_use(services, user.id or 0) == clock.now()


def test_a_deactivated_user_loses_their_tokens_and_sessions_at_once(services: Services) -> None:
    user = services.users.add(None, "hugo@bars.example", "Hugo", password="longenough")
    secret = services.users.create_token(None, user.email)
    session = services.users.open_session(user)
    services.users.deactivate(None, user.email)
    with pytest.raises(errors.NotAuthenticated):
        services.users.user_for_token(secret)
    with pytest.raises(errors.NotAuthenticated):
        services.users.caller_for_session(session)
    with pytest.raises(errors.Conflict):
        services.users.create_token(None, user.email)


def test_a_password_of_spaces_is_refused_like_a_short_one(services: Services) -> None:
    with pytest.raises(errors.InvalidInput, match="at least 8 characters"):
        services.users.add(None, "zoe@bars.example", "Zoé", password=" " * 12)
    user = services.users.add(None, "zoe@bars.example", "Zoé", password="  correct horse  ")
    with pytest.raises(errors.InvalidInput, match="at least 8 characters"):
        services.users.set_password(None, user.email, "   abc   ")


def test_a_person_s_own_settings_leave_no_empty_line_in_the_audit_log(services: Services) -> None:
    user = services.users.add(None, "ines@bars.example", "Inès", password="longenough")
    services.users.update(user, user.id or 0, UserChanges(language="en", notifications=["assigned"]))
    services.users.update(None, user.id or 0, UserChanges(name="Inès Moreau"))
    with services.uow(read_only=True) as uow:
        updates = uow.activity.list(action="user.updated")
    assert [(e.before, e.after) for e in updates] == [({"name": "Inès"}, {"name": "Inès Moreau"})]
