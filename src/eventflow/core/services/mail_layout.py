"""How an e-mail is laid out, as plain text and HTML (every value escaped in the HTML); its words come from the
gettext catalogs through a ``Translator``."""

from __future__ import annotations

import html
from collections.abc import Sequence
from html.parser import HTMLParser

from attrs import frozen

from eventflow.core.ports import Translator

QUOTE_STYLE = "border-left:3px solid #ccc;margin:0;padding-left:1em"


@frozen
class Mail:
    subject: str
    text: str
    html: str


@frozen
class Section:
    """A titled part of a message: lines of text, each optionally with a link."""

    title: str
    lines: Sequence[tuple[str, str | None]]


def plain(rich_text: str) -> str:
    """The words of sanitised rich text, without its tags."""
    parser = _TextOnly()
    parser.feed(rich_text)
    parser.close()
    return " ".join("".join(parser.parts).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "p", "li", "div"}:
            self.parts.append(" ")


def compose(
    texts: Translator,
    subject: str,
    intro: str,
    link: str | None,
    sections: Sequence[Section] = (),
    quote_html: str | None = None,
) -> Mail:
    """A message as plain text and HTML: an intro, an optional quoted comment, sections, the card link, a footer."""
    footer = texts.gettext("You get this e-mail because of your notification preferences in eventflow.")
    open_card = texts.gettext("Open the card")
    text = [intro]
    page = [f"<p>{html.escape(intro)}</p>"]
    if quote_html is not None:
        text.append(f"\n> {plain(quote_html)}")
        page.append(f'<blockquote style="{QUOTE_STYLE}">{quote_html}</blockquote>')
    for section in sections:
        text.append(f"\n{section.title}")
        page.append(f"<h3>{html.escape(section.title)}</h3><ul>")
        for line, url in section.lines:
            text.append(f"- {line}" + (f"\n  {url}" if url else ""))
            shown = html.escape(line)
            page.append(f'<li><a href="{html.escape(url)}">{shown}</a></li>' if url else f"<li>{shown}</li>")
        page.append("</ul>")
    if link is not None:
        text.append(f"\n{open_card}: {link}")
        page.append(f'<p><a href="{html.escape(link)}">{html.escape(open_card)}</a></p>')
    text.append(f"\n--\n{footer}")
    page.append(f'<p style="color:#777;font-size:small">{html.escape(footer)}</p>')
    body = "\n".join(page)
    return Mail(
        subject=subject,
        text="\n".join(text) + "\n",
        html=f'<!DOCTYPE html><html lang="{texts.language.value}"><meta charset="utf-8"><body>{body}</body></html>',
    )
