"""The screening term lists (Art. 11(3)): read by every role, edited by the city institute. The
running bot screens with a change within seconds (bot.live_terms).

Parse → one core call → render.
"""

from __future__ import annotations

from admin_api.endpoints import Api, Call
from admin_api.schemas.terms import Removed, TermOut, TermQuery, TermsBody, TermsOut
from core import term_lists
from core.permissions import Permission

api = Api(tag="terms")
VIA = "api"


@api.route(
    "GET", "/api/v1/terms", summary="The term lists kept in the database", permission=Permission.read_terms
)
async def list_terms(call: Call, query: TermQuery) -> TermsOut:
    async with call.uow() as uow:
        return TermsOut(items=[TermOut.of(e) for e in await term_lists.terms(uow, call.staff, query.list)])


@api.route(
    "POST",
    "/api/v1/terms",
    summary="Add terms to a list (one, or an import of many): all or none",
    permission=Permission.edit_terms,
    status=201,
)
async def add_terms(call: Call, body: TermsBody) -> TermsOut:
    new = [term_lists.NewTerm(t.term, t.category) for t in body.terms]
    async with call.uow() as uow:
        entries = await term_lists.add_terms(uow, call.staff, body.list, new, via=VIA)
        return TermsOut(items=[TermOut.of(e) for e in entries])


@api.route("DELETE", "/api/v1/terms/{id}", summary="Remove a term", permission=Permission.edit_terms)
async def remove_term(call: Call) -> Removed:
    async with call.uow() as uow:
        await term_lists.remove_term(uow, call.staff, call.path_id(), via=VIA)
    return Removed(id=call.path_id())
