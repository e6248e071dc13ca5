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


FOOTER_STYLE = "color:#777;font-size:small"
TEXT_FOOTER = "\n--\n"


def footer_text(texts: Translator) -> str:
    return texts.gettext("You get this e-mail because of your notification preferences in eventflow.")


def compose(
    texts: Translator,
    subject: str,
    intro: str,
    link: str | None,
    sections: Sequence[Section] = (),
    quote_html: str | None = None,
) -> Mail:
    """A message as plain text and HTML: an intro, an optional quoted comment, sections, the card link, a footer."""
    footer = footer_text(texts)
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
    text.append(f"{TEXT_FOOTER}{footer}")
    page.append(f'<p style="{FOOTER_STYLE}">{html.escape(footer)}</p>')
    return _mail(texts, subject, text, page)


def bundle(texts: Translator, mails: Sequence[Mail]) -> Mail:
    """Several messages composed for one reader as one e-mail: each under its subject, one footer at the end."""
    subject = texts.ngettext("eventflow: %(num)d update", "eventflow: %(num)d updates", len(mails)) % {
        "num": len(mails)
    }
    text: list[str] = []
    page: list[str] = []
    footer = f'<p style="{FOOTER_STYLE}">'
    for mail in mails:
        text.append(f"{mail.subject}\n{'=' * len(mail.subject)}\n{mail.text.split(TEXT_FOOTER)[0].strip()}\n")
        inner = mail.html.split("<body>", 1)[-1].rsplit("</body>", 1)[0]
        page.append(f"<h2>{html.escape(mail.subject)}</h2>\n{inner.split(footer)[0]}")
    text.append(f"{TEXT_FOOTER.lstrip()}{footer_text(texts)}")
    page.append(f"{footer}{html.escape(footer_text(texts))}</p>")
    return _mail(texts, subject, text, page)


def _mail(texts: Translator, subject: str, text: Sequence[str], page: Sequence[str]) -> Mail:
    body = "\n".join(page)
    return Mail(
        subject=subject,
        text="\n".join(text) + "\n",
        html=f'<!DOCTYPE html><html lang="{texts.language.value}"><meta charset="utf-8"><body>{body}</body></html>',
    )
