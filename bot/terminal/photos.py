"""The shell's photos for the back office: what a reviewer sees of a photo sent in the terminal.

A persona's `/photo` (and the demo queue's photos) is a made-up file id (`term-photo-…`): no picture
exists anywhere. The admin API beside the shell asks this source instead of Telegram and gets a small
PNG, one colour per file id, so the photo endpoint, its cache and a browser all work in the demo.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

TERMINAL_PREFIX = "term-photo-"
SIDE = 64


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def placeholder_png(file_id: str) -> bytes:
    red, green, blue = hashlib.sha256(file_id.encode()).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * SIDE  # filter byte 0, then RGB pixels
    header = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(row * SIDE))
        + _chunk(b"IEND", b"")
    )


class TerminalPhotos:
    """admin_api.services.PhotoSource for the shell: only the terminal's own file ids exist."""

    async def fetch(self, file_id: str) -> bytes:
        if not file_id.startswith(TERMINAL_PREFIX):
            raise LookupError(f"the shell holds no file {file_id}")
        return placeholder_png(file_id)
