"""Password hashing (argon2id) and rich-text sanitising (nh3)."""

from __future__ import annotations

import re

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


#: What the brief's editor (Trix) writes — div, br, strong, em, del, a, ul/ol/li, h1, blockquote, pre — plus the tags
#: of rich text written before it (p, b, i, u, s, h2-h4, code, span), kept so older briefs keep their layout.
RICH_TAGS = {
    "div",
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "ul",
    "ol",
    "li",
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "span",
}
#: Where a link may lead (relative addresses are kept too): no ``javascript:``, ``data:``, ``vbscript:``…
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
#: A tag that starts a line. Rich text holding none is plain text (briefs written in a plain box before the editor,
#: or sent so through the API): its line breaks are its only layout.
#: The blocks whose empty lines at the end (Trix's ``<div><br></div>``) are dropped: they would show as a gap; a line
#: break closing bold text or a link (``fort<br></strong></div>``, a paste's end) goes too, the formatting stays.
_BLOCK_ENDS = {
    "</div>": "<div>",
    "</p>": "<p>",
    "</strong>": "<strong>",
    "</em>": "<em>",
    "</del>": "<del>",
    "</a>": "<a>",
}
_BLOCK = re.compile(r"<(?:div|p|br|ul|ol|li|h[1-6]|blockquote|pre)\b", re.IGNORECASE)


def sanitize_html(html: str) -> str:
    """Keep the formatting a brief needs; drop scripts, styles, event handlers and unsafe links. Links open in a new
    tab that cannot reach back to the app (``target="_blank" rel="noopener noreferrer"``)."""
    clean = nh3.clean(
        html,
        tags=RICH_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes=LINK_SCHEMES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values={"a": {"target": "_blank"}},
    )
    return without_empty_end(clean.strip())


def without_empty_end(html: str) -> str:
    """``html`` without the line breaks and empty blocks it ends with (read once, from the end: linear)."""
    end, closes = len(html), list[str]()
    while True:
        while end and html[end - 1].isspace():
            end -= 1
        if html.endswith("<br>", 0, end):
            end -= len("<br>")
        elif close := next((c for c in _BLOCK_ENDS if html.endswith(c, 0, end)), None):
            closes.append(close)  # kept, unless the block turns out empty
            end -= len(close)
        elif closes and html.endswith(_BLOCK_ENDS[closes[-1]], 0, end):
            end -= len(_BLOCK_ENDS[closes.pop()])  # an empty block: gone with its end
        else:
            return html[:end] + "".join(reversed(closes))


def rich_html(stored: str) -> str:
    """Stored rich text as it is shown and edited: sanitised again (text stored by older versions is held to today's
    rules), plain text with its line breaks kept as ``<br>``."""
    text = stored.strip()
    if not _BLOCK.search(text):
        text = text.replace("\r\n", "\n").replace("\n", "<br>")
    return sanitize_html(text)
