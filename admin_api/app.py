"""The back office's aiohttp application: one factory, every route, one way to fail (problem+json).

`create_admin_app(services)` is what `jingfu admin serve`, `jingfu run`/`jingfu shell` (beside the
bot, on the same event loop) and the tests build alike.
"""

from __future__ import annotations

from aiohttp import web

from admin_api import docs_page
from admin_api.console import console_app
from admin_api.endpoints import Api, Call, Endpoint
from admin_api.openapi import openapi_document
from admin_api.problems import problems_middleware
from admin_api.routes import (
    advisories,
    audit,
    certification,
    complaints,
    fees,
    queue,
    review,
    service_objects,
    teams,
    terms,
)
from admin_api.routes import reimbursements as reimbursement_routes
from admin_api.routes import requests as request_routes
from admin_api.routes import vouchers as voucher_routes
from admin_api.services import SERVICES, AdminServices

MAX_BODY_BYTES = 64 * 1024  # a reason, a note, a selection of ids: never more; larger is refused (413)
APIS: tuple[Api, ...] = (
    queue.api,
    review.api,
    request_routes.api,
    advisories.api,
    complaints.api,
    audit.api,
    voucher_routes.api,
    reimbursement_routes.api,
    certification.api,
    service_objects.api,
    teams.api,
    fees.api,
    terms.api,
)
meta = Api(tag="meta")


@meta.route(
    "GET", "/api/openapi.json", summary="This API's OpenAPI 3.1 document", permission=None, public=True
)
async def openapi(call: Call) -> web.Response:
    return web.json_response(call.request.app[DOCUMENT])


DOCUMENT = web.AppKey("openapi_document", dict)


def endpoints() -> list[Endpoint]:
    return [endpoint for api in (*APIS, meta, docs_page.api) for endpoint in api.endpoints]


def create_admin_app(services: AdminServices) -> web.Application:
    app = web.Application(middlewares=[problems_middleware], client_max_size=MAX_BODY_BYTES)
    app[SERVICES] = services
    table = endpoints()
    # The document and its docs page describe the API; they are not part of it.
    app[DOCUMENT] = openapi_document([e for e in table if e.tag != meta.tag])
    for endpoint in table:
        app.router.add_route(endpoint.method, endpoint.route_path, endpoint.handle)
    app.add_subapp("/console", console_app(trust_proxy=services.trust_proxy))
    return app
