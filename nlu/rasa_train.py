"""Training the Rasa model, once per version of the project files (models are keyed by their hash)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from nlu.rasa_env import RASA_REQUIREMENTS, RasaEnvError, RasaHome
from nlu.training_data import RASA_PROJECT_DIR, TRAINING_DATA_DIR, fingerprint, load_training_data

PROJECT_FILES = ("config.yml", "domain.yml")
# Custom Rasa components (config.yml names them by module): on PYTHONPATH for training and serving.
COMPONENTS_DIR = RASA_PROJECT_DIR / "components"
USERDICT_DIR = "jieba_userdict"  # config.yml's JiebaTokenizer dictionary_path, relative to the project


def project_files(project_dir: Path = RASA_PROJECT_DIR) -> list[Path]:
    data = sorted((project_dir / "data").rglob("*.yml"))
    components = sorted((project_dir / "components").glob("*.py"))
    return [project_dir / name for name in PROJECT_FILES] + data + components


def model_hash(project_dir: Path = RASA_PROJECT_DIR) -> str:
    return fingerprint(project_files(project_dir), salt=" ".join(RASA_REQUIREMENTS))


def model_path(home: RasaHome, project_dir: Path = RASA_PROJECT_DIR) -> Path:
    return home.models / f"nlu-{model_hash(project_dir)}.tar.gz"


def rasa_environment() -> dict[str, str]:
    quiet = {"TF_CPP_MIN_LOG_LEVEL": "2", "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONWARNINGS": "ignore"}
    path = os.pathsep.join(p for p in (str(COMPONENTS_DIR), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, **quiet, "PYTHONPATH": path}


def jieba_userdict(data_dir: Path = TRAINING_DATA_DIR) -> str:
    """Lookup terms and synonym variants as a jieba dictionary, so they are never split or merged."""
    data = load_training_data(data_dir)
    words = {t for terms in data.lookups.values() for t in terms} | set(data.synonyms)
    return "".join(f"{word} 50000\n" for word in sorted(words) if " " not in word)


def stage_project(home: RasaHome, digest: str, project_dir: Path = RASA_PROJECT_DIR) -> Path:
    """A copy of the project with its generated jieba dictionary: Rasa runs there; the repo stays clean."""
    return stage_into(home.projects / digest, project_dir)


def stage_into(stage: Path, project_dir: Path = RASA_PROJECT_DIR) -> Path:
    """The staged copy of the project in folder `stage` (emptied first)."""
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir(parents=True)
    for name in PROJECT_FILES:
        shutil.copy2(project_dir / name, stage / name)
    shutil.copytree(project_dir / "data", stage / "data")
    (stage / USERDICT_DIR).mkdir()
    (stage / USERDICT_DIR / "userdict.txt").write_text(jieba_userdict(project_dir / "data"), encoding="utf-8")
    return stage


def train(home: RasaHome, project_dir: Path = RASA_PROJECT_DIR, force: bool = False) -> Path:
    """Train unless a model for exactly these project files exists; returns the model path."""
    if not home.is_set_up():
        raise RasaEnvError("the Rasa environment is missing: run `jingfu nlu setup` first")
    target = model_path(home, project_dir)
    if target.exists() and not force:
        print(f"[nlu train] up to date: {target}", file=sys.stderr)
        return target
    digest = model_hash(project_dir)
    stage = stage_project(home, digest, project_dir)
    home.models.mkdir(parents=True, exist_ok=True)
    command = [
        str(home.rasa_bin), "train", "nlu",
        "--config", "config.yml", "--domain", "domain.yml", "--nlu", "data",
        "--out", str(home.models), "--fixed-model-name", target.name.removesuffix(".tar.gz"),
    ]  # fmt: skip
    print(f"[nlu train] training {target.name} (DIET epochs show as a progress bar)", file=sys.stderr)
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=stage, env=rasa_environment(), stdout=sys.stderr, check=False)
    if completed.returncode != 0 or not target.exists():
        raise RasaEnvError(f"rasa train failed (exit code {completed.returncode}); see the output above")
    print(f"[nlu train] trained in {time.perf_counter() - started:.0f} s: {target}", file=sys.stderr)
    return target
