"""Failed logins are counted in the database: every process and host sees the same counts, on every backend."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import falcon.testing
import pytest

from eventflow.adapters.security import Argon2Hasher
from eventflow.adapters.sql.uow import SqlUnitOfWorkFactory
from eventflow.bootstrap import bootstrap, translations
from eventflow.config import Settings
from eventflow.core.clock import FixedClock
from eventflow.core.model import LoginFailure
from eventflow.core.ports import UnitOfWorkFactory
from eventflow.core.services import Context
from eventflow.core.services.throttle import LoginThrottle, TooManyAttempts
from eventflow.entrypoints.web.app import create_app

pytestmark = pytest.mark.db

T0 = dt.datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=dt.UTC)
PASSWORD = "correct horse battery"


def at(minutes: float) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def add_failures(make_uow: UnitOfWorkFactory, *failures: LoginFailure) -> None:
    with make_uow() as uow:
        for failure in failures:
            uow.login_failures.add(failure)
        uow.commit()


def test_failures_are_read_by_email_or_by_address_after_an_instant(make_uow: UnitOfWorkFactory) -> None:
    add_failures(
        make_uow,
        LoginFailure("max@bars.fr", "10.0.0.1", at(5)),
        LoginFailure("max@bars.fr", "10.0.0.2", at(1)),
        LoginFailure("lea@bars.fr", "10.0.0.1", at(3)),
        LoginFailure("max@bars.fr", "10.0.0.1", at(0)),
    )
    with make_uow(read_only=True) as uow:
        assert uow.login_failures.times(at(0), email="max@bars.fr") == [at(1), at(5)]  # strictly after
        assert uow.login_failures.times(at(-1), email="MAX@bars.fr") == []  # keys are stored lower-cased
        assert uow.login_failures.times(at(-1), address="10.0.0.1") == [at(0), at(3), at(5)]
        assert uow.login_failures.times(at(-1), email="nobody@bars.fr") == []


def test_old_failures_are_pruned_and_an_email_forgotten_on_success(make_uow: UnitOfWorkFactory) -> None:
    add_failures(
        make_uow,
        LoginFailure("max@bars.fr", "10.0.0.1", at(0)),
        LoginFailure("max@bars.fr", "10.0.0.1", at(20)),
        LoginFailure("lea@bars.fr", "10.0.0.1", at(21)),
    )
    with make_uow() as uow:
        assert uow.login_failures.delete_older_than(at(20)) == 1
        uow.login_failures.delete_for_email("max@bars.fr")
        uow.commit()
    with make_uow(read_only=True) as uow:
        assert uow.login_failures.times(at(-1), address="10.0.0.1") == [at(21)]


def throttle_on(make_uow: UnitOfWorkFactory, clock: FixedClock) -> LoginThrottle:
    return LoginThrottle(
        Context(uow=make_uow, clock=clock, hasher=Argon2Hasher(fast=True), sanitize=str, translations=translations)
    )


def test_the_throttle_prunes_what_the_window_no_longer_counts(make_uow: UnitOfWorkFactory) -> None:
    clock = FixedClock("Europe/Paris", current=T0)
    throttle = throttle_on(make_uow, clock)
    for _ in range(3):
        throttle.attempt("max@bars.fr", "10.0.0.1")
    clock.advance(minutes=16)
    throttle.attempt("lea@bars.fr", "10.0.0.2")
    with make_uow(read_only=True) as uow:
        assert uow.login_failures.times(at(-60), address="10.0.0.1") == []
        assert uow.login_failures.times(at(-60), address="10.0.0.2") == [at(16)]


def test_retry_after_counts_down_to_when_one_more_attempt_is_allowed(make_uow: UnitOfWorkFactory) -> None:
    clock = FixedClock("Europe/Paris", current=T0)
    throttle = throttle_on(make_uow, clock)
    for minute in range(5):
        throttle.attempt("max@bars.fr", f"10.0.0.{minute}")  # each one then failed: nothing said it succeeded
        clock.advance(minutes=1)
    with pytest.raises(TooManyAttempts) as blocked:
        throttle.attempt("Max@Bars.fr ", "10.9.9.9")
    assert blocked.value.retry_after == 10 * 60  # the first failure leaves the window at minute 15
    with make_uow(read_only=True) as uow:
        assert len(uow.login_failures.times(at(-1), email="max@bars.fr")) == 5  # a refused attempt is not counted
    clock.advance(minutes=10)
    throttle.attempt("max@bars.fr", "10.9.9.9")


def test_a_success_forgets_the_emails_failures_but_not_the_addresss_others(make_uow: UnitOfWorkFactory) -> None:
    clock = FixedClock("Europe/Paris", current=T0)
    throttle = throttle_on(make_uow, clock)
    throttle.attempt("lea@bars.fr", "10.0.0.1")
    throttle.attempt("max@bars.fr", "10.0.0.1")
    throttle.attempt("max@bars.fr", "10.0.0.1")
    throttle.succeeded("MAX@bars.fr")
    with make_uow(read_only=True) as uow:
        assert uow.login_failures.times(at(-1), email="max@bars.fr") == []
        assert uow.login_failures.times(at(-1), address="10.0.0.1") == [T0]  # Léa's failure still counts


# -- two app instances, as two worker processes or two hosts would be -----------------------------------------


@pytest.fixture
def two_apps(
    sql_factory: SqlUnitOfWorkFactory, settings: Settings, clock: FixedClock
) -> Iterator[tuple[falcon.testing.TestClient, falcon.testing.TestClient]]:
    """Two ``create_app`` on one database, each with its own engine (its own connection pool)."""
    url = sql_factory.engine.url.render_as_string(hide_password=False)
    factories = [SqlUnitOfWorkFactory.from_url(url) for _ in range(2)]
    apps = [bootstrap(settings, uow=f, clock=clock, hasher=Argon2Hasher(fast=True)) for f in factories]
    apps[0].users.add(None, "max@bars.fr", "Max", password=PASSWORD)
    try:
        yield falcon.testing.TestClient(create_app(apps[0])), falcon.testing.TestClient(create_app(apps[1]))
    finally:
        for factory in factories:
            factory.dispose()


def login(client: falcon.testing.TestClient, email: str, password: str) -> falcon.testing.Result:
    return client.simulate_post("/api/session", json={"email": email, "password": password})


def test_five_wrong_passwords_spread_over_two_apps_block_the_email_on_both(
    two_apps: tuple[falcon.testing.TestClient, falcon.testing.TestClient], clock: FixedClock
) -> None:
    statuses = [login(two_apps[i % 2], "max@bars.fr", "wrong password").status_code for i in range(5)]
    assert statuses == [401] * 5
    for app in two_apps:
        blocked = login(app, "max@bars.fr", PASSWORD)  # even the right password waits
        assert blocked.status_code == 429
        assert blocked.headers["Retry-After"] == str(15 * 60)
    clock.advance(minutes=15)
    assert login(two_apps[1], "max@bars.fr", PASSWORD).status_code == 200


def test_twenty_failures_from_one_address_over_two_apps_block_it_on_both(
    two_apps: tuple[falcon.testing.TestClient, falcon.testing.TestClient],
) -> None:
    statuses = [login(two_apps[i % 2], f"guess{i}@bars.fr", "wrong password").status_code for i in range(20)]
    assert statuses == [401] * 20
    assert [login(app, "max@bars.fr", PASSWORD).status_code for app in two_apps] == [429, 429]


def test_a_success_forgets_the_emails_failures_on_every_app(
    two_apps: tuple[falcon.testing.TestClient, falcon.testing.TestClient],
) -> None:
    first, second = two_apps
    for _ in range(4):
        assert login(first, "max@bars.fr", "wrong password").status_code == 401
    assert login(second, "max@bars.fr", PASSWORD).status_code == 200
    for _ in range(4):
        assert login(first, "max@bars.fr", "wrong password").status_code == 401  # a fresh allowance
    assert login(second, "max@bars.fr", PASSWORD).status_code == 200


def test_a_burst_of_guesses_at_once_over_two_apps_gets_five_tries_in_all(
    two_apps: tuple[falcon.testing.TestClient, falcon.testing.TestClient],
) -> None:
    """Twenty guesses sent at the same instant from threads on both apps: each attempt is counted before its
    password is checked, so no more than five of them are ever checked."""
    start = threading.Barrier(20)

    def guess(i: int) -> int:
        start.wait()
        return login(two_apps[i % 2], "max@bars.fr", f"guess {i}").status_code

    with ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(guess, range(20)))

    checked = statuses.count(401)  # attempts under way count too: a burst may check fewer than five, even none
    busy = statuses.count(503)  # past six bodies at once, a worker turns the rest away before reading them
    assert checked <= 5 and statuses.count(429) + busy == 20 - checked
    later = [login(two_apps[i % 2], "max@bars.fr", "one more guess").status_code for i in range(6)]
    assert later == [401] * (5 - checked) + [429] * (1 + checked)
