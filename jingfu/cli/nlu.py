"""``jingfu nlu``: set up, train and serve Rasa; parse and evaluate with either engine."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

from jingfu.cli.arguments import positive_seconds, whole_number
from jingfu.cli.errors import CliError
from render.terminal_text import json_line

ENGINES = ("embedded", "rasa")


def _rasa_url(args: argparse.Namespace) -> str:
    from nlu.rasa_server import base_url

    return str(args.rasa_url or os.environ.get("RASA_URL") or base_url())


def _engine(args: argparse.Namespace) -> Any:
    from nlu.embedded.engine import EmbeddedEngine
    from nlu.rasa_client import NoFallback, RasaEngine
    from nlu.rasa_server import loaded_model

    if args.engine == "embedded":
        return EmbeddedEngine()
    if loaded_model(_rasa_url(args)) is None:
        raise CliError(f"no Rasa server with a model at {_rasa_url(args)}: start one with `jingfu nlu serve`")
    # Measuring Rasa must measure Rasa: no quiet fallback to the embedded engine here.
    return RasaEngine(_rasa_url(args), fallback=NoFallback(), timeout_s=args.timeout)


def _rasa_step(step: Any) -> Any:
    from nlu.rasa_env import RasaEnvError

    try:
        return step()
    except RasaEnvError as exc:
        raise CliError(str(exc)) from exc


def cmd_setup(args: argparse.Namespace) -> int:
    from nlu.rasa_env import RasaHome, setup

    _rasa_step(lambda: setup(RasaHome.from_env()))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from nlu.rasa_env import RasaHome
    from nlu.rasa_train import train

    _rasa_step(lambda: train(RasaHome.from_env(), force=args.force))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from nlu.rasa_env import RasaHome
    from nlu.rasa_server import serve

    return int(_rasa_step(lambda: serve(RasaHome.from_env(), args.host, args.port, detach=args.detach)))


def cmd_stop(args: argparse.Namespace) -> int:
    from nlu.rasa_env import RasaHome
    from nlu.rasa_server import stop

    stopped = stop(RasaHome.from_env())
    print("[nlu stop] stopped" if stopped else "[nlu stop] no server was running", file=sys.stderr)
    return 0


async def _parse_stream(args: argparse.Namespace) -> None:
    from nlu.rasa_client import RasaUnavailable

    engine = _engine(args)
    try:
        for line in sys.stdin:
            text = line.rstrip("\n")
            try:
                result = await engine.parse(text)
            except RasaUnavailable as exc:
                raise CliError(f"Rasa at {_rasa_url(args)} did not answer: {exc}") from exc
            sys.stdout.write(json_line(result.to_json()) + "\n")  # it echoes the text
            sys.stdout.flush()
    finally:
        await engine.close()


def cmd_parse(args: argparse.Namespace) -> int:
    asyncio.run(_parse_stream(args))
    return 0


async def _predict(args: argparse.Namespace, texts: list[str]) -> list[tuple[str, float]]:
    """Each text's coarse group and the parse's sureness (nlu.confidence.sureness)."""
    from nlu.confidence import sureness
    from nlu.rasa_client import RasaUnavailable, parse_many
    from nlu.taxonomy import coarse_group

    engine = _engine(args)
    try:
        if hasattr(engine, "warm_up"):
            await engine.warm_up()
        results = await parse_many(engine, texts)
    except RasaUnavailable as exc:
        raise CliError(f"Rasa at {_rasa_url(args)} did not answer: {exc}") from exc
    finally:
        await engine.close()
    return [(coarse_group(r.specialty.code), sureness(r)) for r in results]


def cmd_eval(args: argparse.Namespace) -> int:
    from nlu.evaluation import read_labelled, score

    path = Path(args.data)
    if not path.exists():
        raise CliError(f"no evaluation data at {path}")
    rows = read_labelled(path)
    started = time.perf_counter()
    parsed = asyncio.run(_predict(args, [text for text, _ in rows]))
    elapsed = time.perf_counter() - started
    gold = [label for _, label in rows]
    predicted = [group for group, _ in parsed]
    report = score(gold, predicted)
    print(f"engine: {args.engine}   data: {path}   rows: {len(rows)}   time: {elapsed:.1f} s")
    print(report.render())
    confidences = [confidence for _, confidence in parsed]
    correct = [g == p for g, p in zip(gold, predicted, strict=True)]
    print(_threshold_line(args.engine, confidences, correct))
    if args.plot:
        _plot(
            args.engine, confidences, correct, f"{args.engine} on {path.name} ({len(rows)} rows)", args.plot
        )
    return 0


def _threshold_line(engine: str, confidences: list[float], correct: list[bool]) -> str:
    from nlu.confidence import TARGET_PRECISION, above, threshold_for

    threshold = threshold_for(engine)  # the evaluated engine's own: its answers are the ones asked
    kept = above(confidences, correct, threshold)
    return (
        f"confirmation threshold {threshold:.2f} ({engine}) on sureness (the coarse group's confidence): "
        f"{kept.precision:.1%} right above it "
        f"(goal {TARGET_PRECISION:.0%}), covering {kept.coverage:.1%} of the questions ({kept.count})"
    )


def _plot(engine: str, confidences: list[float], correct: list[bool], title: str, path: str) -> None:
    from nlu.confidence import plot_reliability, threshold_for

    try:
        plot_reliability(confidences, correct, threshold_for(engine), title, path)
    except ImportError as exc:
        raise CliError(
            "--plot needs matplotlib: pip install 'jingfu[dev]' (or pip install matplotlib)"
        ) from exc
    except OSError as exc:
        raise CliError(f"cannot write the plot to {path}: {exc.strerror or exc}") from exc
    print(f"reliability curve written to {path}")


def _cross_validate(engine: str, folds: int) -> list[Any]:
    from nlu.cross_validation import composed_texts, cross_validate
    from nlu.rasa_cross_validation import cross_validate_rasa
    from nlu.rasa_env import RasaHome
    from nlu.training_data import load_training_data

    data, composed = load_training_data(), composed_texts()
    if engine == "rasa":
        return list(_rasa_step(lambda: cross_validate_rasa(RasaHome.from_env(), data, composed, folds)))
    return cross_validate(data, composed, folds=folds)


def cmd_calibrate(args: argparse.Namespace) -> int:
    from nlu.confidence import CONFIRMATION_THRESHOLDS, above, choose_threshold, cross_validated_target
    from nlu.evaluation import score

    started = time.perf_counter()
    held = _cross_validate(args.engine, args.folds)
    elapsed = time.perf_counter() - started
    confidences = [h.confidence for h in held]
    correct = [h.label == h.predicted for h in held]
    how = (
        " (its intent pipeline: config.yml without the entity-only components)"
        if args.engine == "rasa"
        else ""
    )
    print(
        f"{args.engine} engine{how}, {args.folds}-fold cross-validation of the hand-written training "
        f"examples (composed ones always trained on): {len(held)} held out, {elapsed:.0f} s"
    )
    report = score([h.label for h in held], [h.predicted for h in held])
    print(report.render())
    target = cross_validated_target(report.accuracy)
    chosen = choose_threshold(confidences, correct, target)
    print(
        f"chosen threshold {chosen.threshold:.2f} on sureness (asked {target:.1%} right above it): "
        f"{chosen.precision:.1%} right above it, covering {chosen.coverage:.1%}"
    )
    committed = CONFIRMATION_THRESHOLDS[args.engine]
    current = above(confidences, correct, committed)
    print(
        f"committed threshold {committed:.2f} for {args.engine} (nlu/confidence.py): "
        f"{current.precision:.1%} right above it, covering {current.coverage:.1%}"
    )
    if round(chosen.threshold, 2) != round(committed, 2):
        # Only the number is committed: the sureness itself comes from the ranking the engine gives.
        print(
            f'to use it: set CONFIRMATION_THRESHOLDS["{args.engine}"] = {chosen.threshold:.2f} '
            "in nlu/confidence.py"
        )
    return 0


def _add_engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--engine", choices=ENGINES, default="embedded")
    parser.add_argument("--rasa-url", help="Rasa server (default: $RASA_URL or http://127.0.0.1:5005)")
    parser.add_argument("--timeout", type=positive_seconds, default=10.0, help="seconds per Rasa request")


def register(subparsers: Any) -> None:
    nlu = subparsers.add_parser("nlu", help="natural-language understanding (Rasa and embedded engines)")
    commands = nlu.add_subparsers(dest="nlu_command", metavar="NLU_COMMAND", required=True)

    setup = commands.add_parser("setup", help="create the Python 3.10 environment with Rasa 3.6")
    setup.set_defaults(func=cmd_setup)

    train = commands.add_parser("train", help="train the Rasa model if the training data changed")
    train.add_argument("--force", action="store_true", help="train even if a model for this data exists")
    train.set_defaults(func=cmd_train)

    serve = commands.add_parser("serve", help="run the Rasa HTTP API and wait until it answers")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=whole_number(1, 65535), default=5005)
    serve.add_argument("--detach", action="store_true", help="run in the background; stop with `nlu stop`")
    serve.set_defaults(func=cmd_serve)

    stop = commands.add_parser("stop", help="stop a server started with `nlu serve --detach`")
    stop.set_defaults(func=cmd_stop)

    parse = commands.add_parser("parse", help="one text per stdin line → one JSON object per stdout line")
    _add_engine_options(parse)
    parse.set_defaults(func=cmd_parse)

    evaluate = commands.add_parser("eval", help="per-class P/R/F1 and macro-F1 on a {text,label} JSONL file")
    _add_engine_options(evaluate)
    evaluate.add_argument("--data", required=True, help='JSONL rows of {"text", "label"}')
    evaluate.add_argument("--plot", metavar="FILE.png", help="write a reliability curve (needs matplotlib)")
    evaluate.set_defaults(func=cmd_eval)

    calibrate = commands.add_parser(
        "calibrate", help="choose the confirmation threshold on k-fold cross-validation of the training data"
    )
    calibrate.add_argument("--folds", type=whole_number(2, 20), default=5)
    calibrate.add_argument(
        "--engine",
        choices=ENGINES,
        default="embedded",
        help="rasa: trains one intent-only Rasa model per fold in the Rasa venv (`jingfu nlu setup`)",
    )
    calibrate.set_defaults(func=cmd_calibrate)
