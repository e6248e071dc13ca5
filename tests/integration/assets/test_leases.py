"""Leases: temporary files, unfinished uploads and quota holds are reclaimed once the lease keeping them is dead (its
process ended, or it expired), at once, and never while it lives. In-process, on the real disk."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventflow.adapters.leases import ProcessLeases, machine
from eventflow.adapters.memory import memory_uow_factory
from eventflow.adapters.resumable import UploadFolders, UploadInfo
from eventflow.bootstrap import Services
from eventflow.core import errors
from eventflow.core.clock import FixedClock, SystemClock
from eventflow.core.model import Deliverable, Lease, Reservation, User
from eventflow.core.services.assets import UploadTarget
from tests.support import samples
from tests.support.assets import MB, QUOTA_BYTES


def ended_pid() -> int:
    """The pid of a process of this machine that has ended (and been reaped)."""
    done = subprocess.run(["true"], check=True)
    assert done.returncode == 0
    probe = subprocess.Popen(["true"])
    probe.wait()
    return probe.pid


@pytest.fixture
def live_pid() -> Iterator[int]:
    """Another process of this machine, running for the test's duration."""
    other = subprocess.Popen(["sleep", "60"])
    yield other.pid
    other.kill()
    other.wait()


def store_lease(services: Services, lease: Lease, *holds: int) -> None:
    with services.uow() as uow:
        uow.leases.add(lease)
        for size in holds:
            uow.reservations.add(Reservation(lease.id, size, services.clock.now()))
        uow.commit()


def process_lease(services: Services, pid: int, host: str | None = None, minutes: int = 5) -> Lease:
    expires = services.clock.now() + dt.timedelta(minutes=minutes)
    return Lease(os.urandom(16).hex(), f"eventflow serve (pid {pid}) on test", expires, host or machine(), pid)


def holds(services: Services) -> list[Reservation]:
    with services.uow(read_only=True) as uow:
        return uow.reservations.list()


def upload(services: Services, user: User, slot: Deliverable, size: int) -> None:
    data = samples.pdf() + bytes(size - len(samples.pdf()))
    services.assets.upload_version(user, slot.id or 0, "poster.pdf", io.BytesIO(data), declared_size=size)


# -- quota holds -------------------------------------------------------------------------------------------------
def test_a_hold_of_a_process_that_ended_gives_way_at_once_to_a_new_upload(
    services: Services, admin: User, slot: Deliverable
) -> None:
    store_lease(services, process_lease(services, ended_pid()), QUOTA_BYTES // 2 + MB)
    upload(services, admin, slot, QUOTA_BYTES // 2)
    assert holds(services) == []


def test_a_hold_of_a_live_process_is_never_reclaimed(
    services: Services, admin: User, slot: Deliverable, live_pid: int
) -> None:
    lease = process_lease(services, live_pid)
    store_lease(services, lease, QUOTA_BYTES // 2 + MB)
    with pytest.raises(errors.QuotaExceeded):
        upload(services, admin, slot, QUOTA_BYTES // 2)
    assert [(h.lease_id, h.size) for h in holds(services)] == [(lease.id, QUOTA_BYTES // 2 + MB)]


def test_a_hold_of_a_process_on_another_machine_counts_until_its_lease_expires(
    services: Services, admin: User, slot: Deliverable, clock: FixedClock
) -> None:
    store_lease(services, process_lease(services, 1, host="web2#0123456789ab", minutes=5), QUOTA_BYTES // 2 + MB)
    with pytest.raises(errors.QuotaExceeded):
        upload(services, admin, slot, QUOTA_BYTES // 2)
    clock.advance(minutes=5)
    upload(services, admin, slot, QUOTA_BYTES // 2)
    assert holds(services) == []


def test_an_upload_holds_its_bytes_under_this_process_lease_while_it_streams(
    services: Services, admin: User, slot: Deliverable
) -> None:
    seen: list[tuple[list[Reservation], list[Lease]]] = []

    class Watched(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            with services.uow(read_only=True) as uow:
                seen.append((uow.reservations.list(), uow.leases.list()))
            return super().read(size)

    services.assets.upload_version(admin, slot.id or 0, "poster.pdf", Watched(samples.pdf()))
    hold_list, leases = seen[0]
    (hold,) = hold_list
    (lease,) = leases
    assert hold.lease_id == lease.id and (lease.pid, lease.host) == (os.getpid(), machine())
    assert holds(services) == []


def test_the_heartbeat_keeps_the_lease_of_this_process_alive() -> None:
    uow, clock = memory_uow_factory(), SystemClock()
    leases = ProcessLeases(uow, clock, ttl=dt.timedelta(seconds=0.6), heartbeat=dt.timedelta(seconds=0.1))
    lease_id = leases.current()
    time.sleep(1.0)
    with uow(read_only=True) as current:
        (lease,) = current.leases.list()
    assert lease.id == lease_id == leases.current()
    assert lease.expires_at > clock.now()


def test_a_beat_missed_while_the_database_is_busy_is_retried_quietly_and_two_in_a_row_are_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """`eventflow demo` holds SQLite's write lock for a while: one renewal that fails then is no news for the person
    watching the terminal; a database away for two beats is."""
    memory, clock = memory_uow_factory(), SystemClock()
    failing = {"beats": 0}

    def uow(read_only: bool = False) -> object:
        if failing["beats"]:
            failing["beats"] -= 1
            raise errors.TryAgain("another one touched the same data")
        return memory(read_only=read_only)

    leases = ProcessLeases(uow, clock, ttl=dt.timedelta(seconds=5), heartbeat=dt.timedelta(seconds=0.1))  # type: ignore[arg-type]
    leases.current()
    with caplog.at_level("DEBUG", logger="eventflow.leases"):
        failing["beats"] = 1
        time.sleep(0.5)
        assert [r.levelname for r in caplog.records if "could not renew" in r.message] == ["DEBUG"]
        caplog.clear()
        failing["beats"] = 2
        time.sleep(0.5)
    assert [r.levelname for r in caplog.records if "could not renew" in r.message] == ["DEBUG", "WARNING"]


# -- resumable uploads -------------------------------------------------------------------------------------------
def test_a_resumable_upload_holds_its_length_from_creation_within_a_cap_per_person(
    services: Services, admin: User, member: User
) -> None:
    services.assets.max_unfinished_bytes = 2 * MB
    services.assets.open_resumable(admin, "a" * 32, MB)
    services.assets.open_resumable(admin, "b" * 32, MB)
    with pytest.raises(errors.TooManyUnfinished, match="finish or cancel your other uploads"):
        services.assets.open_resumable(admin, "c" * 32, 1)
    services.assets.open_resumable(member, "d" * 32, MB)  # the cap is per person
    with pytest.raises(errors.QuotaExceeded):  # 4 MiB quota: 3 MiB held
        services.assets.open_resumable(member, "e" * 32, MB + 1)
    assert services.storage.report().reserved_bytes == 3 * MB
    services.assets.drop_resumable("a" * 32)  # termination: released at once
    services.assets.open_resumable(admin, "c" * 32, MB)
    assert services.storage.report().reserved_bytes == 3 * MB


def test_an_unfinished_upload_expires_and_gives_its_hold_back(
    services: Services, admin: User, clock: FixedClock
) -> None:
    services.assets.open_resumable(admin, "a" * 32, 2 * MB)
    clock.advance(hours=1)
    services.assets.open_resumable(admin, "b" * 32, 2 * MB)
    clock.advance(hours=22)
    assert services.assets.keep_resumable("a" * 32) == clock.now() + dt.timedelta(hours=24)  # resumed: kept longer
    clock.advance(hours=1, minutes=59)
    with pytest.raises(errors.QuotaExceeded):
        services.assets.open_resumable(admin, "c" * 32, MB)
    clock.advance(minutes=1)  # "b…" was last touched 24 hours ago; "a…" 2 hours ago
    services.assets.open_resumable(admin, "c" * 32, MB)  # the expired one's hold gave way
    assert services.assets.keep_resumable("b" * 32) is None
    assert [(h.lease_id, h.size) for h in holds(services)] == [("a" * 32, 2 * MB), ("c" * 32, MB)]


def test_a_completion_run_twice_stores_one_version_under_the_upload_hold(
    services: Services, admin: User, slot: Deliverable
) -> None:
    data = samples.pdf() + bytes(2 * MB - len(samples.pdf()))
    services.assets.open_resumable(admin, "a" * 32, len(data))
    services.assets.open_resumable(admin, "b" * 32, MB + MB // 2)  # 3.5 MiB held of 4: a second hold would not fit
    target = UploadTarget(deliverable_id=slot.id)
    first = services.assets.complete_resumable(admin, "a" * 32, target, "poster.pdf", io.BytesIO(data), len(data))
    again = services.assets.complete_resumable(admin, "a" * 32, target, "poster.pdf", io.BytesIO(data), len(data))
    assert again.id == first.id and first.upload_id == "a" * 32
    versions = [v for s in services.events.card(slot.event_id).slots if s.slot.id == slot.id for v in s.versions]
    assert [v.version for v in versions] == [1]
    assert [h.lease_id for h in holds(services)] == ["b" * 32]


def test_an_upload_terminated_meanwhile_is_not_found_rather_than_locked(tmp_path: Path) -> None:
    folders = UploadFolders(tmp_path)
    folders.create(UploadInfo("a" * 32, 1, 100, "a.mp4", {"deliverable_id": 1}, "now"))
    folders.delete("a" * 32)
    with pytest.raises(errors.NotFound), folders.locked("a" * 32):
        pass


# -- the sweep ---------------------------------------------------------------------------------------------------
def test_the_check_reports_what_dead_leases_left_and_the_sweep_reclaims_exactly_that(
    services: Services, admin: User, live_pid: int, clock: FixedClock
) -> None:
    dead, live = process_lease(services, ended_pid()), process_lease(services, live_pid)
    store_lease(services, dead, 3000)
    store_lease(services, live, 4000)
    hot, cold = services.settings.files_dir, services.settings.cold_dir
    left = {
        hot / "ab" / f".incoming-{dead.id}-x1": 1000,
        cold / "cd" / ".incoming-y2": 2000,  # names no lease (an older eventflow)
        hot / "ab" / f".incoming-{live.id}-z3": 5000,  # a write under way
    }
    for path, size in left.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(bytes(size))
    folders = UploadFolders(services.settings.uploads_dir)
    for upload_id in ("e" * 32, "f" * 32):
        services.assets.open_resumable(admin, upload_id, 100)
        folders.create(UploadInfo(upload_id, admin.id or 0, 100, "a.mp4", {"deliverable_id": 1}, "now"))
    clock.advance(hours=20)
    services.assets.keep_resumable("f" * 32)
    clock.advance(hours=5)  # "e…" expired; "f…" was resumed; the live process renewed its lease meanwhile
    with services.uow() as uow:
        uow.leases.renew(live.id, clock.now() + dt.timedelta(minutes=5), clock.now() - dt.timedelta(hours=25))
        uow.commit()

    expected = {
        ("hot store", f"ab/.incoming-{dead.id}-x1", 1000, dead.owner),
        ("cold store", "cd/.incoming-y2", 2000, "an unknown process or upload"),
        ("unfinished uploads", "e" * 32, len(folders.root.joinpath("e" * 32, "info.json").read_bytes()),
         f"unfinished upload of {admin.name} (user {admin.id})"),
        ("quota", f"hold {holds(services)[0].id}", 3000, dead.owner),
        ("quota", f"hold {holds(services)[2].id}", 100, f"unfinished upload of {admin.name} (user {admin.id})"),
    }  # fmt: skip
    drift = services.storage.check()
    assert not drift.ok
    assert {(x.place, x.name, x.size, x.owner) for x in drift.leftovers} == expected
    assert {(x.place, x.name, x.size, x.owner) for x in services.storage.reclaim()} == expected

    assert services.storage.check().ok
    assert [p.exists() for p in left] == [False, False, True]
    assert sorted(p.name for p in folders.root.iterdir()) == ["f" * 32]
    assert sorted(h.size for h in holds(services)) == [100, 4000]
