"""The start-up sweep: before a server or a command that writes begins, whatever killed processes and expired
uploads left behind (temporary files, unfinished uploads' bytes, quota holds) is reclaimed and logged."""

from __future__ import annotations

import logging

from eventflow.bootstrap import Services
from eventflow.core.services.storage import Leftover

log = logging.getLogger("eventflow.storage")


def reclaim_leftovers(services: Services) -> list[Leftover]:
    reclaimed = services.storage.reclaim()
    for leftover in reclaimed:
        log.info("reclaimed %s %s (%d bytes) left by %s", leftover.place, leftover.name, leftover.size, leftover.owner)
    return reclaimed
