"""Rich text (a brief, notes: sanitised HTML) as plain text, for what cannot show HTML: calendar feeds, plain-text
e-mails. Paragraphs and headings on their own lines, list items as "- " or "1. ", line breaks kept, links followed by
their address; a text without any block tag (written before the editor, in a plain box) keeps its own line breaks."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

BLOCK_TAGS = frozenset({"div", "p", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
_BLOCK = re.compile(r"<(?:" + "|".join(sorted(BLOCK_TAGS)) + r"|br)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\r\n\f]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def as_text(rich: str) -> str:
    """``rich`` as plain text (see the module)."""
    if not _BLOCK.search(rich):
        lines = html.unescape(_TAG.sub("", rich)).replace("\r\n", "\n").split("\n")
        return _tidy(lines)
    parser = _Lines()
    parser.feed(rich)
    parser.close()
    parser.end_line()
    return _tidy(parser.lines)


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return _BLANK_LINES.sub("\n\n", text).strip()


class _Lines(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.lists: list[list[int]] = []  # for each open list: [next number] (0 for a bulleted list)
        self.pre = 0
        self.links: list[str | None] = []
        self.link_text: list[str] = []

    def end_line(self) -> None:
        if self.current.strip():
            self.lines.append(self.current)
        self.current = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.lines.append(self.current)
            self.current = ""
        elif tag in ("ul", "ol"):
            self.end_line()
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self.end_line()
            depth = max(len(self.lists) - 1, 0)
            counter = self.lists[-1] if self.lists else [0]
            self.current = "  " * depth + (f"{counter[0]}. " if counter[0] else "- ")
            if counter[0]:
                counter[0] += 1
        elif tag in BLOCK_TAGS:
            self.end_line()
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6", "p") and self.lines and self.lines[-1]:
                self.lines.append("")  # a paragraph or heading stands apart
            self.pre += tag == "pre"
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))
            self.link_text.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self.end_line()
            if self.lists:
                self.lists.pop()
        elif tag in BLOCK_TAGS:
            self.end_line()
            self.pre -= tag == "pre" and self.pre > 0
        elif tag == "a" and self.links:
            href, text = self.links.pop(), self.link_text.pop()
            if href and href != text.strip() and re.match(r"(?i)(https?|mailto|tel):", href):
                self.handle_data(f" ({href.removeprefix('mailto:')})")

    def handle_data(self, data: str) -> None:
        if not self.pre:
            data = _SPACES.sub(" ", data)
            if not self.current or self.current.endswith(" "):
                data = data.lstrip()
            self.current += data
        else:
            first, *rest = data.split("\n")
            self.current += first
            for line in rest:
                self.lines.append(self.current)
                self.current = line
        if self.link_text:
            self.link_text[-1] += data
