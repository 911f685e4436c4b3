"""Endpoints declared once: a handler's type hints say what it reads and what it returns.

    @api.route("POST", "/api/v1/requests/{id}/reject", summary="…", permission=Permission.review_requests)
    async def reject(call: Call, body: RejectBody) -> RequestOut: ...

From that one declaration the route validates the body (`body: <model>`) and the query string
(`query: <model>`), checks the caller's token and role, renders the returned model as JSON, and the
OpenAPI document describes exactly the same models (`admin_api.openapi`). There is no second copy of
a schema to drift.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, get_type_hints

from aiohttp import web
from pydantic import BaseModel

from admin_api import idempotency
from admin_api.auth import acting_staff
from admin_api.bodies import read_body, read_query
from admin_api.problems import Problem
from admin_api.services import SERVICES, AdminServices
from core.permissions import Permission
from core.scope import Staff
from storage.uow import UnitOfWork

ID_MAX = 2**31 - 1  # ids are INTEGER columns: anything larger names nothing
_PATH_PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Call:
    """One API call as a handler sees it: who acts, the services, the raw request."""

    request: web.Request
    staff: Staff
    services: AdminServices

    def uow(self) -> UnitOfWork:
        return self.services.uow()

    def now(self) -> datetime:
        return self.services.clock()

    def path_id(self, name: str = "id") -> int:
        raw = self.request.match_info[name]
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= ID_MAX:
            raise Problem(404, "Not Found", f"{name} must be a whole number from 1 to {ID_MAX}")
        return int(raw)


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    tag: str
    permission: Permission | None  # None: any authenticated staff
    handler: Callable[..., Awaitable[Any]]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    produces: str | None = None  # a non-JSON response (a photo, a file)
    public: bool = False  # no token needed (the OpenAPI document, the docs page)
    errors: tuple[int, ...] = ()

    @property
    def path_parameters(self) -> list[str]:
        return _PATH_PARAMETER.findall(self.path)

    @property
    def route_path(self) -> str:
        """The path as aiohttp routes it: a parameter is ASCII digits, so `/requests/actions` is not
        also `/requests/{id}` (a 405's Allow header then names only the methods of the path asked)."""
        return _PATH_PARAMETER.sub(r"{\1:[0-9]+}", self.path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        staff = await acting_staff(request) if not self.public else Staff(admin_id=None, county_id=None)
        if self.permission is not None:
            staff.ensure(self.permission)
        if self.method == "POST":
            return await idempotency.once(request, staff, lambda: self._respond(request, staff))
        return await self._respond(request, staff)

    async def _respond(self, request: web.Request, staff: Staff) -> web.StreamResponse:
        call = Call(request, staff, request.app[SERVICES])
        kwargs: dict[str, Any] = {}
        if self.body is not None:
            kwargs["body"] = await read_body(request, self.body)
        if self.query is not None:
            kwargs["query"] = read_query(request, self.query)
        result = await self.handler(call, **kwargs)
        if isinstance(result, web.StreamResponse):
            return result
        assert isinstance(result, BaseModel), f"{self.handler.__name__} returned {type(result)}"
        # pydantic writes the JSON itself: model_dump to dicts, then json.dumps, did the work twice.
        return web.Response(
            text=result.model_dump_json(), status=self.status, content_type="application/json"
        )


@dataclass
class Api:
    """The endpoints of one resource; `create_admin_app` adds every Api's routes."""

    tag: str
    endpoints: list[Endpoint] = field(default_factory=list)

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        permission: Permission | None,
        status: int = 200,
        produces: str | None = None,
        public: bool = False,
        errors: tuple[int, ...] = (),
        response: type[BaseModel] | None = None,
    ) -> Callable[[Callable[..., Awaitable[Any]]], Callable[..., Awaitable[Any]]]:
        """`response`: the model a handler that returns its own `web.Response` answers with (written
        faster than by the model, to the same JSON); otherwise the handler's return type says it."""

        def register(handler: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
            hints = get_type_hints(handler)
            returned = response or hints.get("return")
            self.endpoints.append(
                Endpoint(
                    method=method,
                    path=path,
                    summary=summary,
                    tag=self.tag,
                    permission=permission,
                    handler=handler,
                    body=hints.get("body"),
                    query=hints.get("query"),
                    response=returned
                    if isinstance(returned, type) and issubclass(returned, BaseModel)
                    else None,
                    status=status,
                    produces=produces,
                    public=public,
                    errors=errors,
                )
            )
            return handler

        return register
