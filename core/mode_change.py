"""A service completed in another mode than the farmer chose waits for the farmer's yes (issue 17).

A farmer chose 线上解答 ¥50; the expert completed it as 现场培训 and the farmer read "服务已完成（现场
培训），服务券扣除 ¥50" without being asked: the money and the record of an on-site visit (出诊, which
counts in the expert's assessment) changed on the expert's word alone. Now the expert's completion
in the farmer's mode captures at once, as before; in another mode it is only proposed (an event on
the request, with the evidence of a visit), and the farmer is asked in the bot:

- agrees: the service completes in the proposed mode, capturing its fee (never more than was held);
- disagrees: nothing is captured and the request stays in service; the expert is told, and can
  complete in the farmer's mode (no question then) or talk it over and propose again. Both answers
  are events in the request's history, which the county reads at review and return visits.

Only the latest proposal can be answered: an older button is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from core import lifecycle, requests
from core.actors import Actor
from core.errors import IllegalTransition, InvalidInput, NotPermitted
from core.evidence import Evidence
from core.lifecycle import Action
from storage.enums import RequestStatus, ServiceMode
from storage.models import Reimbursement, RequestEvent, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork

ANSWERS = (Action.propose_mode, Action.agree_mode, Action.refuse_mode)


@dataclass(frozen=True)
class Proposal:
    event_id: int
    request_id: int
    chosen: ServiceMode  # what the farmer chose and the voucher holds for
    proposed: ServiceMode
    evidence: Evidence | None
    amount_fen: int  # what agreeing captures


def recorded(mode: ServiceMode, evidence: Evidence | None) -> str:
    """The proposal event's reason: the mode on the first line, the evidence (if any) after it."""
    return f"{mode}\n{evidence.recorded()}" if evidence else str(mode)


def read(reason: str | None) -> tuple[ServiceMode, Evidence | None] | None:
    head, _, rest = (reason or "").partition("\n")
    if head not in set(ServiceMode):
        return None
    return ServiceMode(head), Evidence.from_record(rest)


async def finish(
    uow: UnitOfWork,
    request_id: int,
    expert_id: int,
    *,
    delivered_mode: ServiceMode,
    evidence: Evidence | None = None,
    now: datetime | None = None,
) -> Reimbursement | Proposal:
    """The expert closes the service: completed in the farmer's mode, or proposed in another."""
    now = now or utcnow()
    request = await requests.load_request(uow, request_id)
    if request.service_mode in (None, delivered_mode):
        return await requests.complete(
            uow, request_id, expert_id, delivered_mode=delivered_mode, evidence=evidence, now=now
        )
    if request.expert_id != expert_id:
        raise NotPermitted("this invitation was sent to another expert")
    if delivered_mode in requests.ON_SITE and not evidence:
        raise InvalidInput("an on-site service needs evidence: a location or a photo from the visit")
    amount = await requests.capture_amount(uow, request, delivered_mode, now)
    event = await lifecycle.apply(
        uow,
        request,
        Action.propose_mode,
        Actor.expert(expert_id),
        reason=recorded(delivered_mode, evidence),
        at=now,
    )
    await uow.commit()
    assert request.service_mode is not None
    return Proposal(event.id, request.id, request.service_mode, delivered_mode, evidence, amount)


async def open_proposal(uow: UnitOfWork, request: ServiceRequest, now: datetime) -> Proposal | None:
    """The proposal still waiting for the farmer: the latest of the request's proposals and answers,
    while the request is in service."""
    if request.status is not RequestStatus.in_service or request.service_mode is None:
        return None
    latest = await uow.session.scalar(
        select(RequestEvent)
        .where(RequestEvent.request_id == request.id, RequestEvent.action.in_([str(a) for a in ANSWERS]))
        .order_by(RequestEvent.id.desc())
        .limit(1)
    )
    if latest is None or latest.action != Action.propose_mode or (parsed := read(latest.reason)) is None:
        return None
    mode, evidence = parsed
    amount = await requests.capture_amount(uow, request, mode, now)
    return Proposal(latest.id, request.id, request.service_mode, mode, evidence, amount)


async def _answerable(
    uow: UnitOfWork, request_id: int, farmer_id: int, event_id: int, now: datetime
) -> tuple[ServiceRequest, Proposal]:
    request = await requests.load_request(uow, request_id)
    if request.farmer_id != farmer_id:
        raise IllegalTransition("this request belongs to another farmer")
    proposal = await open_proposal(uow, request, now)
    if proposal is None or proposal.event_id != event_id:
        raise IllegalTransition(
            f"request {request_id} has no open proposal #{event_id}: answered, replaced or completed",
            status=str(request.status),
        )
    return request, proposal


async def agree(
    uow: UnitOfWork, request_id: int, farmer_id: int, event_id: int, *, now: datetime | None = None
) -> Reimbursement:
    """The farmer agrees: the service completes in the proposed mode, recorded as the expert's."""
    now = now or utcnow()
    request, proposal = await _answerable(uow, request_id, farmer_id, event_id, now)
    await lifecycle.apply(
        uow, request, Action.agree_mode, Actor.farmer(farmer_id), reason=str(proposal.proposed), at=now
    )
    assert request.expert_id is not None
    done = await requests.complete(
        uow,
        request_id,
        request.expert_id,
        delivered_mode=proposal.proposed,
        evidence=proposal.evidence,
        now=now,
        commit=False,
    )
    await uow.commit()
    return done


async def refuse(
    uow: UnitOfWork, request_id: int, farmer_id: int, event_id: int, *, now: datetime | None = None
) -> Proposal:
    """The farmer disagrees: nothing is captured, the request stays in service."""
    now = now or utcnow()
    request, proposal = await _answerable(uow, request_id, farmer_id, event_id, now)
    await lifecycle.apply(
        uow, request, Action.refuse_mode, Actor.farmer(farmer_id), reason=str(proposal.proposed), at=now
    )
    await uow.commit()
    return proposal
