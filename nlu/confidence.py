"""Knowing when the NLU is unsure (issue 19): the intake confirms the specialty with the farmer only when
the parse's specialty confidence is below the confirmation threshold.

The goal (issue 19) is that on real questions at least `TARGET_PRECISION` of the predictions above the
threshold are right. The threshold is chosen on 5-fold cross-validation of the project's own training
data (`jingfu nlu calibrate`), never on an evaluation set. Cross-validated predictions are right far more
often than real questions' (≈95 % against ≈85 %: our examples resemble each other), so asking them for
95 % would choose no threshold at all; instead the threshold must cut the cross-validated error rate to
`ERROR_SHARE_KEPT` of itself — the cut 95 % asks of an engine that is right 85 % of the time.
`jingfu nlu eval` reports what the threshold gives on an evaluation set: the share right above it
(precision) and the share of questions above it (coverage).

The signal is the parse's sureness: the summed confidence of the guessed coarse group (nlu.ranking.decide),
not the top specialty's own. A farmer's question often spreads over two specialties of one group (园艺 and
作物栽培, 畜牧养殖 and 草原牧草), and the group is what the guess is right or wrong by. Chosen on the
cross-validation against the top class's probability, the top-two margin, the coarse groups' margin,
agreement with the crop or animal named, and agreement with classifiers of other features or of bootstrap
samples (docs/nlu.md has the table): none was better there by more than noise, so the simplest stayed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from nlu.interface import ParseResult

OUT_OF_SCOPE: Final = "out_of_scope"  # the trained intent of questions that are not about farming
TARGET_PRECISION: Final = 0.95
ERROR_SHARE_KEPT: Final = 1 / 3  # (1 - 0.95) / (1 - 0.85): see the module docstring
EMBEDDED: Final = "embedded"
# One threshold per engine, since their confidences are distributed differently: each chosen by
# `jingfu nlu calibrate --engine E` (5-fold cross-validation of the training data as committed with it;
# docs/nlu.md has the runs). Re-run both when the training data changes much.
CONFIRMATION_THRESHOLDS: Final[Mapping[str, float]] = MappingProxyType({EMBEDDED: 0.92, "rasa": 0.91})


def threshold_for(engine: str) -> float:
    """The confirmation threshold of the engine that parsed (ParseResult.engine). A parse made by hand
    (no engine) is held to the embedded engine's, which is what answers when no other does."""
    return CONFIRMATION_THRESHOLDS.get(engine, CONFIRMATION_THRESHOLDS[EMBEDDED])


def cross_validated_target(accuracy: float) -> float:
    """The precision to ask of cross-validated predictions whose overall accuracy is `accuracy`."""
    return 1.0 - (1.0 - accuracy) * ERROR_SHARE_KEPT


def sureness(result: ParseResult) -> float:
    """How sure the parse is of its coarse group (see the module docstring)."""
    specialty = result.specialty
    return specialty.confidence if specialty.sureness is None else specialty.sureness


def needs_confirmation(result: ParseResult, threshold: float | None = None) -> bool:
    """Whether the intake should ask the farmer to confirm the specialty the NLU read: by the threshold
    of the engine that parsed (the embedded one's when Rasa was down and it answered), unless given."""
    return sureness(result) < (threshold_for(result.engine) if threshold is None else threshold)


def surely_out_of_domain(result: ParseResult, threshold: float | None = None) -> bool:
    """A question the NLU is sure is no farming problem (weather, phone credit, a joke): the farmer is told
    what the bot is for, and no request is opened. An unsure one still opens a request, whose specialty
    the farmer then chooses: a farming question misread costs a tap, not an answer."""
    return (
        result.intent.name == OUT_OF_SCOPE
        and result.specialty.code is None
        and not needs_confirmation(result, threshold)
    )


@dataclass(frozen=True, slots=True)
class Coverage:
    threshold: float
    precision: float  # share of the predictions at or above the threshold that are right
    coverage: float  # share of all predictions at or above the threshold
    count: int  # how many are at or above it


def above(confidences: Sequence[float], correct: Sequence[bool], threshold: float) -> Coverage:
    kept = [ok for confidence, ok in zip(confidences, correct, strict=True) if confidence >= threshold]
    precision = sum(kept) / len(kept) if kept else 1.0
    return Coverage(threshold, precision, len(kept) / len(correct) if correct else 0.0, len(kept))


def choose_threshold(
    confidences: Sequence[float], correct: Sequence[bool], target: float = TARGET_PRECISION
) -> Coverage:
    """The lowest threshold (of the confidences seen, rounded up to 0.01) whose precision reaches `target`:
    the most questions answered without a confirmation while staying that right."""
    for hundredths in range(0, 101):
        coverage = above(confidences, correct, hundredths / 100)
        if coverage.precision >= target:
            return coverage
    return above(confidences, correct, 1.0)


@dataclass(frozen=True, slots=True)
class Bin:
    low: float
    high: float
    mean_confidence: float
    accuracy: float
    count: int


def reliability(confidences: Sequence[float], correct: Sequence[bool], bins: int = 10) -> list[Bin]:
    """Predictions grouped by confidence (equal-width bins): how often each group is right."""
    grouped: list[list[tuple[float, bool]]] = [[] for _ in range(bins)]
    for confidence, ok in zip(confidences, correct, strict=True):
        grouped[min(int(confidence * bins), bins - 1)].append((confidence, ok))
    return [
        Bin(i / bins, (i + 1) / bins, sum(c for c, _ in g) / len(g), sum(ok for _, ok in g) / len(g), len(g))
        for i, g in enumerate(grouped)
        if g
    ]


def plot_reliability(
    confidences: Sequence[float], correct: Sequence[bool], threshold: float, title: str, path: str
) -> None:
    """A PNG of the reliability curve (accuracy per confidence bin) and the share of questions above each
    threshold, with the confirmation threshold marked. Headless (Agg): no display needed."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = reliability(confidences, correct)
    figure, (curve, cover) = plt.subplots(1, 2, figsize=(11, 4.5))
    curve.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfectly calibrated")
    curve.plot([b.mean_confidence for b in bins], [b.accuracy for b in bins], marker="o", label="right")
    for b in bins:
        curve.annotate(
            str(b.count),
            (b.mean_confidence, b.accuracy),
            fontsize=7,
            xytext=(3, -10),
            textcoords="offset points",
        )
    curve.axvline(threshold, color="red", linestyle="--", label=f"threshold {threshold:.2f}")
    curve.set(
        xlabel="sureness (coarse group's confidence)",
        ylabel="share right (coarse group)",
        xlim=(0, 1),
        ylim=(0, 1.02),
        title="reliability",
    )
    curve.legend(loc="lower right", fontsize=8)
    steps = [i / 100 for i in range(101)]
    rows = [above(confidences, correct, t) for t in steps]
    cover.plot(steps, [r.precision for r in rows], label="right above threshold")
    cover.plot(steps, [r.coverage for r in rows], label="questions above threshold")
    cover.axvline(threshold, color="red", linestyle="--")
    cover.axhline(TARGET_PRECISION, color="grey", linestyle=":")
    cover.set(xlabel="threshold", xlim=(0, 1), ylim=(0, 1.02), title="precision and coverage")
    cover.legend(loc="lower left", fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
