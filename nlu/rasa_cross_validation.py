"""K-fold cross-validation of the Rasa engine's intents, to choose its own confirmation threshold.

Cheap because the intent (and so the specialty and its sureness) in the Rasa pipeline comes from the
project's SVM component over the featurizers (`components/jingfu_svm.py`); DIETClassifier runs with
``intent_classification: false`` and only recognises entities, and EntitySynonymMapper only renames
entities. A fold is therefore trained with config.yml minus those two: the same intent ranking as the
full model, in a fraction of DIET's training time. `intent_only_config` refuses a config whose DIET
classifies intents, where that would no longer hold.

The folds are the embedded engine's (`nlu.cross_validation.hand_written_folds`); the folds run in the
Rasa virtualenv (`nlu/rasa_cv_worker.py`, a subprocess), and their rankings become sureness here the
same way the Rasa engine's answers do (`nlu.ranking.decide`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

from nlu.cross_validation import HeldOut, hand_written_folds, held_out
from nlu.interface import ParseResult
from nlu.ranking import decide
from nlu.rasa_env import RasaEnvError, RasaHome
from nlu.rasa_train import rasa_environment, stage_into
from nlu.training_data import RASA_PROJECT_DIR, TrainingData

WORKER = Path(__file__).resolve().parent / "rasa_cv_worker.py"
INTENT_ONLY_CONFIG = "config_intents.yml"
ENTITIES_ONLY = ("DIETClassifier", "EntitySynonymMapper")  # components that never touch the intent


def intent_only_config(config_text: str) -> str:
    """config.yml without the components that only find entities (see the module docstring)."""
    config: dict[str, Any] = yaml.safe_load(config_text)
    for component in config["pipeline"]:
        if component["name"] == "DIETClassifier" and component.get("intent_classification", True):
            raise RasaEnvError(
                "DIETClassifier classifies intents in config.yml: an intent-only cross-validation "
                "without it would not measure the model that runs"
            )
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] not in ENTITIES_ONLY]
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)


def _run_worker(home: RasaHome, stage: Path, job: dict[str, Any]) -> list[dict[str, Any]]:
    job_file = Path(job["work"]) / "job.json"
    job_file.write_text(json.dumps(job, ensure_ascii=False), encoding="utf-8")
    environment = {
        **rasa_environment(),
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_MAX_CACHE_SIZE": "0",  # no fold repeats another's training: caching only costs disk
    }
    python = home.venv / "bin" / "python"
    completed = subprocess.run(
        [str(python), str(WORKER), str(job_file)],
        cwd=stage,  # the config's jieba dictionary path is relative to the staged project
        env=environment,
        stdout=subprocess.DEVNULL,  # Rasa logs every parse there; the answers go to job["out"]
        stderr=sys.stderr,  # warnings, errors and the per-fold lines show as they come
        check=False,
    )
    if completed.returncode != 0:
        raise RasaEnvError(f"the Rasa cross-validation failed (exit code {completed.returncode}); see above")
    lines = Path(job["out"]).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def cross_validate_rasa(
    home: RasaHome,
    data: TrainingData,
    composed: set[str],
    folds: int = 5,
    project_dir: Path = RASA_PROJECT_DIR,
) -> list[HeldOut]:
    """Each hand-written example predicted by a Rasa intent model trained on the other folds and on
    every composed example: the same folds as the embedded engine's cross-validation."""
    if not home.is_set_up():
        raise RasaEnvError("the Rasa environment is missing: run `jingfu nlu setup` first")
    split = hand_written_folds(data, composed, folds)
    home.root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="calibrate-", dir=home.root) as work:
        stage = stage_into(Path(work) / "project", project_dir)
        config = (project_dir / "config.yml").read_text(encoding="utf-8")
        (stage / INTENT_ONLY_CONFIG).write_text(intent_only_config(config), encoding="utf-8")
        job = {
            "data": str(stage / "data"),
            "config": str(stage / INTENT_ONLY_CONFIG),
            "domain": str(stage / "domain.yml"),
            "work": work,
            "out": str(Path(work) / "held_out.jsonl"),
            "folds": [[e.text for e in fold.held_out] for fold in split],
        }
        lines = _run_worker(home, stage, job)
    examples = [e for fold in split for e in fold.held_out]
    if len(lines) != len(examples):
        raise RasaEnvError(f"the Rasa cross-validation parsed {len(lines)} of {len(examples)} held-out texts")
    held: list[HeldOut] = []
    for example, line in zip(examples, lines, strict=True):
        if line["text"] != example.text:
            raise RasaEnvError(f"the Rasa cross-validation answered {line['text']!r} for {example.text!r}")
        intent, specialty = decide((str(name), float(c)) for name, c in line["ranking"])
        held.append(held_out(example, ParseResult(example.text, intent, specialty, engine="rasa")))
    return held
