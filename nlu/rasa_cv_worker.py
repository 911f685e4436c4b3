"""Cross-validation folds of the Rasa intent pipeline: runs INSIDE the Rasa virtualenv (Python 3.10,
Rasa 3.6), started as a subprocess by ``nlu.rasa_cross_validation``; never imported by the bot.

Reads a job (JSON) from the file named on the command line:
``{"data": DIR, "config": FILE, "domain": FILE, "work": DIR, "out": FILE,
"folds": [[held-out text, ...], ...]}``.
For each fold it loads the training data with Rasa's own reader, drops every example whose text is
held out, writes the rest as one Rasa YAML file, trains an NLU model with the intent-only config
(Rasa's Python API: no `rasa` process per fold), loads it (``Agent.load``, the same graph the HTTP
server runs) and parses the held-out texts. Writes one JSON line per held-out text to the "out" file
(not stdout, where Rasa logs every parse), ``{"fold", "text", "ranking": [[intent, confidence], ...]}``;
progress goes to stderr.
Run from the staged project's folder: the config's jieba dictionary path is relative to it.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any


def _say(message: str) -> None:
    print(f"[nlu calibrate] {message}", file=sys.stderr, flush=True)


def _training_file(data_dir: str, held_out: set[str], target: Path) -> int:
    """The fold's training data as one YAML file; returns how many examples were held out of it."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData

    data = load_data(data_dir)
    kept = [m for m in data.training_examples if m.get("text") not in held_out]
    fold = TrainingData(
        training_examples=kept,
        entity_synonyms=data.entity_synonyms,
        regex_features=data.regex_features,
        lookup_tables=data.lookup_tables,
    )
    RasaYAMLWriter().dump(target, fold)
    return len(data.training_examples) - len(kept)


async def _parse(model: str, texts: list[str]) -> list[list[tuple[str, float]]]:
    from rasa.core.agent import Agent

    agent = Agent.load(model)
    rankings = []
    for text in texts:
        parsed: dict[str, Any] = await agent.parse_message(text)
        ranking = parsed.get("intent_ranking") or [parsed["intent"]]
        rankings.append([(str(r["name"]), float(r["confidence"])) for r in ranking])
    return rankings


def run(job: dict[str, Any]) -> None:
    from rasa.model_training import train_nlu

    work = Path(job["work"])
    folds: list[list[str]] = job["folds"]
    with Path(job["out"]).open("w", encoding="utf-8") as out:
        for number, held_texts in enumerate(folds, start=1):
            started = time.perf_counter()
            nlu_file = work / f"fold{number}.yml"
            dropped = _training_file(job["data"], set(held_texts), nlu_file)
            _say(f"fold {number}/{len(folds)}: training without {dropped} held-out examples")
            model = train_nlu(
                job["config"],
                str(nlu_file),
                str(work),
                fixed_model_name=f"fold{number}",
                domain=job["domain"],
            )
            if model is None:
                raise SystemExit(f"fold {number}: rasa training failed")
            trained = time.perf_counter() - started
            rankings = asyncio.run(_parse(model, held_texts))
            for text, ranking in zip(held_texts, rankings, strict=True):
                line = {"fold": number, "text": text, "ranking": ranking}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")
            out.flush()
            _say(
                f"fold {number}/{len(folds)}: trained in {trained:.0f} s, "
                f"{len(held_texts)} parsed in {time.perf_counter() - started - trained:.0f} s"
            )


if __name__ == "__main__":
    run(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")))
