"""The conversations, one module a feature, each with its own Router."""

from __future__ import annotations

from aiogram import Router


def routers() -> list[Router]:
    # Order matters: commands and menu buttons first, explicit states next, free text last.
    from dialogs import (
        binding,
        expert_choice,
        expert_work,
        feedback,
        intake,
        menu,
        my_requests,
        thread,
    )

    ordered = [
        binding.router,
        menu.router,
        my_requests.router,
        feedback.router,
        expert_work.router,
        intake.router_states,
        thread.router,
        intake.router,
        # Buttons only (no message handlers) with callback data of its own, so its place among the
        # routers above changes nothing, and here a message no longer walks through it.
        expert_choice.router,
        binding.unbound_router,
    ]
    for router in ordered:
        # Handlers are declared once per module, but tests and benchmarks build several dispatchers
        # in one process; aiogram refuses to re-attach a router, so detach it from the previous one.
        router._parent_router = None
    return ordered
