"""Turns a ranking over trained intents into the interface's intent and specialty (both engines)."""

from __future__ import annotations

from collections.abc import Iterable

from nlu.interface import Intent, Specialty
from nlu.taxonomy import DESCRIBE_PROBLEM, split_trained_intent


def decide(ranking: Iterable[tuple[str, float]]) -> tuple[Intent, Specialty]:
    """The specialty intents together stand for describe_problem: their summed confidence competes
    with each other intent, and the best of them names the specialty."""
    problem_mass = 0.0
    best_specialty: tuple[str, float] | None = None
    best_other: tuple[str, float] = ("out_of_scope", 0.0)
    for trained, confidence in ranking:
        intent, code = split_trained_intent(trained)
        if code is not None:
            problem_mass += confidence
            if best_specialty is None or confidence > best_specialty[1]:
                best_specialty = (code, confidence)
        elif intent == DESCRIBE_PROBLEM:
            problem_mass += confidence
        elif confidence > best_other[1]:
            best_other = (intent, confidence)
    if best_specialty is not None and problem_mass >= best_other[1]:
        return Intent(DESCRIBE_PROBLEM, problem_mass), Specialty(best_specialty[0], best_specialty[1])
    # The specialty's confidence is then that the text is no agricultural problem at all.
    return Intent(*best_other), Specialty(None, max(0.0, 1.0 - problem_mass))
