"""One read transaction for a whole request.

A page request reads its caller (the session) and then its data; each service opens its own read-only unit of
work, which would cost a transaction (and, on SQLite, a ``BEGIN``) each. Inside ``sharing()``, the read-only units
of work of the current thread (or task) join one, begun at the first read and ended with the block. Units of work
that write are never shared: they begin and commit on their own, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import cast

from attrs import define

from eventflow.core.ports import UnitOfWork, UnitOfWorkFactory


@define
class _Shared:
    uow: UnitOfWork | None = None


class SharedReads:
    """A unit-of-work factory over ``factory`` whose read-only units of work can be shared (see the module)."""

    def __init__(self, factory: UnitOfWorkFactory) -> None:
        self.factory = factory
        self._current: ContextVar[_Shared | None] = ContextVar("eventflow_shared_read", default=None)

    def __call__(self, read_only: bool = False) -> UnitOfWork:
        shared = self._current.get()
        if read_only and shared is not None:
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


class _Joined:
    """A read-only unit of work joining the shared one (beginning it if it is the first); leaving it ends nothing."""

    def __init__(self, factory: UnitOfWorkFactory, shared: _Shared) -> None:
        self._factory = factory
        self._shared = shared

    def __enter__(self) -> UnitOfWork:
        if self._shared.uow is None:
            self._shared.uow = self._factory(read_only=True).__enter__()
        return self._shared.uow

    def __exit__(self, *exc_info: object) -> None:
        pass
