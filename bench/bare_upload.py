"""The upload reference of ``bench/storage.py``: a bare Falcon app under gunicorn's gthread worker (which eventflow's
worker class builds on) that writes a request's body to a file with eventflow's durability (1 MiB chunks, temporary
name, fsync, rename, folder fsync).

No multipart parsing, hashing, quota or database: what is left is the cost of HTTP, gunicorn and the disk, which
eventflow's upload cannot beat. ``gunicorn --chdir bench bare_upload:app`` with ``BARE_UPLOAD_DIR`` set.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import falcon

CHUNK = 1024 * 1024
ROOT = Path(os.environ.get("BARE_UPLOAD_DIR", tempfile.gettempdir()))


class Upload:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        target = ROOT / uuid.uuid4().hex
        fd, temp = tempfile.mkstemp(prefix=".incoming-", dir=ROOT)
        size = 0
        with os.fdopen(fd, "wb") as out:
            while chunk := req.bounded_stream.read(CHUNK):
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
        folder = os.open(ROOT, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
        target.unlink()  # the next round writes a fresh file, as eventflow does
        resp.status = falcon.HTTP_201
        resp.media = {"size": size}


app = falcon.App()
app.add_route("/upload", Upload())
