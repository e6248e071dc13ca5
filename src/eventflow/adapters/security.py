"""Password hashing (argon2id) and rich-text sanitising (nh3)."""

from __future__ import annotations

import nh3
from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError


class Argon2Hasher:
    def __init__(self, fast: bool = False) -> None:
        # ``fast`` is for test suites only: the same algorithm with tiny costs.
        self._argon = _Argon2(time_cost=1, memory_cost=1024, parallelism=1) if fast else _Argon2()

    def hash(self, password: str) -> str:
        return self._argon.hash(password)

    def verify(self, stored_hash: str, password: str) -> bool:
        try:
            return self._argon.verify(stored_hash, password)
        except (VerificationError, InvalidHashError):
            return False


RICH_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "span",
}


def sanitize_html(html: str) -> str:
    """Keep the formatting a brief needs; drop scripts, styles, event handlers and unsafe links."""
    return nh3.clean(html, tags=RICH_TAGS, attributes={"a": {"href", "title"}}, link_rel="noopener noreferrer").strip()
