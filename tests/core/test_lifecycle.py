"""Every (status, action) pair: the legal ones move and are recorded, the others are refused clearly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core import lifecycle
from core.actors import Actor
from core.errors import IllegalTransition, NotPermitted
from core.lifecycle import RULES, Action
from core.requests import create_draft, history, load_request
from storage.enums import ActorKind, RequestStatus
from storage.uow import UnitOfWork
from tests.demo_world import build_world

LEGAL = {(rule.source, rule.action): rule for rule in RULES}
ALL_PAIRS = [(status, action) for status in RequestStatus for action in Action]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in LEGAL]

EXPECTED_TABLE = {
    (RequestStatus.draft, Action.screen_block): RequestStatus.blocked,
    (RequestStatus.blocked, Action.rephrase): RequestStatus.draft,
    (RequestStatus.draft, Action.submit): RequestStatus.pending_review,
    (RequestStatus.draft, Action.cancel): RequestStatus.cancelled,
    (RequestStatus.blocked, Action.cancel): RequestStatus.cancelled,
    (RequestStatus.pending_review, Action.approve): RequestStatus.approved,
    (RequestStatus.pending_review, Action.reject): RequestStatus.rejected,
    (RequestStatus.pending_review, Action.cancel): RequestStatus.cancelled,
    (RequestStatus.approved, Action.accept): RequestStatus.in_service,
    (RequestStatus.approved, Action.decline): RequestStatus.repick,
    (RequestStatus.approved, Action.expire): RequestStatus.repick,
    (RequestStatus.approved, Action.cancel): RequestStatus.cancelled,
    (RequestStatus.repick, Action.repick): RequestStatus.pending_review,
    (RequestStatus.repick, Action.cancel): RequestStatus.cancelled,
    (RequestStatus.in_service, Action.complete): RequestStatus.completed,
    # A completion in another mode waits for the farmer's answer, in service (core.mode_change).
    (RequestStatus.in_service, Action.propose_mode): RequestStatus.in_service,
    (RequestStatus.in_service, Action.agree_mode): RequestStatus.in_service,
    (RequestStatus.in_service, Action.refuse_mode): RequestStatus.in_service,
    (RequestStatus.completed, Action.settle): RequestStatus.settled,
}


def test_the_table_is_exactly_the_product_lifecycle() -> None:
    assert {pair: rule.target for pair, rule in LEGAL.items()} == EXPECTED_TABLE


def test_final_states_have_no_way_out() -> None:
    for status in (RequestStatus.settled, RequestStatus.rejected, RequestStatus.cancelled):
        assert lifecycle.allowed_actions(status) == []


def test_cancel_is_possible_only_before_the_service_starts() -> None:
    assert RequestStatus.in_service not in lifecycle.CANCELLABLE
    assert RequestStatus.completed not in lifecycle.CANCELLABLE
    assert RequestStatus.approved in lifecycle.CANCELLABLE


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=lambda v: str(v))
def test_illegal_transition_is_refused_with_what_and_why(status: RequestStatus, action: Action) -> None:
    actor = Actor(ActorKind.system)
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.rule_for(status, action, Actor(ActorKind.admin, 1) if action is Action.approve else actor)
    assert f"cannot {action}" in refused.value.message
    assert str(status) in refused.value.message


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.source}-{r.action}")
def test_legal_transition_refuses_the_wrong_kind_of_actor(rule: lifecycle.Rule) -> None:
    for kind in ActorKind:
        if kind in rule.actors:
            assert lifecycle.rule_for(rule.source, rule.action, Actor(kind, 1)).target is rule.target
        else:
            with pytest.raises(NotPermitted):
                lifecycle.rule_for(rule.source, rule.action, Actor(kind, 1))


async def _draft(uow_factory: Callable[[], UnitOfWork]) -> int:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        return request.id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: f"{r.source}-{r.action}")
async def test_each_legal_transition_is_recorded_as_an_event(
    uow_factory: Callable[[], UnitOfWork], rule: lifecycle.Rule
) -> None:
    request_id = await _draft(uow_factory)
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        request.status = rule.source
        actor = Actor(next(iter(sorted(rule.actors))), 7)
        await lifecycle.apply(uow, request, rule.action, actor, reason="because")
        await uow.commit()
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        assert request.status is rule.target
        [event] = await history(uow, request_id)
        assert (event.from_status, event.to_status, event.action) == (rule.source, rule.target, rule.action)
        assert (event.actor_kind, event.actor_id, event.reason) == (actor.kind, 7, "because")
        assert event.at is not None


async def test_reject_without_a_reason_is_refused(uow_factory: Callable[[], UnitOfWork]) -> None:
    request_id = await _draft(uow_factory)
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        request.status = RequestStatus.pending_review
        with pytest.raises(IllegalTransition, match="reason"):
            await lifecycle.apply(uow, request, Action.reject, Actor.admin(1), reason="  ")
