"""A real webhook receiver for the tests: an HTTP server on 127.0.0.1 in a thread, and the signature check a
receiver would do (written here from the documented format, independently of eventflow's own code)."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import threading
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from attrs import define, field

from eventflow.adapters.webhooks import UrllibPoster
from eventflow.core.ports import HttpAnswer


@define
class Delivered:
    """One POST as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: int

    def json(self) -> Any:
        return json.loads(self.body)


@define
class Receiver:
    """Records every POST; answers the statuses queued in ``answers`` in turn (with a ``Location`` for a 3xx), then
    200."""

    url: str = ""
    received: list[Delivered] = field(factory=list)
    answers: list[int] = field(factory=list)
    #: Called while a POST is being answered (to see what eventflow does meanwhile).
    meanwhile: Callable[[], object] | None = None

    @property
    def accepted(self) -> list[Delivered]:
        """The POSTs answered with a success."""
        return [d for d in self.received if d.answered < 300]


def serve(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = receiver.answers.pop(0) if receiver.answers else 200
            headers = {k.lower(): v for k, v in self.headers.items()}
            receiver.received.append(Delivered(self.path, headers, body, status))
            if receiver.meanwhile is not None:
                receiver.meanwhile()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", f"{receiver.url}/elsewhere")
            answer = b"ok" if status < 300 else b"receiver says no"
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def signature_is_valid(
    secret: str, headers: Mapping[str, str], body: bytes, now: float, tolerance: float = 300
) -> bool:
    """What a receiver does: read ``t`` and ``v1`` from ``X-Eventflow-Signature``, recompute HMAC-SHA256 of
    ``"{t}.{raw body}"`` with the shared secret, compare in constant time, and refuse a timestamp too far from now."""
    fields = dict(part.split("=", 1) for part in headers["x-eventflow-signature"].split(","))
    timestamp = int(fields["t"])
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, fields["v1"]) and abs(now - timestamp) <= tolerance


class LoopbackPoster(UrllibPoster):
    """The real poster, refusing every address off this machine: generated test data (fuzzing) may register any URL,
    and tests never send traffic elsewhere."""

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        host = urlsplit(url).hostname or ""
        if host != "localhost" and not _loopback(host):
            raise ConnectionRefusedError(f"tests deliver to this machine only, not to {host!r}")
        return super().post(url, body, headers)


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
