"""``eventflow serve``: the app under gunicorn, started from Python.

gunicorn hands the app the request body as a stream (nothing buffered to disk first), so an upload over the
limit is refused from its Content-Length before a byte is read. Threaded workers: the services bundle
(and its database engine) is built once, before the server starts; its connection pool is emptied before the
fork, so each worker process (one per core, on a database) opens its own connections.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import falcon
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from eventflow.bootstrap import Services
from eventflow.entrypoints.outbox_worker import start_outbox_worker
from eventflow.entrypoints.startup import reclaim_leftovers
from eventflow.entrypoints.web.app import create_app
from eventflow.entrypoints.web.pages.render import compile_templates
from eventflow.entrypoints.web.worker import worker_class

#: A 500 MB upload on a slow uplink (~1 MB/s) still finishes within it.
REQUEST_TIMEOUT_SECONDS = 600
THREADS = 8
MAX_WORKERS = 4


#: A calendar feed's address is its only key: the access log keeps the request without it.
_SECRET_IN_PATH = re.compile(r"(/feeds/)[^/?\s]+(\.ics)")


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with the secrets that travel in a URL masked in the access log."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if isinstance(atoms.get(key), str):
                atoms[key] = _SECRET_IN_PATH.sub(r"\1…\2", atoms[key])
        return atoms


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, app: falcon.App[falcon.Request, falcon.Response], options: dict[str, Any]) -> None:
        self._app = app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # gunicorn before 25.1 has no control socket to disable
                self.cfg.set(key, value)

    def load(self) -> falcon.App[falcon.Request, falcon.Response]:
        return self._app


def worker_count(services: Services) -> int:
    """One process per core (at most 4) on a database; one process for the in-memory fakes, whose data
    lives in the process and would differ from worker to worker."""
    if not callable(getattr(services.database, "dispose", None)):
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def server_options(services: Services, host: str, port: int) -> dict[str, Any]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": worker_count(services),
        "worker_class": worker_class(services.settings.body_timeout_seconds),  # gthread, safe from stalled clients
        "threads": THREADS,
        "timeout": REQUEST_TIMEOUT_SECONDS,
        "graceful_timeout": 30,
        "keepalive": 5,
        # gunicorn's largest: a search of 200 characters, percent-encoded (up to 12 bytes each), fits with its filters
        "limit_request_line": 8190,
        "control_socket_disable": True,  # one shared socket in $HOME would clash between instances
        "accesslog": "-",
        "logger_class": AccessLogger,
        "access_log_format": '%(h)s "%(r)s" %(s)s %(B)s %(M)sms id=%({x-request-id}o)s',
        # X-Forwarded-Proto from the local proxy counts only when the operator said so.
        "forwarded_allow_ips": "127.0.0.1,::1" if services.settings.trust_forwarded_proto else "",
        # E-mails leave from a thread of the worker (after the fork: threads do not survive one).
        "post_worker_init": lambda worker: setattr(worker, "outbox", start_outbox_worker(services)),
        "worker_exit": lambda _server, worker: getattr(worker, "outbox", None) and worker.outbox.stop(),
    }


def run(services: Services, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the app until SIGINT/SIGTERM; requests under way get ``graceful_timeout`` seconds to finish."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app(services)
    compile_templates(services.settings.timezone)
    reclaim_leftovers(services)
    dispose = getattr(services.database, "dispose", None)  # the SQL factory's pool; the memory fakes have none
    if callable(dispose):
        dispose()  # no pooled connection may cross the fork into the worker: it opens its own
    _Gunicorn(app, server_options(services, host, port)).run()
