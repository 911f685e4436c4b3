"""Farmers' photos kept on disk after the first fetch from Telegram, served with their real type.

A reviewer opens the same photos again and again (the queue, the detail, a colleague's second look);
each fetch is two Bot API calls and a download, and Telegram's file links expire after an hour. A
photo's bytes never change for a file id, so the first fetch is kept for good under a name derived
from the id (its SHA-256: file ids are long and not meant for file systems). The file is written to
a temporary name and renamed, so a reader never sees half a photo, and two fetches of one photo at
once both leave a whole file.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import tempfile
from pathlib import Path

from admin_api.services import PhotoSource

# The types a Telegram photo can have, by their first bytes; anything else is served as bytes.
_MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)


def content_type(data: bytes) -> str:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"


def cache_path(directory: Path, file_id: str) -> Path:
    return directory / hashlib.sha256(file_id.encode()).hexdigest()


async def photo_bytes(source: PhotoSource, directory: Path, file_id: str) -> bytes:
    """The photo's bytes: from the disk when fetched before, else from `source`, then kept."""
    path = cache_path(directory, file_id)
    try:
        return await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        pass
    data = await source.fetch(file_id)
    await asyncio.to_thread(_write_atomically, path, data)
    return data


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
