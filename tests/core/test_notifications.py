"""Every step of the lifecycle is decided for the notifier: announced (core.notifications.NOTICES) or
silent on purpose (SILENT), never both, and neither table names a step the lifecycle does not have."""

from __future__ import annotations

from core.lifecycle import RULES
from core.notifications import NOTICES, SILENT, Audience, Buttons

STEPS = {(rule.action, rule.source) for rule in RULES}


def test_every_step_of_the_lifecycle_is_announced_or_silent_on_purpose() -> None:
    undecided = STEPS - NOTICES.keys() - SILENT.keys()
    assert not undecided, f"steps nobody decided who hears of: {sorted(undecided)}"


def test_no_step_is_both_announced_and_silent() -> None:
    assert not NOTICES.keys() & SILENT.keys()


def test_the_tables_name_only_steps_the_lifecycle_has() -> None:
    assert not (NOTICES.keys() | SILENT.keys()) - STEPS


def test_every_silent_step_says_why() -> None:
    assert all(reason.strip() for reason in SILENT.values())


def test_the_farmer_hears_every_step_that_asks_them_to_act() -> None:
    """A button the farmer must press (choose again, rate, answer a proposal) is under a farmer's
    message; an expert's buttons under the expert's."""
    for_farmer = {Buttons.choose_again, Buttons.rate, Buttons.answer_mode}
    for notices in NOTICES.values():
        for notice in notices:
            if notice.buttons is not None:
                assert (notice.buttons in for_farmer) is (notice.to is Audience.farmer), notice
