"""File names a user chose come back safely: cleaned when stored, quoted per RFC 6266/8187 when downloaded.

The reported attack: a file named ``evil.html"; x=".pdf`` was served as ``filename="evil.html"; x=".pdf"`` and
Chromium saved ``evil.html``. The header is read back here with Python's e-mail parser, which splits parameters
as a browser does, and with a strict pattern of the RFC's grammar.
"""

from __future__ import annotations

import email
import email.utils
import re
from urllib.parse import quote

import pytest

from eventflow.core import errors
from eventflow.core.model import Deliverable
from eventflow.core.services.assets import clean_filename
from tests.support import samples
from tests.support.web import Api

#: ``disposition; filename="ASCII without quote, backslash or control"; filename*=UTF-8''percent-encoded``
DISPOSITION = re.compile(
    r"""^(inline|attachment); filename="([\x20\x21\x23-\x5b\x5d-\x7e]*)"; filename\*=UTF-8''([\w!#$&+\-.^`|~%]+)$""",
    re.ASCII,
)


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ('evil.html"; x=".pdf', "evil.html; x=.pdf"),
        ("Affiche été.pdf", "Affiche été.pdf"),
        ("Affiche e\u0301te\u0301.pdf", "Affiche été.pdf"),  # a Mac's decomposed accents, composed
        ("facture\u202efdp.exe.pdf", "facturefdp.exe.pdf"),  # right-to-left override: "facturefdp.exe" read backwards
        ("\u2066isolé\u2069\u200e\u200f\u202a\u202b\u202c\u202d.pdf", "isolé.pdf"),
        ("two\r\nlines\tand\x00nul\x7f.pdf", "twolinesandnul.pdf"),
        ("C:\\Users\\léa\\poster.pdf", "poster.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
    ],
)
def test_stored_names_lose_quotes_controls_and_bidi_overrides_but_keep_accents(sent: str, stored: str) -> None:
    assert clean_filename(sent) == stored


@pytest.mark.parametrize("sent", ['""', "\u202e\u202c", "\r\n"])
def test_a_name_with_nothing_left_is_refused(sent: str) -> None:
    with pytest.raises(errors.InvalidInput, match="no name"):
        clean_filename(sent)


def upload_named(api: Api, slot: Deliverable, filename: str, data: bytes) -> int:
    """Upload under ``filename`` sent as RFC 5987 ``filename*``, the way a quote or a newline can get through."""
    head = f"--b\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''{quote(filename)}\r\n\r\n"
    body = head.encode() + data + b"\r\n--b--\r\n"
    resp = api.post(
        f"/api/deliverables/{slot.id}/versions",
        body=body,
        headers={"Content-Type": "multipart/form-data; boundary=b"},
    )
    assert resp.status_code == 201, resp.text
    return int(resp.json["asset_id"])


def disposition_params(header: str) -> list[tuple[str, str]]:
    """The header's parameters as a mail reader splits them; ``filename*`` decoded (RFC 2231) under ``filename``."""
    message = email.message_from_string(f"Content-Disposition: {header}\n\n")
    params = message.get_params(header="content-disposition") or []
    return [(name, email.utils.collapse_rfc2231_value(value)) for name, value in params]


@pytest.mark.parametrize(
    ("sent", "kind", "data", "fallback"),
    [
        ('evil.html"; x=".svg', "attachment", samples.SVG, "evil.html_ x=.svg"),
        ("Affiche été ✨.pdf", "inline", samples.pdf(), "Affiche ete _.pdf"),
        ("a\\b\r\nc\u202etxt.pdf", "inline", samples.pdf(), "bctxt.pdf"),
    ],
)
def test_the_download_header_names_the_file_per_rfc_6266_and_nothing_else(
    as_member: Api, slot: Deliverable, sent: str, kind: str, data: bytes, fallback: str | None
) -> None:
    asset_id = upload_named(as_member, slot, sent, data)
    header = as_member.get(f"/api/assets/{asset_id}/content").headers["Content-Disposition"]
    stored = clean_filename(sent)
    match = DISPOSITION.match(header)
    assert match, header
    assert match.groups() == (kind, fallback, quote(stored, safe=""))
    assert disposition_params(header) == [(kind, ""), ("filename", fallback), ("filename", stored)]
