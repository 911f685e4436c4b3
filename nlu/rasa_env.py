"""The separate Python 3.10 environment Rasa 3.6 needs (its pins clash with aiogram 3's)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

RASA_REQUIREMENTS = ("rasa==3.6.21", "jieba==0.42.1")
STAMP_NAME = ".jingfu-requirements"


class RasaEnvError(RuntimeError):
    """An expected failure preparing or running Rasa, worded for the person at the terminal."""


@dataclass(frozen=True, slots=True)
class RasaHome:
    root: Path

    @classmethod
    def from_env(cls) -> RasaHome:
        configured = os.environ.get("JINGFU_RASA_HOME")
        return cls(Path(configured) if configured else Path.home() / ".cache" / "jingfu" / "rasa")

    @property
    def venv(self) -> Path:
        return self.root / "venv"

    @property
    def rasa_bin(self) -> Path:
        return self.venv / "bin" / "rasa"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def projects(self) -> Path:
        return self.root / "projects"

    @property
    def pid_file(self) -> Path:
        return self.root / "server.pid"

    @property
    def server_log(self) -> Path:
        return self.root / "server.log"

    def is_set_up(self) -> bool:
        stamp = self.venv / STAMP_NAME
        return self.rasa_bin.exists() and stamp.exists() and stamp.read_text() == _stamp_text()


def _stamp_text() -> str:
    return "\n".join(RASA_REQUIREMENTS) + "\n"


def _python_minor(python: str) -> str | None:
    try:
        completed = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return completed.stdout.strip() or None


def python310_candidates() -> list[str]:
    candidates: list[str] = []
    if configured := os.environ.get("JINGFU_PYTHON310"):
        candidates.append(configured)
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates.extend(sorted(glob.glob(f"{pyenv_root}/versions/3.10*/bin/python"), reverse=True))
    if pyenv := shutil.which("pyenv"):
        listed = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        if listed:
            candidates.extend(sorted(glob.glob(f"{listed}/versions/3.10*/bin/python"), reverse=True))
    if on_path := shutil.which("python3.10"):
        candidates.append(on_path)
    return list(dict.fromkeys(candidates))


def find_python310() -> str:
    for candidate in python310_candidates():
        if _python_minor(candidate) == "3.10":
            return candidate
    raise RasaEnvError(
        "Python 3.10 not found (Rasa 3.6 needs it): install it, e.g. `pyenv install 3.10.13`, "
        "or point JINGFU_PYTHON310 at a python3.10 executable"
    )


def _run_visible(command: list[str], step: str) -> None:
    print(f"[nlu setup] {step}: {' '.join(command)}", file=sys.stderr, flush=True)
    completed = subprocess.run(command, check=False, stdout=sys.stderr, stderr=sys.stderr)
    if completed.returncode != 0:
        raise RasaEnvError(f"{step} failed (exit code {completed.returncode}); see the output above")


def setup(home: RasaHome) -> bool:
    """Create the Rasa environment unless the stamp says it is already right; True when work was done."""
    if home.is_set_up():
        print(f"[nlu setup] {home.venv} already has {' '.join(RASA_REQUIREMENTS)}", file=sys.stderr)
        return False
    python = find_python310()
    home.root.mkdir(parents=True, exist_ok=True)
    if not (home.venv / "bin" / "python").exists():
        _run_visible([python, "-m", "venv", str(home.venv)], "creating the virtual environment")
    pip = [str(home.venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    _run_visible([*pip, "install", "--upgrade", "pip", "setuptools<70", "wheel"], "upgrading pip")
    _run_visible([*pip, "install", *RASA_REQUIREMENTS], "installing Rasa (several minutes on a cold cache)")
    (home.venv / STAMP_NAME).write_text(_stamp_text())
    print(f"[nlu setup] Rasa is ready in {home.venv}", file=sys.stderr)
    return True
