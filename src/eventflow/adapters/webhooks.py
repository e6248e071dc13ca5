"""Webhook deliveries over HTTP(S) with the standard library: one POST, no redirect followed, a short timeout.

A redirect is an answer like any other (its status is logged and the delivery retried): following it would send the
signed body somewhere the admin did not register. Proxies from the environment (``HTTPS_PROXY``…) are used as
``urllib`` does.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from eventflow.core.ports import HttpAnswer

TIMEOUT_SECONDS = 10.0
EXCERPT_BYTES = 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises HTTPError with the 3xx status


@frozen
class UrllibPoster:
    timeout: float = TIMEOUT_SECONDS

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> HttpAnswer:
        request = urllib.request.Request(url, data=body, headers=dict(headers), method="POST")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                return HttpAnswer(response.status, _excerpt(response.read(EXCERPT_BYTES)))
        except urllib.error.HTTPError as answer:  # 3xx, 4xx, 5xx: an answer, not a network failure
            with answer:
                return HttpAnswer(answer.code, _excerpt(answer.read(EXCERPT_BYTES)))


def _excerpt(data: bytes) -> str:
    return " ".join(data.decode("utf-8", "replace").split())
