"""The request lifecycle of PRODUCT.md as a transition table (邀请 → 服务 → 评价 → 核销).

Only the transitions listed here are legal; each is done by a kind of actor and recorded as a
RequestEvent. Side effects on money live in the use cases (core/requests.py), not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from core import expert_figures
from core.actors import Actor
from core.errors import IllegalTransition, NotPermitted
from storage.enums import ActorKind
from storage.enums import RequestStatus as S
from storage.models import RequestEvent, ServiceRequest
from storage.types import utcnow
from storage.uow import UnitOfWork


class Action(StrEnum):
    screen_block = "screen_block"  # screening refused the draft text
    rephrase = "rephrase"  # the farmer edits a blocked draft
    submit = "submit"
    approve = "approve"
    reject = "reject"
    accept = "accept"
    decline = "decline"
    expire = "expire"  # the invitation was not answered in time
    repick = "repick"  # the farmer chose another expert
    cancel = "cancel"
    complete = "complete"
    settle = "settle"  # rated, or auto-confirmed after the waiting period
    # A completion in another mode than the farmer chose waits for the farmer (core.mode_change).
    propose_mode = "propose_mode"
    agree_mode = "agree_mode"
    refuse_mode = "refuse_mode"


@dataclass(frozen=True)
class Rule:
    source: S
    action: Action
    target: S
    actors: frozenset[ActorKind]


F, E, A, SYS = ActorKind.farmer, ActorKind.expert, ActorKind.admin, ActorKind.system


def _rule(source: S, action: Action, target: S, *actors: ActorKind) -> Rule:
    return Rule(source, action, target, frozenset(actors))


RULES: tuple[Rule, ...] = (
    _rule(S.draft, Action.screen_block, S.blocked, F, SYS),
    _rule(S.blocked, Action.rephrase, S.draft, F),
    _rule(S.draft, Action.submit, S.pending_review, F),
    _rule(S.draft, Action.cancel, S.cancelled, F),
    _rule(S.blocked, Action.cancel, S.cancelled, F),
    _rule(S.pending_review, Action.approve, S.approved, A),
    _rule(S.pending_review, Action.reject, S.rejected, A),
    _rule(S.pending_review, Action.cancel, S.cancelled, F, A),
    _rule(S.approved, Action.accept, S.in_service, E),
    _rule(S.approved, Action.decline, S.repick, E),
    _rule(S.approved, Action.expire, S.repick, SYS),
    _rule(S.approved, Action.cancel, S.cancelled, F, A),
    _rule(S.repick, Action.repick, S.pending_review, F),
    _rule(S.repick, Action.cancel, S.cancelled, F, A),
    _rule(S.in_service, Action.complete, S.completed, E),
    _rule(S.in_service, Action.propose_mode, S.in_service, E),
    _rule(S.in_service, Action.agree_mode, S.in_service, F),
    _rule(S.in_service, Action.refuse_mode, S.in_service, F),
    _rule(S.completed, Action.settle, S.settled, F, SYS),
)

TRANSITIONS: dict[tuple[S, Action], Rule] = {(r.source, r.action): r for r in RULES}
REASON_REQUIRED = frozenset({Action.reject, Action.decline})
# A farmer may cancel any time before the service starts; the hold is released.
CANCELLABLE = frozenset(r.source for r in RULES if r.action is Action.cancel)


def allowed_actions(status: S) -> list[Action]:
    return [r.action for r in RULES if r.source is status]


def rule_for(status: S, action: Action, actor: Actor) -> Rule:
    rule = TRANSITIONS.get((status, action))
    if rule is None:
        possible = ", ".join(allowed_actions(status)) or "none (final state)"
        raise IllegalTransition(
            f"cannot {action} a request that is {status}; possible now: {possible}",
            status=str(status),
            action=str(action),
        )
    if actor.kind not in rule.actors:
        who = ", ".join(sorted(rule.actors))
        raise NotPermitted(
            f"a {actor.kind} cannot {action} a request; only: {who}",
            status=str(status),
            action=str(action),
        )
    return rule


async def apply(
    uow: UnitOfWork,
    request: ServiceRequest,
    action: Action,
    actor: Actor,
    *,
    reason: str | None = None,
    at: datetime | None = None,
) -> RequestEvent:
    """Move `request` by `action`, record the event, and return it. Does not commit.

    IllegalTransition, with the status it has now, when another transaction moved the request
    since `request` was read."""
    rule = rule_for(request.status, action, actor)
    if action in REASON_REQUIRED and not (reason and reason.strip()):
        raise IllegalTransition(f"{action} needs a reason the farmer can read", action=str(action))
    event = RequestEvent(
        request_id=request.id,
        at=at or utcnow(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        action=str(action),
        from_status=request.status,
        to_status=rule.target,
        expert_id=request.expert_id,
        reason=reason.strip() if reason else None,
    )
    await _compare_and_set(uow, request, rule.target, action)
    uow.session.add(event)
    await uow.flush()
    await expert_figures.count_event(uow, event)
    return event


async def _compare_and_set(uow: UnitOfWork, request: ServiceRequest, target: S, action: Action) -> None:
    """Write `target` only where the status is still the one `request` was read with.

    The use cases read the request locked (core.requests.load_request), so on PostgreSQL a second
    writer waits and reads the first one's result. This holds without that lock too: two
    transactions that both read `pending_review` could otherwise both write (an approval and a
    cancel each recorded from the same state, the request ending as the last writer left it).
    SQLite runs one writing transaction at a time, so there it never finds the status changed."""
    source = request.status
    changed = await uow.session.execute(
        update(ServiceRequest)
        .where(ServiceRequest.id == request.id, ServiceRequest.status == source)
        .values(status=target)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        now = await uow.session.scalar(select(ServiceRequest.status).where(ServiceRequest.id == request.id))
        raise IllegalTransition(
            f"cannot {action} request {request.id}: it is {now} now, no longer {source}",
            status=str(now),
            action=str(action),
        )
    set_committed_value(request, "status", target)
