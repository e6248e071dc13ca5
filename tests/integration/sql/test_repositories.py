"""The repository contract, run on every backend: the in-memory fake, SQLite, PostgreSQL and MariaDB.

Tests taking ``make_uow`` run on all of them; those taking ``sql_factory`` check what only a database
enforces (constraints, concurrency).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from eventflow.core.errors import Conflict
from eventflow.core.model import (
    Activity,
    ApiToken,
    Asset,
    Bar,
    Comment,
    Deliverable,
    DeliverableTemplate,
    Event,
    Language,
    Lease,
    PhotoCategory,
    Reservation,
    Role,
    Screen,
    Session,
    Status,
    StorageTier,
    ThemePeriod,
    User,
)
from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory

PARIS = ZoneInfo("Europe/Paris")
T0 = dt.datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=dt.UTC)
SCREENS = (Screen("cube_led", "Cube LED é 🎉", "1024x1024 mp4"),)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def add_user(uow: UnitOfWork, email: str = "alex.martin@bars.fr", name: str = "Alex Martin") -> User:
    return uow.users.add(User(email=email, name=name))


def add_event(uow: UnitOfWork, name: str = "Soirée Disco", day: int = 12, bar_ids: list[int] | None = None) -> Event:
    if bar_ids is None:
        bar_ids = [uow.bars.add(Bar(name=f"Bar of {name}")).id or 0]
    return uow.events.add(Event(name=name, date=dt.date(2026, 12, day), bar_ids=bar_ids, created_at=T0))


def add_slot(uow: UnitOfWork, event_id: int, name: str = "Flyer", status: Status = Status.TODO) -> Deliverable:
    return uow.deliverables.add(Deliverable(event_id=event_id, name=name, specs="A5", status=status))


def add_asset(uow: UnitOfWork, event_id: int, minutes: int = 0, **fields: object) -> Asset:
    values: dict[str, object] = {
        "event_id": event_id,
        "filename": "flyer.pdf",
        "content_type": "application/pdf",
        "size": 1000,
        "sha256": "ab" * 32,
        "storage_key": f"k{minutes}",
        "uploaded_by": None,
        "created_at": at(minutes),
    }
    values.update(fields)
    return uow.assets.add(Asset(**values))  # type: ignore[arg-type]


# -- the unit of work ----------------------------------------------------------------------------------


def test_add_gives_an_id_to_the_object_passed_in_and_returns_it(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user = User(email="a@b.fr", name="A")
        assert uow.users.add(user) is user
        assert isinstance(user.id, int)
        second = add_user(uow, "c@d.fr", "C")
        assert second.id != user.id


def test_reads_are_fresh_objects_and_changes_persist_only_through_update(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user_id = add_user(uow).id or 0
        uow.commit()
    with make_uow() as uow:
        first, again = uow.users.get(user_id), uow.users.get(user_id)
        assert first == again and first is not again
        assert first is not None
        first.name = "Changed without update"
        uow.commit()
    with make_uow() as uow:
        stored = uow.users.get(user_id)
        assert stored is not None and stored.name == "Alex Martin"
        stored.name = "Alexandra Martin"
        uow.users.update(stored)
        uow.commit()
    with make_uow() as uow:
        assert (uow.users.get(user_id) or stored).name == "Alexandra Martin"


def test_leaving_without_commit_rolls_everything_back(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        add_user(uow)
        add_event(uow)
    with make_uow() as uow:
        assert uow.users.list() == []
        assert uow.events.list() == []
        assert not uow.has_data()


def test_an_error_inside_the_block_rolls_back(make_uow: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError), make_uow() as uow:
        add_user(uow)
        raise RuntimeError("boom")
    with make_uow() as uow:
        assert uow.users.list() == []


@pytest.mark.parametrize("store", ["users", "bars", "events"])
def test_has_data_once_a_user_a_bar_or_an_event_is_stored(make_uow: UnitOfWorkFactory, store: str) -> None:
    with make_uow() as uow:
        assert not uow.has_data()
        uow.themes.add(ThemePeriod(2026, 12, "Noël"))
        assert not uow.has_data()
        {"users": add_user, "bars": lambda u: u.bars.add(Bar(name="Le Zinc")), "events": add_event}[store](uow)
        assert uow.has_data()


# -- users, tokens, sessions ---------------------------------------------------------------------------


def test_users_round_trip_every_field_with_accents(make_uow: UnitOfWorkFactory) -> None:
    user = User(
        email="Éloïse.Dupré@Bars.fr",
        name="Éloïse Dupré 🎉",
        role=Role.ADMIN,
        active=False,
        language=Language.EN,
        password_hash="$argon2id$v=19$x",
        my_bar_ids=[3, 1],
        notifications=["mention", "digest"],
    )
    with make_uow() as uow:
        uow.users.add(user)
        uow.commit()
    with make_uow() as uow:
        stored = uow.users.get(user.id or 0)
    assert stored == user
    assert stored is not None and stored.role is Role.ADMIN and stored.language is Language.EN


def test_user_email_lookup_ignores_case_including_accents(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user = add_user(uow, "Éloïse.Dupré@Bars.fr", "Éloïse")
        assert uow.users.get_by_email("éloïse.dupré@bars.fr") == user
        assert uow.users.get_by_email("ÉLOÏSE.DUPRÉ@BARS.FR") == user
        assert uow.users.get_by_email("eloise.dupre@bars.fr") is None
        assert uow.users.get(9999) is None


def test_users_are_listed_by_name_whatever_the_case(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        for email, name in [("z@x.fr", "zoé"), ("b@x.fr", "Bruno"), ("a@x.fr", "alice"), ("e@x.fr", "Émile")]:
            add_user(uow, email, name)
        assert [u.name for u in uow.users.list()] == ["alice", "Bruno", "zoé", "Émile"]


def test_tokens_by_hash_per_user_oldest_first_updated_and_revoked(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user_id, other_id = add_user(uow).id or 0, add_user(uow, "o@x.fr", "O").id or 0
        first = uow.tokens.add(ApiToken(user_id, "h1", "laptop", at(0)))
        second = uow.tokens.add(ApiToken(user_id, "h2", "phone", at(5)))
        uow.tokens.add(ApiToken(other_id, "h3", "other", at(1)))
        uow.commit()
    with make_uow() as uow:
        assert uow.tokens.get_by_hash("h2") == second
        assert uow.tokens.get_by_hash("nope") is None
        assert [t.label for t in uow.tokens.list_for_user(user_id)] == ["laptop", "phone"]
        first.last_used_at = at(60).astimezone(PARIS)
        uow.tokens.update(first)
        uow.tokens.delete(second.id or 0)
        uow.commit()
    with make_uow() as uow:
        assert [t.last_used_at for t in uow.tokens.list_for_user(user_id)] == [at(60)]
        assert uow.tokens.get_by_hash("h2") is None


def test_sessions_by_hash_extended_ended_and_ended_for_a_user(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user_id, other_id = add_user(uow).id or 0, add_user(uow, "o@x.fr", "O").id or 0
        one = uow.sessions.add(Session("s1", user_id, at(0), at(100)))
        uow.sessions.add(Session("s2", user_id, at(0), at(100)))
        kept = uow.sessions.add(Session("s3", other_id, at(0), at(100)))
        uow.commit()
    with make_uow() as uow:
        one.expires_at = at(500)
        uow.sessions.update(one)
        uow.commit()
    with make_uow() as uow:
        assert (uow.sessions.get_by_hash("s1") or one).expires_at == at(500)
        uow.sessions.delete(one.id or 0)
        assert uow.sessions.get_by_hash("s1") is None
        uow.sessions.delete_for_user(user_id)
        assert uow.sessions.get_by_hash("s2") is None
        assert uow.sessions.get_by_hash("s3") == kept


# -- bars, themes, templates ---------------------------------------------------------------------------


def test_bars_keep_their_screens_and_are_found_by_name_without_case(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        cafe = uow.bars.add(Bar(name="Le Petit Café", location="Lyon 2ᵉ", screens=SCREENS))
        plain = uow.bars.add(Bar(name="Le Petit Cafe"))
        uow.bars.add(Bar(name="aux Amis"))
        uow.commit()
    with make_uow() as uow:
        assert uow.bars.get_by_name("LE PETIT CAFÉ") == cafe
        assert uow.bars.get_by_name("le petit cafe") == plain
        assert uow.bars.get(cafe.id or 0) == cafe
        assert (uow.bars.get(cafe.id or 0) or cafe).screens[0].label == "Cube LED é 🎉"
        assert [b.name for b in uow.bars.list()] == ["aux Amis", "Le Petit Cafe", "Le Petit Café"]
        cafe.screens = ()
        cafe.location = "Lyon"
        uow.bars.update(cafe)
        uow.commit()
    with make_uow() as uow:
        assert uow.bars.get(cafe.id or 0) == cafe


def test_themes_by_month_listed_in_month_order(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        for year, month in [(2027, 1), (2026, 12), (2026, 2)]:
            uow.themes.add(ThemePeriod(year, month, f"Thème {month}", "Déco dorée ✨"))
        uow.commit()
    with make_uow() as uow:
        december = uow.themes.get_for_month(2026, 12)
        assert december is not None and december.description == "Déco dorée ✨"
        assert uow.themes.get_for_month(2026, 11) is None
        assert [t.key for t in uow.themes.list()] == ["2026-02", "2026-12", "2027-01"]
        assert [t.key for t in uow.themes.list(2026)] == ["2026-02", "2026-12"]
        december.name = "Noël"
        uow.themes.update(december)
        uow.commit()
    with make_uow() as uow:
        assert (uow.themes.get_for_month(2026, 12) or december).name == "Noël"


def test_templates_found_by_id_and_name_listed_by_name(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        poster = uow.templates.add(DeliverableTemplate("Poster A3", "A3 PDF 300 dpi", is_default=True))
        cube = uow.templates.add(DeliverableTemplate("cube LED", "1024x1024 mp4", hardware_kind="cube_led"))
        uow.commit()
    with make_uow() as uow:
        assert uow.templates.get(cube.id or 0) == cube
        assert uow.templates.get_by_name("POSTER a3") == poster
        assert uow.templates.get_by_name("Flyer") is None
        assert uow.templates.list() == [cube, poster]
        poster.is_default = False
        uow.templates.update(poster)
        uow.commit()
    with make_uow() as uow:
        assert not (uow.templates.get(poster.id or 0) or poster).is_default


# -- events and what hangs on them ---------------------------------------------------------------------


def test_events_keep_their_bars_in_order_and_every_field(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        user_id = add_user(uow).id
        first, second = uow.bars.add(Bar(name="B1")).id or 0, uow.bars.add(Bar(name="B2")).id or 0
        event = uow.events.add(
            Event(
                name="Nuit Électro 🎉",
                date=dt.date(2026, 12, 31),
                bar_ids=[second, first],
                description="desc",
                brief="<p>Brief é</p>",
                notes="<b>notes</b>",
                theme_override="Réveillon",
                created_by=user_id,
                created_at=T0.astimezone(PARIS),
            )
        )
        uow.commit()
    with make_uow() as uow:
        stored = uow.events.get(event.id or 0)
        assert stored == event
        assert stored is not None and stored.bar_ids == [second, first]
        stored.bar_ids = [first]
        stored.archived_at = at(10)
        uow.events.update(stored)
        uow.commit()
    with make_uow() as uow:
        assert uow.events.get(event.id or 0) == stored
        assert uow.events.get(9999) is None


def test_events_are_listed_by_date_then_name_within_inclusive_bounds_and_by_bar(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        bar_a, bar_b = uow.bars.add(Bar(name="A")).id or 0, uow.bars.add(Bar(name="B")).id or 0
        add_event(uow, "zumba", 10, [bar_a])
        add_event(uow, "Apéro", 10, [bar_b])
        add_event(uow, "Before", 1, [bar_a, bar_b])
        add_event(uow, "Late", 20, [bar_b])
        uow.commit()
    with make_uow() as uow:
        assert [e.name for e in uow.events.list()] == ["Before", "Apéro", "zumba", "Late"]
        december_10_to_20 = uow.events.list(dt.date(2026, 12, 10), dt.date(2026, 12, 20))
        assert [e.name for e in december_10_to_20] == ["Apéro", "zumba", "Late"]
        assert [e.name for e in uow.events.list(end=dt.date(2026, 12, 9))] == ["Before"]
        assert [e.name for e in uow.events.list(bar_id=bar_a)] == ["Before", "zumba"]
        assert uow.events.list(bar_id=bar_a)[0].bar_ids == [bar_a, bar_b]
        wanted = [e.id or 0 for e in uow.events.list() if e.name in ("Late", "Before")]
        many = uow.events.get_many([*wanted, 9999])
        assert [(e.name, e.bar_ids) for e in many] == [("Before", [bar_a, bar_b]), ("Late", [bar_b])]
        assert uow.events.get_many([]) == []


def test_deleting_an_event_removes_its_slots_assets_comments_but_keeps_its_activity(
    make_uow: UnitOfWorkFactory,
) -> None:
    with make_uow() as uow:
        author = add_user(uow).id or 0
        doomed, kept = add_event(uow, "Doomed"), add_event(uow, "Kept")
        ids = {}
        for event in (doomed, kept):
            slot = add_slot(uow, event.id or 0)
            add_asset(uow, event.id or 0, deliverable_id=slot.id, version=1)
            parent = uow.comments.add(Comment(event.id or 0, author, "Top", at(0), deliverable_id=slot.id))
            uow.comments.add(Comment(event.id or 0, author, "Reply", at(1), parent_id=parent.id))
            uow.activity.add(Activity("event.created", "event", event.id, at(0), event_id=event.id))
            ids[event.name] = (event.id or 0, slot.id or 0, parent.id or 0)
        uow.commit()
    doomed_id, doomed_slot, doomed_comment = ids["Doomed"]
    with make_uow() as uow:
        uow.events.delete(doomed_id)
        uow.commit()
    with make_uow() as uow:
        assert uow.events.get(doomed_id) is None
        assert uow.deliverables.get(doomed_slot) is None
        assert uow.deliverables.list_for_events([doomed_id]) == []
        assert uow.assets.list_for_events([doomed_id]) == []
        assert uow.comments.list_for_event(doomed_id) == []
        assert uow.comments.get(doomed_comment) is None
        assert [a.event_id for a in uow.activity.list(event_id=doomed_id)] == [doomed_id]
        kept_id = ids["Kept"][0]
        assert len(uow.deliverables.list_for_events([kept_id])) == 1
        assert len(uow.assets.list_for_events([kept_id])) == 1
        assert len(uow.comments.list_for_event(kept_id)) == 2
        assert [e.name for e in uow.events.list(bar_id=kept.bar_ids[0])] == ["Kept"]


def test_slots_in_creation_order_across_events_and_by_status(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        one, two, other = (add_event(uow, n).id or 0 for n in ("One", "Two", "Other"))
        made = [add_slot(uow, one, "Poster"), add_slot(uow, two, "Flyer", Status.REVIEW)]
        made.append(add_slot(uow, one, "Cube", Status.REVIEW))
        add_slot(uow, other, "Elsewhere", Status.REVIEW)
        uow.commit()
    with make_uow() as uow:
        assert uow.deliverables.list_for_events([one, two]) == made
        assert uow.deliverables.list_for_events([]) == []
        assert [s.name for s in uow.deliverables.list_in_status(Status.REVIEW)] == ["Flyer", "Cube", "Elsewhere"]
        slot = made[0]
        slot.status, slot.enabled, slot.approved_at = Status.APPROVED, False, at(3).astimezone(PARIS)
        slot.assignee_id, slot.screen_label = add_user(uow).id, "Door LED"
        uow.deliverables.update(slot)
        uow.commit()
    with make_uow() as uow:
        stored = uow.deliverables.get(slot.id or 0)
        assert stored == slot
        assert stored is not None and stored.status is Status.APPROVED and stored.approved_at == at(3)


def test_assets_oldest_first_and_stored_bytes_count_hot_originals_and_every_preview(
    make_uow: UnitOfWorkFactory,
) -> None:
    big = 3 * 1024**3  # past a 32-bit integer
    with make_uow() as uow:
        assert uow.assets.stored_bytes() == 0
        event_id = add_event(uow).id or 0
        later = add_asset(uow, event_id, 10, size=big, preview_size=20, media_info={"codec": "h264", "titre": "é🎉"},
                          spec_check={"status": "match", "problems": [], "measured": {"duration": None}})  # fmt: skip
        earlier = add_asset(uow, event_id, 0, category=PhotoCategory.DECO, preview_key="p", preview_size=5)
        cold = add_asset(uow, event_id, 5, size=7000, location=StorageTier.COLD, preview_size=3)
        uow.commit()
    with make_uow() as uow:
        assert uow.assets.list_for_events([event_id]) == [earlier, cold, later]
        assert uow.assets.list_for_events([]) == []
        total = uow.assets.stored_bytes()
        assert total == big + 20 + 1000 + 5 + 3 and type(total) is int
        later.location = StorageTier.PURGED
        uow.assets.update(later)
        assert uow.assets.stored_bytes() == 1000 + 5 + 20 + 3
        stored = uow.assets.get(earlier.id or 0)
        assert stored is not None and stored.category is PhotoCategory.DECO and stored.created_at == at(0)


def test_reservations_total_exactly_per_person_and_per_lease(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        person, other = add_user(uow).id, add_user(uow, "b@x.fr", "Bea").id
        assert uow.reservations.total() == 0 and uow.reservations.unfinished_bytes(person or 0) == 0
        first = uow.reservations.add(Reservation("a" * 32, 2 * 1024**3, at(5), user_id=person))
        uow.reservations.add(Reservation("b" * 32, 2 * 1024**3 + 1, at(0), user_id=person))
        process = uow.reservations.add(Reservation("c" * 32, 10, at(9)))
        uow.reservations.add(Reservation("c" * 32, 20, at(10)))
        uow.reservations.add(Reservation("d" * 32, 7, at(1), user_id=other))
        uow.commit()
    with make_uow() as uow:
        total = uow.reservations.total()
        assert total == 4 * 1024**3 + 38 and type(total) is int
        unfinished = uow.reservations.unfinished_bytes(person or 0)
        assert unfinished == 4 * 1024**3 + 1 and type(unfinished) is int
        assert [r.size for r in uow.reservations.list()] == [2 * 1024**3 + 1, 7, 2 * 1024**3, 10, 20]
        uow.reservations.delete_for_lease("c" * 32)
        uow.reservations.delete(first.id or 0)
        uow.commit()
    with make_uow() as uow:
        assert [(r.lease_id, r.size, r.created_at, r.user_id) for r in uow.reservations.list()] == [
            ("b" * 32, 2 * 1024**3 + 1, at(0), person),
            ("d" * 32, 7, at(1), other),
        ]
        assert uow.reservations.get(process.id or 0) is None


def test_leases_are_stored_under_their_own_id_and_an_expired_one_is_never_renewed(make_uow: UnitOfWorkFactory) -> None:
    process = Lease("f" * 32, "eventflow serve (pid 812) on web1", at(5), host="web1#abc", pid=812)
    upload = Lease("0" * 32, "unfinished upload of Bea (user 2)", at(60))
    with make_uow() as uow:
        assert uow.leases.add(process) is process
        uow.leases.add(upload)
        uow.commit()
    with make_uow() as uow:
        assert uow.leases.list() == [upload, process]
        assert uow.leases.renew(process.id, until=at(10), now=at(4))
        assert not uow.leases.renew(upload.id, until=at(90), now=at(60))  # expired at that instant
        assert not uow.leases.renew("9" * 32, until=at(90), now=at(0))  # unknown
        uow.commit()
    with make_uow() as uow:
        expiries = [(lease.id, lease.expires_at) for lease in uow.leases.list()]
        assert expiries == [(upload.id, at(60)), (process.id, at(10))]
        uow.leases.delete([upload.id, "9" * 32])
        uow.leases.delete([])
        uow.commit()
    with make_uow() as uow:
        assert [lease.id for lease in uow.leases.list()] == [process.id]


def test_an_asset_is_found_by_the_resumable_upload_it_came_from(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        event_id = add_event(uow).id or 0
        add_asset(uow, event_id, 0)
        stored = add_asset(uow, event_id, 1, upload_id="e" * 32)
        uow.commit()
    with make_uow() as uow:
        assert uow.assets.get_by_upload("e" * 32) == stored
        assert uow.assets.get_by_upload("a" * 32) is None


def test_comments_oldest_first_with_threads_mentions_and_edits(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        author, other = add_user(uow).id or 0, add_user(uow, "b@x.fr", "Bea").id or 0
        event_id = add_event(uow).id or 0
        second = uow.comments.add(Comment(event_id, author, "Réponse 🎉", at(5), mention_ids=[other]))
        first = uow.comments.add(Comment(event_id, other, "Première", at(1)))
        reply = uow.comments.add(Comment(event_id, author, "Re", at(9), parent_id=first.id))
        uow.commit()
    with make_uow() as uow:
        assert uow.comments.list_for_event(event_id) == [first, second, reply]
        assert uow.comments.list_for_event(9999) == []
        second.text, second.edited_at, second.deleted_at = "Édité", at(20), at(30)
        uow.comments.update(second)
        uow.commit()
    with make_uow() as uow:
        assert uow.comments.get(second.id or 0) == second


def test_activity_newest_first_filtered_and_limited(make_uow: UnitOfWorkFactory) -> None:
    with make_uow() as uow:
        alex, bea = add_user(uow).id, add_user(uow, "b@x.fr", "Bea").id
        event_id = add_event(uow).id
        entries = [
            uow.activity.add(Activity("event.created", "event", event_id, at(0), alex, event_id, None, {"n": "é🎉"})),
            uow.activity.add(Activity("slot.updated", "deliverable", 7, at(10), bea, event_id, {"s": "todo"}, {})),
            uow.activity.add(Activity("user.created", "user", bea, at(20), alex)),
            uow.activity.add(Activity("slot.updated", "deliverable", 8, at(20), alex, event_id)),
        ]
        uow.commit()
    newest_first = entries[::-1]
    with make_uow() as uow:
        assert uow.activity.list() == newest_first
        assert uow.activity.list(event_id=event_id) == [entries[3], entries[1], entries[0]]
        assert uow.activity.list(actor_id=bea) == [entries[1]]
        assert uow.activity.list(entity_type="deliverable") == [entries[3], entries[1]]
        assert uow.activity.list(since=at(10), until=at(20)) == newest_first[:3]
        assert uow.activity.list(limit=2) == newest_first[:2]
        assert uow.activity.list(limit=2, offset=2) == newest_first[2:4], "the next page"
        assert uow.activity.list(offset=3) == newest_first[3:]
        assert uow.activity.list(event_id=event_id, limit=1, offset=1) == [entries[1]]
        assert uow.activity.list(limit=2, offset=4) == []
        assert uow.activity.list(entity_type="deliverable", entity_id=7) == [entries[1]]
        assert uow.activity.list(action="slot.updated", limit=1) == [entries[3]]
        assert uow.activity.list(action_prefix="slot.") == [entries[3], entries[1]]
        assert uow.activity.list(action_prefix="slot") == [entries[3], entries[1]]
        assert uow.activity.list(action_prefix="s_ot.") == [], "LIKE wildcards in a prefix are literal"
        assert uow.activity.list(action="slot.") == []
        assert uow.activity.list()[-1].after == {"n": "é🎉"}
        assert uow.activity.list()[-1].before is None


# -- what only a database enforces ---------------------------------------------------------------------


DUPLICATES = {
    "users": (lambda u: add_user(u, "alex@bars.fr"), lambda u: add_user(u, "ALEX@Bars.fr"), "e-mail already exists"),
    "bars": (lambda u: u.bars.add(Bar("Le Zinc")), lambda u: u.bars.add(Bar("le zinc")), "bar with this name"),
    "templates": (
        lambda u: u.templates.add(DeliverableTemplate("Flyer")),
        lambda u: u.templates.add(DeliverableTemplate("FLYER")),
        "template with this name",
    ),
    "themes": (
        lambda u: u.themes.add(ThemePeriod(2026, 12, "Noël")),
        lambda u: u.themes.add(ThemePeriod(2026, 12, "Autre")),
        "already has a theme",
    ),
}


@pytest.mark.parametrize("store", DUPLICATES)
def test_duplicates_are_refused_as_a_conflict_with_a_readable_message(
    sql_factory: UnitOfWorkFactory, store: str
) -> None:
    first, duplicate, message = DUPLICATES[store]
    with sql_factory() as uow:
        original = first(uow)
        uow.commit()
    with pytest.raises(Conflict, match=message), sql_factory() as uow:
        duplicate(uow)
        uow.commit()
    with sql_factory() as uow:
        assert getattr(uow, store).list() == [original]


def test_duplicate_token_or_session_hash_is_a_conflict(sql_factory: UnitOfWorkFactory) -> None:
    with sql_factory() as uow:
        user_id = add_user(uow).id or 0
        uow.tokens.add(ApiToken(user_id, "same", "a", T0))
        uow.sessions.add(Session("same", user_id, T0, T0))
        uow.commit()
    with pytest.raises(Conflict, match="token already exists"), sql_factory() as uow:
        uow.tokens.add(ApiToken(user_id, "same", "b", T0))
    with pytest.raises(Conflict, match="session already exists"), sql_factory() as uow:
        uow.sessions.add(Session("same", user_id, T0, T0))


def test_an_upload_becomes_one_asset_at_most(sql_factory: UnitOfWorkFactory) -> None:
    with sql_factory() as uow:
        event_id = add_event(uow).id or 0
        add_asset(uow, event_id, 0, upload_id="e" * 32)
        uow.commit()
    with pytest.raises(Conflict, match="this upload is already stored"), sql_factory() as uow:
        add_asset(uow, event_id, 1, upload_id="e" * 32)


def test_a_reference_to_a_missing_row_is_a_conflict(sql_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(Conflict, match="does not exist"), sql_factory() as uow:
        uow.events.add(Event(name="Ghost bar", date=dt.date(2026, 12, 1), bar_ids=[424242]))


def test_datetimes_come_back_aware_in_utc_whatever_zone_they_were_given_in(sql_factory: UnitOfWorkFactory) -> None:
    paris_evening = dt.datetime(2026, 7, 14, 23, 59, 59, 999999, tzinfo=PARIS)
    make_uow = sql_factory
    with make_uow() as uow:
        user_id = add_user(uow).id or 0
        uow.sessions.add(Session("s", user_id, paris_evening, paris_evening + dt.timedelta(days=30)))
        uow.commit()
    with make_uow() as uow:
        stored = uow.sessions.get_by_hash("s")
    assert stored is not None
    assert stored.created_at == paris_evening
    assert stored.created_at.utcoffset() == dt.timedelta(0)
    assert stored.created_at.hour == 21  # 23:59 in Paris summer time


def test_a_naive_datetime_is_refused_rather_than_stored_in_an_unknown_zone(sql_factory: UnitOfWorkFactory) -> None:
    with pytest.raises(Exception, match="naive datetime"), sql_factory() as uow:
        uow.reservations.add(Reservation("r" * 32, 1, dt.datetime(2026, 1, 1)))
