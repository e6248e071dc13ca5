"""Resumable uploads on disk (``<data>/uploads/<id>/``): ``info.json`` and ``data``, the bytes received so far.

An upload's id is also the id of its lease (see ``core.model.Lease``): the upload is alive while its lease is, and
once the lease is dead (the upload expired, or was given up) the sweep removes the folder (``leased_files``).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from attrs import asdict, define

from eventflow.core import errors
from eventflow.core.ports import LeasedFile

_ID = re.compile(r"^[0-9a-f]{32}$")


@define
class UploadInfo:
    id: str
    user_id: int
    length: int
    filename: str
    target: dict[str, Any]
    created_at: str
    asset_id: int | None = None


class UploadFolders:
    """Upload state on disk: one folder per upload; the data file's size is the offset."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def create(self, info: UploadInfo) -> None:
        folder = self.root / info.id
        folder.mkdir(parents=True)
        (folder / "data").touch()
        self.save(info)

    def save(self, info: UploadInfo) -> None:
        folder = self.root / info.id
        temp = folder / "info.json.tmp"
        temp.write_text(json.dumps(asdict(info)))
        os.replace(temp, folder / "info.json")

    def load(self, upload_id: str) -> UploadInfo | None:
        """The upload's state, or None when there is no such upload."""
        path = self.root / upload_id / "info.json"
        if not _ID.match(upload_id) or not path.is_file():
            return None
        return UploadInfo(**json.loads(path.read_text()))

    def data(self, upload_id: str) -> Path:
        return self.root / upload_id / "data"

    def received(self, info: UploadInfo) -> int:
        """Bytes received so far (all of them once the upload became an asset)."""
        return info.length if info.asset_id is not None else self.data(info.id).stat().st_size

    @contextmanager
    def locked(self, upload_id: str) -> Iterator[None]:
        """One request at a time per upload, across threads and processes (NotFound once it is gone)."""
        try:
            handle = (self.root / upload_id / "info.json").open("rb")
        except FileNotFoundError:  # terminated or expired meanwhile
            raise errors.NotFound("upload", upload_id) from None
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield

    def delete(self, upload_id: str) -> None:
        if _ID.match(upload_id):
            shutil.rmtree(self.root / upload_id, ignore_errors=True)

    def leased_files(self) -> Iterator[LeasedFile]:
        """Every upload's folder, under its lease (the upload's id)."""
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            try:
                size = sum(_size(file) for file in folder.iterdir())
            except (FileNotFoundError, NotADirectoryError):  # removed meanwhile, or not an upload
                continue
            yield LeasedFile(folder.name if _ID.match(folder.name) else None, folder.name, size)

    def remove_leased(self, name: str) -> None:
        if "/" not in name and name not in ("", ".", ".."):
            shutil.rmtree(self.root / name, ignore_errors=True)


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except FileNotFoundError:
        return 0
