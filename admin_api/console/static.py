"""The console's own CSS, JS and icon, vendored in the package (county offices may have no internet).

Served with a long cache life: the pages link them with `?v=<content hash>`, so a new release is
fetched at once while an unchanged file is never asked for twice.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp import web

DIR = Path(__file__).resolve().parent / "static"
_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}
FILES = {p.name: p.read_bytes() for p in DIR.iterdir() if p.suffix in _TYPES}
VERSION = hashlib.sha256(b"".join(FILES[name] for name in sorted(FILES))).hexdigest()[:12]
routes = web.RouteTableDef()


@routes.get("/static/{name}")
async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in FILES:
        raise web.HTTPNotFound()
    return web.Response(
        body=FILES[name],
        content_type=_TYPES[Path(name).suffix],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
