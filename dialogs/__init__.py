"""The conversations, one module a feature, each with its own Router."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import Message

from bot.aiogram_internals import detach
from bot.deps import BotDeps


def _command_button_or_form(message: Message, deps: BotDeps, raw_state: str | None = None) -> bool:
    """Whether a message can be for the commands, buttons and forms router group at all.

    Every message handler in that group answers a command, a menu button (a "menu." key, in either
    language) or a message sent while a form is open (an FSM state); anything else, which is most of
    what farmers write (a new problem), skips the five routers in this one check instead of walking
    through them. A handler added to the group must be one of those three kinds.
    """
    if raw_state is not None:
        return True
    if (message.text or message.caption or "").startswith("/"):  # aiogram's Command looks at both
        return True
    return message.text is not None and message.text in deps.catalog.all_variants_under("menu.")


def routers() -> list[Router]:
    # Order matters: commands and menu buttons first, explicit states next, free text last.
    from dialogs import (
        binding,
        decline,
        expert_choice,
        expert_work,
        feedback,
        intake,
        menu,
        mode_consent,
        my_requests,
        offer_reply,
        park_offers,
        submit_confirm,
        team,
        thread,
        waiting_request,
    )

    commands_buttons_forms = [
        menu.router,
        my_requests.router,
        feedback.router,
        expert_work.router,
        decline.router,
        park_offers.router,
        intake.router_states,
        submit_confirm.router,  # the place of an on-site visit, a form; and the summary's confirm
    ]
    after = [
        thread.router,
        intake.router,
        # Buttons only (no message handlers) with callback data of its own, so its place among the
        # routers above changes nothing, and here a message no longer walks through it.
        expert_choice.router,
        offer_reply.router,  # buttons only, like expert_choice
        mode_consent.router,  # buttons only, like expert_choice
        team.router,  # buttons only, like expert_choice
        waiting_request.router,
        binding.unbound_router,
    ]
    for router in (binding.router, *commands_buttons_forms, *after):
        # Handlers are declared once per module, but tests and benchmarks build several dispatchers
        # in one process; aiogram refuses to re-attach a router, so detach it from the previous one.
        detach(router)
    # The group, in the same place and order: a router whose router-level check fails is skipped
    # with everything included in it. Callback queries are not filtered at the group.
    group = Router(name=__name__ + ".commands_buttons_forms")
    group.message.filter(_command_button_or_form)
    group.include_routers(*commands_buttons_forms)
    return [binding.router, group, *after]
