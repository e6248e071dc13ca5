"""The lease of this process (see ``core.model.Lease``): taken on first use, renewed by a heartbeat thread, and told
apart from the leases of processes of this machine that have ended.

A process is known by its machine and its pid. The machine is its host name plus the boot and the pid namespace (two
containers may share a host name, never a pid namespace), so the leftovers of a killed process are reclaimed at once
on the machine that ran it; on other machines they wait for the lease to expire (``LEASE_TTL``). A pid reused by
another program only delays reclaiming, it never reclaims what a live process keeps.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import os
import re
import socket
import sys
import threading
import time
import uuid
import weakref
from pathlib import Path

from attrs import evolve, frozen

from eventflow.core.model import Lease
from eventflow.core.ports import Clock, UnitOfWorkFactory

#: A process lease not renewed for this long is dead (the heartbeat renews it every ``HEARTBEAT``).
LEASE_TTL = dt.timedelta(minutes=5)
HEARTBEAT = dt.timedelta(minutes=1)

log = logging.getLogger("eventflow.leases")


@frozen
class _Held:
    id: str
    pid: int
    expires_at: dt.datetime


class ProcessLeases:
    """This process's lease (the ``ProcessLease`` port), on the database of ``uow``."""

    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ttl: dt.timedelta = LEASE_TTL, heartbeat: dt.timedelta = HEARTBEAT
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ttl = ttl
        self._heartbeat = heartbeat
        self._lock = threading.Lock()
        self._held: _Held | None = None

    def current(self) -> str:
        with self._lock:
            held = self._held
            if held is None or held.pid != os.getpid():  # never taken, or taken by the parent before a fork
                held = self._take()
                _Heartbeat(self, held.id, self._heartbeat.total_seconds()).start()
            elif self._clock.now() >= held.expires_at - self._ttl / 2:  # the heartbeat fell behind
                held = self._renew(held) or self._take()
            self._held = held
            return held.id

    def ended(self, lease: Lease) -> bool:
        return lease.host == machine() and lease.pid is not None and not process_runs(lease.pid)

    def beat(self, lease_id: str) -> bool:
        """Renew the lease if it is still this process's one; False once it is not (the heartbeat then stops)."""
        with self._lock:
            held = self._held
            if held is None or held.id != lease_id or held.pid != os.getpid():
                return False
            self._held = self._renew(held)
            if self._held is None:
                log.warning(
                    "the lease %s of this process expired before it could be renewed; taking a new one", held.id
                )
            return self._held is not None

    def _take(self) -> _Held:
        pid = os.getpid()
        owner = f"{program()} (pid {pid}) on {socket.gethostname()}"
        lease = Lease(uuid.uuid4().hex, owner[:255], self._clock.now() + self._ttl, machine(), pid)
        with self._uow() as uow:
            uow.leases.add(lease)
            uow.commit()
        return _Held(lease.id, pid, lease.expires_at)

    def _renew(self, held: _Held) -> _Held | None:
        now = self._clock.now()
        with self._uow() as uow:
            alive = uow.leases.renew(held.id, now + self._ttl, now)
            uow.commit()
        return evolve(held, expires_at=now + self._ttl) if alive else None


class _Heartbeat(threading.Thread):
    """Renews one lease every ``interval`` seconds while the process holds it (a weak reference: the thread does not
    keep a discarded services bundle alive)."""

    def __init__(self, leases: ProcessLeases, lease_id: str, interval: float) -> None:
        super().__init__(name="eventflow-lease", daemon=True)
        self._leases = weakref.ref(leases)
        self._lease_id = lease_id
        self._interval = interval

    def run(self) -> None:
        missed = 0
        while True:
            time.sleep(self._interval)
            leases = self._leases()
            if leases is None:
                return
            try:
                if not leases.beat(self._lease_id):
                    return
                missed = 0
            except Exception as error:  # the database is away or busy: try again next beat, the lease lasts several
                missed += 1
                # One beat missed while a long write holds the database (SQLite during `eventflow demo`) is routine;
                # a second one in a row is worth a line in the log.
                log.log(logging.WARNING if missed > 1 else logging.DEBUG,
                        "could not renew the lease %s of this process: %s", self._lease_id, error)  # fmt: skip
            del leases


@functools.cache
def machine() -> str:
    """This machine as leases name it: host name, plus a digest of the boot and of the pid namespace."""
    marks = f"{_read(Path('/proc/sys/kernel/random/boot_id'))}|{_pid_namespace()}"
    return f"{socket.gethostname()}#{hashlib.sha256(marks.encode()).hexdigest()[:12]}"


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def program() -> str:
    """The command this process runs, for people (``eventflow serve``): no option or value (they may be secrets)."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] and not sys.argv[0].startswith("-") else "python"
    command = [arg for arg in sys.argv[1:] if re.fullmatch(r"[a-z][a-z-]*", arg)][:1]
    return " ".join([name, *command])


def process_runs(pid: int) -> bool:
    """Whether a process of this machine (and pid namespace) with that pid runs (a zombie does not)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]
