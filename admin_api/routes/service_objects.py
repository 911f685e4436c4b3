"""The county's list of service objects (Art. 10) and their rosters one farmer at a time.

Parse → one core call → render. The rules live in core.service_objects and core.roster_members.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.routes.certification import VIA
from admin_api.schemas.certification import MemberOut, ServiceObjectOut
from admin_api.schemas.service_objects import (
    ListingBody,
    MemberCreate,
    MemberEdit,
    ServiceObjectEdit,
    ServiceObjectPage,
    ServiceObjectQuery,
)
from core import roster_members, rosters, service_objects
from core.permissions import Permission

api = Api(tag="certification")


@api.route(
    "GET",
    "/api/v1/service-objects",
    summary="Service objects in the caller's scope, by id; filters: kind, township, certified",
    permission=Permission.read_certification,
)
async def list_service_objects(call: Call, query: ServiceObjectQuery) -> ServiceObjectPage:
    async with call.uow() as uow:
        rows = await service_objects.service_object_page(
            uow, call.staff, query.where(), limit=query.limit, after_id=query.after_id()
        )
        items = [ServiceObjectOut.of(row) for row in rows]
    return ServiceObjectPage(items=items, next_cursor=query.next_cursor([o.id for o in items]))


@api.route(
    "GET",
    "/api/v1/service-objects/{id}",
    summary="One service object",
    permission=Permission.read_certification,
)
async def read_service_object(call: Call) -> ServiceObjectOut:
    async with call.uow() as uow:
        return ServiceObjectOut.of(await rosters.load_service_object(uow, call.staff, call.path_id()))


@api.route(
    "PATCH",
    "/api/v1/service-objects/{id}",
    summary="Correct a service object's name, township or industries; the fields sent change",
    permission=Permission.certify,
)
async def edit_service_object(call: Call, body: ServiceObjectEdit) -> ServiceObjectOut:
    async with call.uow() as uow:
        found = await service_objects.edit_service_object(
            uow, call.staff, call.path_id(), body.fields(), via=VIA
        )
        return ServiceObjectOut.of(found)


def _listing_route(act: str, certified: bool, summary: str) -> None:
    async def change(call: Call, body: ListingBody) -> ServiceObjectOut:
        async with call.uow() as uow:
            found = await service_objects.set_certified(
                uow, call.staff, call.path_id(), certified, reason=body.reason, via=VIA
            )
            return ServiceObjectOut.of(found)

    change.__name__ = f"{act}_service_object"
    api.route(
        "POST",
        f"/api/v1/service-objects/{{id}}/{act}",
        summary=summary,
        permission=Permission.certify,
        errors=(409,),
    )(change)


_listing_route(
    "deactivate",
    False,
    "Take a service object off the list (Art. 10(3)): its roster no longer binds; voucher account kept",
)
_listing_route("reactivate", True, "Put a service object back on the list: its roster binds again")


@api.route(
    "POST",
    "/api/v1/service-objects/{id}/roster/members",
    summary="Put one farmer on the roster: a mobile unused in the county",
    permission=Permission.certify,
    status=201,
)
async def add_member(call: Call, body: MemberCreate) -> MemberOut:
    async with call.uow() as uow:
        member = await roster_members.add_member(
            uow, call.staff, call.path_id(), name=body.name, phone=body.phone, via=VIA
        )
        return MemberOut.of(member)


@api.route(
    "PATCH",
    "/api/v1/service-objects/{id}/roster/members/{member_id}",
    summary="Correct a roster member's name or mobile; the fields sent change",
    permission=Permission.certify,
)
async def edit_member(call: Call, body: MemberEdit) -> MemberOut:
    async with call.uow() as uow:
        member = await roster_members.edit_member(
            uow,
            call.staff,
            call.path_id(),
            call.path_id("member_id"),
            name=body.name,
            phone=body.phone,
            via=VIA,
        )
        return MemberOut.of(member)


@api.route(
    "DELETE",
    "/api/v1/service-objects/{id}/roster/members/{member_id}",
    summary="Take a farmer off the roster: the mobile no longer binds to this service object",
    permission=Permission.certify,
)
async def remove_member(call: Call) -> MemberOut:
    async with call.uow() as uow:
        member = await roster_members.remove_member(
            uow, call.staff, call.path_id(), call.path_id("member_id"), via=VIA
        )
        return MemberOut.of(member)
