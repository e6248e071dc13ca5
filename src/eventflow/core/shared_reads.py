"""One read transaction for a whole request, or one transaction for a whole job.

A page request reads its caller (the session) and then its data; each service opens its own read-only unit of
work, which would cost a transaction (and, on SQLite, a ``BEGIN``) each. Inside ``sharing()``, the read-only units
of work of the current thread (or task) join one, begun at the first read and ended with the block. Units of work
that write are never shared: they begin and commit on their own, as everywhere else.

Inside ``one_transaction()`` every unit of work of the current thread, reading or writing, joins one writing
transaction: their ``commit()`` waits for the block, which commits everything when it ends normally and rolls
everything back when it raises (``eventflow demo``: all its sample data or none).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, cast

from attrs import define

from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory


@define
class _Shared:
    uow: UnitOfWork | None = None
    writing: bool = False


class SharedReads:
    """A unit-of-work factory over ``factory`` whose read-only units of work can be shared (see the module)."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self.factory = factory
        self._current: ContextVar[_Shared | None] = ContextVar("eventflow_shared_read", default=None)

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        shared = self._current.get()
        if shared is not None and (read_only or shared.writing):
            return cast(UnitOfWork, _Joined(self.factory, shared))
        return self.factory(read_only)

    @contextmanager
    def sharing(self) -> Iterator[None]:
        if self._current.get() is not None:  # already inside: the outer block ends the transaction
            yield
            return
        shared = _Shared()
        token = self._current.set(shared)
        try:
            yield
        finally:
            self._current.reset(token)
            if shared.uow is not None:
                shared.uow.__exit__(None, None, None)

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        if self._current.get() is not None:
            raise RuntimeError("one_transaction() cannot start inside another shared block")
        uow = self.factory().__enter__()
        token = self._current.set(_Shared(uow, writing=True))
        try:
            yield
            uow.commit()
        finally:
            self._current.reset(token)
            uow.__exit__(None, None, None)


class _Joined:
    """A unit of work joining the shared one (a read beginning it if it is the first); leaving it ends nothing."""

    def __init__(self, factory: UnitOfWorkFactory, shared: _Shared) -> None:
        self._factory = factory
        self._shared = shared

    def __enter__(self) -> UnitOfWork:
        if self._shared.uow is None:
            self._shared.uow = self._factory(read_only=True).__enter__()
        if self._shared.writing:
            return cast(UnitOfWork, _CommitLater(self._shared.uow))
        return self._shared.uow

    def __exit__(self, *exc_info: object) -> None:
        pass


class _CommitLater:
    """The shared writing unit of work, as one use case sees it: its ``commit()`` is the block's, at the end."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def commit(self) -> None:
        pass
