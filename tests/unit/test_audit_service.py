"""The audit log's search: days in the team's time zone, actions by prefix, the limit after filtering."""

from __future__ import annotations

import datetime as dt

from eventflow.bootstrap import Services
from eventflow.core.model import Activity, Role, User
from eventflow.core.services.audit import AuditQuery


def _log(services: Services, *entries: tuple[str, dt.datetime]) -> User:
    with services.uow() as uow:
        admin = uow.users.add(User(email="ada@bars.fr", name="Ada", role=Role.ADMIN))
        for action, at in entries:
            uow.activity.add(Activity(action, "comment", 1, at, admin.id))
        uow.commit()
    return admin


def test_a_day_is_the_teams_day_not_utcs(services: Services) -> None:
    late_on_the_25th = dt.datetime(2026, 11, 25, 22, 30, tzinfo=dt.UTC)  # 23:30 in Paris
    early_on_the_26th = dt.datetime(2026, 11, 25, 23, 30, tzinfo=dt.UTC)  # 00:30 in Paris
    admin = _log(services, ("comment.added", late_on_the_25th), ("comment.deleted", early_on_the_26th))
    day = dt.date(2026, 11, 26)
    found = services.audit.search(admin, AuditQuery(start=day, end=day))
    assert [e.entry.action for e in found] == ["comment.deleted"]


def test_the_limit_counts_matching_entries_only(services: Services) -> None:
    start = dt.datetime(2026, 11, 20, 9, tzinfo=dt.UTC)
    noise = [("comment.added", start + dt.timedelta(minutes=n)) for n in range(1, 30)]
    admin = _log(services, ("comment.deleted", start), *noise)
    found = services.audit.search(admin, AuditQuery(action="comment.deleted", limit=1))
    assert [e.entry.at for e in found] == [start]
    assert len(services.audit.search(admin, AuditQuery(action="comment.", limit=5))) == 5
