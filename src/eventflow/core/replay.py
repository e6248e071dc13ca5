"""Replaying a use case whose transaction lost a race against another one.

Databases settle some clashes between concurrent transactions by cancelling one of them (a deadlock, a
serialisation failure, a lock waited for too long); the SQL adapter reports those as :class:`errors.TryAgain` once
the whole transaction is rolled back. ``@replayed`` runs such a use case again after a short random pause (so the
contenders do not meet again at once), a few times, then gives up with :class:`errors.Unavailable` (try later).

A replayed function is one unit of work and nothing that could not be done twice: files are stored before it and
previews made after it, outside the replayed part.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from eventflow.core import errors

P = ParamSpec("P")
T = TypeVar("T")

#: The longest pause before each new attempt, in seconds (each pause is random between 0 and this).
PAUSES = (0.02, 0.05, 0.1)
#: What a client is told to wait, in seconds, when every attempt clashed.
RETRY_AFTER = 1

log = logging.getLogger("eventflow.replay")


def replayed(use_case: Callable[P, T]) -> Callable[P, T]:
    """``use_case``, run again when its transaction clashed with another one (see the module)."""

    @functools.wraps(use_case)
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        for pause in PAUSES:
            try:
                return use_case(*args, **kwargs)
            except errors.TryAgain as clash:
                log.info("%s clashed with a concurrent change and is run again: %s", use_case.__qualname__, clash)
                time.sleep(random.uniform(0, pause))
        try:
            return use_case(*args, **kwargs)
        except errors.TryAgain as clash:
            raise errors.Unavailable(
                "the database is busy with other changes to the same data; try again in a moment", RETRY_AFTER
            ) from clash

    return run
