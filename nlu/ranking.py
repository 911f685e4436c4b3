"""Turns a ranking over trained intents into the interface's intent and specialty (both engines)."""

from __future__ import annotations

from collections.abc import Iterable

from nlu.interface import Intent, Specialty
from nlu.taxonomy import DESCRIBE_PROBLEM, coarse_group, split_trained_intent


def decide(ranking: Iterable[tuple[str, float]]) -> tuple[Intent, Specialty]:
    """The specialty intents together stand for describe_problem: their summed confidence competes
    with each other intent, and the best of them names the specialty.

    The specialty's sureness sums its coarse group: 园艺 at 0.5 beside 作物栽培 at 0.45 is a sure
    crop_cultivation, and the coarse group is what the specialty is right or wrong by (issue 19)."""
    problem_mass = 0.0
    group_mass: dict[str, float] = {}
    best_specialty: tuple[str, float] | None = None
    best_other: tuple[str, float] = ("out_of_scope", 0.0)
    for trained, confidence in ranking:
        intent, code = split_trained_intent(trained)
        if code is not None:
            problem_mass += confidence
            group = coarse_group(code)
            group_mass[group] = group_mass.get(group, 0.0) + confidence
            if best_specialty is None or confidence > best_specialty[1]:
                best_specialty = (code, confidence)
        elif intent == DESCRIBE_PROBLEM:
            problem_mass += confidence
        elif confidence > best_other[1]:
            best_other = (intent, confidence)
    if best_specialty is not None and problem_mass >= best_other[1]:
        code, confidence = best_specialty
        return Intent(DESCRIBE_PROBLEM, problem_mass), Specialty(
            code, confidence, group_mass[coarse_group(code)]
        )
    # The specialty's confidence is then that the text is no agricultural problem at all.
    no_problem = max(0.0, 1.0 - problem_mass)
    return Intent(*best_other), Specialty(None, no_problem, no_problem)
