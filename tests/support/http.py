"""Multipart bodies built by hand, so tests choose the order of the fields and every byte sent."""

from __future__ import annotations

import uuid
from collections.abc import Sequence


def multipart(parts: Sequence[tuple[str, str | tuple[str, bytes]]]) -> tuple[bytes, str]:
    """``[("file", ("name.pdf", b"...")), ("category", "deco")]`` -> (body, content type)."""
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in parts:
        if isinstance(value, tuple):
            filename, data = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            head += "Content-Type: application/octet-stream\r\n\r\n"
        else:
            head, data = f'Content-Disposition: form-data; name="{name}"\r\n\r\n', value.encode()
        chunks += [f"--{boundary}\r\n".encode(), head.encode(), data, b"\r\n"]
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
