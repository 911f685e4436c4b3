"""`GET /api/docs`: the API's documentation page, served from files shipped in the package.

County offices may have no internet, so the page and its script (admin_api/static/) name nothing
outside this server: they render `/api/openapi.json`, the one document the code generates.
"""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

from admin_api.endpoints import Api, Call

api = Api(tag="meta")
_STATIC = files("admin_api") / "static"
# The files are small and never change while the server runs: read once, on first use.
_CACHE: dict[str, bytes] = {}


def _static(name: str, content_type: str) -> web.Response:
    if name not in _CACHE:
        _CACHE[name] = (_STATIC / name).read_bytes()
    return web.Response(
        body=_CACHE[name],
        content_type=content_type,
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


@api.route(
    "GET",
    "/api/docs",
    summary="This API's documentation page",
    permission=None,
    public=True,
    produces="text/html",
)
async def docs_page(_call: Call) -> web.Response:
    return _static("docs.html", "text/html")


@api.route(
    "GET",
    "/api/docs/docs.js",
    summary="The documentation page's script",
    permission=None,
    public=True,
    produces="text/javascript",
)
async def docs_script(_call: Call) -> web.Response:
    return _static("docs.js", "text/javascript")
