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

S, F, E, A, SYS = RequestStatus, ActorKind.farmer, ActorKind.expert, ActorKind.admin, ActorKind.system

# The lifecycle as docs/product.md draws it, written here from the product and not from core.lifecycle:
# (status, action) → (next status, who may take the step). A change to RULES that the product does not
# describe fails test_the_rules_are_exactly_the_product_lifecycle; every test below takes its cases
# from this table, so a rule missing from RULES fails them too.
PRODUCT: dict[tuple[RequestStatus, Action], tuple[RequestStatus, frozenset[ActorKind]]] = {
    # screening blocks a banned term (the bot, or the system re-screening); the farmer rephrases
    (S.draft, Action.screen_block): (S.blocked, frozenset({F, SYS})),
    (S.blocked, Action.rephrase): (S.draft, frozenset({F})),
    (S.draft, Action.submit): (S.pending_review, frozenset({F})),
    # the farmer may cancel any time before the service starts; a reviewer may withdraw a queued one
    (S.draft, Action.cancel): (S.cancelled, frozenset({F})),
    (S.blocked, Action.cancel): (S.cancelled, frozenset({F})),
    (S.pending_review, Action.cancel): (S.cancelled, frozenset({F, A})),
    (S.approved, Action.cancel): (S.cancelled, frozenset({F, A})),
    (S.repick, Action.cancel): (S.cancelled, frozenset({F, A})),
    # only the county's reviewers decide (Art. 14)
    (S.pending_review, Action.approve): (S.approved, frozenset({A})),
    (S.pending_review, Action.reject): (S.rejected, frozenset({A})),
    # only the invited expert answers; an unanswered invitation lapses by the clock
    (S.approved, Action.accept): (S.in_service, frozenset({E})),
    (S.approved, Action.decline): (S.repick, frozenset({E})),
    (S.approved, Action.expire): (S.repick, frozenset({SYS})),
    (S.repick, Action.repick): (S.pending_review, frozenset({F})),
    (S.in_service, Action.complete): (S.completed, frozenset({E})),
    # a completion in another mode waits, in service, for the farmer's yes or no (core.mode_change)
    (S.in_service, Action.propose_mode): (S.in_service, frozenset({E})),
    (S.in_service, Action.agree_mode): (S.in_service, frozenset({F})),
    (S.in_service, Action.refuse_mode): (S.in_service, frozenset({F})),
    # the farmer's rating settles it, or the system's auto-confirmation after N days
    (S.completed, Action.settle): (S.settled, frozenset({F, SYS})),
}
ALL_PAIRS = [(status, action) for status in RequestStatus for action in Action]
ILLEGAL = [pair for pair in ALL_PAIRS if pair not in PRODUCT]
STEPS = [(source, action, *PRODUCT[source, action]) for source, action in PRODUCT]


def test_the_rules_are_exactly_the_product_lifecycle() -> None:
    assert {(r.source, r.action): (r.target, r.actors) for r in RULES} == PRODUCT


def test_final_states_have_no_way_out() -> None:
    for status in (RequestStatus.settled, RequestStatus.rejected, RequestStatus.cancelled):
        assert lifecycle.allowed_actions(status) == []


def test_cancel_is_possible_only_before_the_service_starts() -> None:
    before = {S.draft, S.blocked, S.pending_review, S.approved, S.repick}
    assert before == lifecycle.CANCELLABLE


@pytest.mark.parametrize(("status", "action"), ILLEGAL, ids=lambda v: str(v))
def test_illegal_transition_is_refused_with_what_and_why(status: RequestStatus, action: Action) -> None:
    actor = Actor(ActorKind.system)
    with pytest.raises(IllegalTransition) as refused:
        lifecycle.rule_for(status, action, Actor(ActorKind.admin, 1) if action is Action.approve else actor)
    assert f"cannot {action}" in refused.value.message
    assert str(status) in refused.value.message


@pytest.mark.parametrize(("source", "action", "target", "who"), STEPS, ids=lambda v: str(v))
def test_a_step_is_taken_by_whom_the_product_names_and_no_one_else(
    source: RequestStatus, action: Action, target: RequestStatus, who: frozenset[ActorKind]
) -> None:
    for kind in ActorKind:
        if kind in who:
            assert lifecycle.rule_for(source, action, Actor(kind, 1)).target is target
        else:
            with pytest.raises(NotPermitted):
                lifecycle.rule_for(source, action, Actor(kind, 1))


async def _draft(uow_factory: Callable[[], UnitOfWork]) -> int:
    world = await build_world(uow_factory)
    async with uow_factory() as uow:
        request = await create_draft(uow, world.farmer_id, description="葵花叶子发黄")
        return request.id


@pytest.mark.parametrize(("source", "action", "target", "who"), STEPS, ids=lambda v: str(v))
async def test_each_step_is_recorded_as_an_event(
    uow_factory: Callable[[], UnitOfWork],
    source: RequestStatus,
    action: Action,
    target: RequestStatus,
    who: frozenset[ActorKind],
) -> None:
    request_id = await _draft(uow_factory)
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        request.status = source
        actor = Actor(sorted(who)[0], 7)
        await lifecycle.apply(uow, request, action, actor, reason="because")
        await uow.commit()
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        assert request.status is target
        [event] = await history(uow, request_id)
        assert (event.from_status, event.to_status, event.action) == (source, target, action)
        assert (event.actor_kind, event.actor_id, event.reason) == (actor.kind, 7, "because")
        assert event.at is not None


async def test_reject_without_a_reason_is_refused(uow_factory: Callable[[], UnitOfWork]) -> None:
    request_id = await _draft(uow_factory)
    async with uow_factory() as uow:
        request = await load_request(uow, request_id)
        request.status = RequestStatus.pending_review
        with pytest.raises(IllegalTransition, match="reason"):
            await lifecycle.apply(uow, request, Action.reject, Actor.admin(1), reason="  ")
