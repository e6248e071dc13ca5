"""gunicorn's threaded worker, made safe from slow and stalled clients.

gthread serves each request on one of a few threads (``server.THREADS``), and a thread that waits on a client's
socket serves nobody else: a handful of uploads that stop halfway used to leave no thread for anyone, until they
closed. This worker bounds every such wait by ``idle_timeout`` (``EVENTFLOW_BODY_TIMEOUT_SECONDS``).

Why a socket timeout, rather than a wrapper around ``wsgi.input`` that watches the clock: a read blocked in
``recv`` never returns to a wrapper, whereas the socket timeout bounds the wait in the kernel itself, for the
request line, the headers, the body and the response alike. The clock restarts with every read that returns
bytes, so it measures progress, not duration: a 500 MB upload over a weak line finishes as long as it keeps
moving. A read that waits longer raises ``TimeoutError`` out of ``wsgi.input``; the app (``admission.py``)
answers 408 and whatever was reading the body cleans up as after any failed read.

What this subclass changes in gthread, each because a stalled client would otherwise hold something:

- every connection's socket gets the timeout, and ``sendall`` restarts it with each piece sent (the standard
  library counts the whole call): a response nobody reads is dropped after ``idle_timeout`` instead of holding
  its thread for ever, while a slow reader still gets a long page;
- a new connection waits on the event loop, not on a thread, for its first bytes (gthread holds a thread for up
  to 5 seconds first); it is closed when none come within ``idle_timeout``, or at once when the worker stops;
- after the response, a body the app left unread (an upload refused before its body: 401, 413, 429, 503…) gets
  ``UNREAD_BODY_GRACE_SECONDS`` to be there already, not 5 seconds of the thread: otherwise the connection closes;
- a closing connection lingers on the event loop (FIN sent, whatever still arrives read and dropped, for up to
  ``LINGER_SECONDS``, as RFC 9112 section 9.6 asks so that the client reads its answer); gthread lingers
  blocking its main thread, which meanwhile accepts no one;
- a timeout gunicorn meets itself (headers that stop coming, a response nobody reads) is logged as one info line,
  not as a socket error with a traceback.

What it does not change: headers are still read on a thread, so a request line or headers that stop coming hold
that thread until the timeout (a proxy in front, which reads headers itself, closes that gap).

Built on gthread's internals of gunicorn 27 (``pyproject.toml`` pins the series);
``tests/e2e/http/test_slow_clients.py`` drives a real server.
Not with gunicorn's own TLS (eventflow runs behind a proxy that terminates it).
"""

from __future__ import annotations

import contextlib
import errno
import selectors
import socket
import sys
import time
from collections import deque
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

from eventflow.config import Settings

#: How long a closed connection keeps reading (and dropping) what its client still sends.
LINGER_SECONDS = 2.0
#: How long the rest of a body the app did not read may take to arrive before the connection is closed
#: rather than kept alive.
UNREAD_BODY_GRACE_SECONDS = 0.1
_ACCEPT_AGAIN = (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK)


class ClientSocket(socket.socket):
    """A client connection whose ``sendall`` waits at most the timeout for each piece, not for the whole data."""

    def sendall(self, data: Any, flags: int = 0) -> None:
        rest = memoryview(data).cast("B")
        while rest:
            rest = rest[self.send(rest, flags) :]


class Connection(TConn):  # type: ignore[misc]
    def __init__(self, worker: SlowClientWorker, sock: socket.socket, client: Any, server: Any) -> None:
        super().__init__(worker.cfg, sock, client, server)
        self._worker = worker

    def init(self) -> None:
        """Called before each request, after gthread made the socket blocking (which clears any timeout)."""
        super().init()
        self.sock.settimeout(self._worker.idle_timeout)

    def close(self, graceful: bool = False) -> None:
        if graceful:
            self._worker.linger(self.sock)
        else:
            util.close(self.sock)


class QuietTimeouts:
    """gunicorn's logger, except that a socket timeout is one info line (the client stalled), not a traceback."""

    def __init__(self, log: Any, idle_timeout: float) -> None:
        self._log = log
        self._idle_timeout = idle_timeout

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)

    def exception(self, msg: str, *args: Any, **kwargs: Any) -> None:
        if isinstance(sys.exc_info()[1], TimeoutError):
            self._log.info("client stalled for %g s, connection closed", self._idle_timeout)
        else:
            self._log.exception(msg, *args, **kwargs)


class SlowClientWorker(ThreadWorker):  # type: ignore[misc]
    """gthread with every wait on a client bounded (see the module's docstring).

    ``eventflow serve`` sets ``idle_timeout`` from its settings (``worker_class``); under plain
    ``gunicorn --worker-class eventflow.entrypoints.web.worker.SlowClientWorker`` it comes from the environment.
    """

    idle_timeout: float | None = None

    def init_process(self) -> None:
        if self.idle_timeout is None:
            self.idle_timeout = Settings.from_env().body_timeout_seconds
        self.log = QuietTimeouts(self.log, self.idle_timeout)  # type: ignore[has-type]  # gunicorn is untyped
        self.lingering: deque[tuple[float, socket.socket]] = deque()
        super().init_process()  # runs the worker until it stops

    def accept(self, listener: Any) -> None:
        try:
            accepted, address = listener.accept()
        except OSError as e:
            if e.errno in _ACCEPT_AGAIN:
                return
            raise
        sock = ClientSocket(accepted.family, accepted.type, accepted.proto, fileno=accepted.detach())
        conn = Connection(self, sock, address, listener.getsockname())
        self.nr_conns += 1
        # Waits for its first bytes like a deferred connection does: on the poller, closed by murder_pending.
        conn.timeout = time.monotonic() + (self.idle_timeout or 0.0)  # set by init_process, before any accept
        self.pending_conns.append(conn)
        self.poller.register(sock, selectors.EVENT_READ, partial(self.on_pending_socket_readable, conn))

    def _keepalive_after(self, conn: Any, keepalive: bool) -> bool:
        if not keepalive:
            return False
        return bool(conn.parser.finish_body(deadline=time.monotonic() + UNREAD_BODY_GRACE_SECONDS))

    def linger(self, sock: socket.socket) -> None:
        """Close ``sock`` once its client had a chance to read the answer; never blocks (runs on the event loop)."""
        try:
            sock.shutdown(socket.SHUT_WR)
            sock.setblocking(False)
            self.poller.register(sock, selectors.EVENT_READ, partial(self._drop_input, sock))
        except (OSError, ValueError, KeyError):
            util.close(sock)
            return
        self.lingering.append((time.monotonic() + LINGER_SECONDS, sock))

    def _drop_input(self, sock: socket.socket, _fileobj: Any) -> None:
        try:
            if sock.recv(64 * 1024):
                return
        except BlockingIOError:
            return
        except OSError:
            pass
        self._close_lingering(sock)

    def _close_lingering(self, sock: socket.socket) -> None:
        if sock.fileno() == -1:  # closed already, when its client closed first
            return
        with contextlib.suppress(KeyError, ValueError):
            self.poller.unregister(sock)
        util.close(sock)

    def murder_pending(self) -> None:
        now = time.monotonic()
        if not self.alive:  # stopping: a connection that sent nothing yet loses nothing, and must not delay the stop
            for conn in self.pending_conns:
                conn.timeout = now
        super().murder_pending()
        while self.lingering and self.lingering[0][0] <= now:
            self._close_lingering(self.lingering.popleft()[1])


def worker_class(idle_timeout: float) -> type[SlowClientWorker]:
    """The worker for ``eventflow serve``, with its settings' timeout."""
    return type("SlowClientWorker", (SlowClientWorker,), {"idle_timeout": idle_timeout})
