from __future__ import annotations

import os
from pathlib import Path

import pytest

from nlu import rasa_env
from nlu.rasa_env import RasaEnvError, RasaHome
from nlu.rasa_train import COMPONENTS_DIR, jieba_userdict, model_hash, rasa_environment


def test_missing_python_310_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rasa_env, "python310_candidates", lambda: ["/nonexistent/python3.10"])
    with pytest.raises(RasaEnvError, match=r"Python 3\.10 not found"):
        rasa_env.find_python310()


def test_setup_is_skipped_when_the_stamp_matches(tmp_path: Path) -> None:
    home = RasaHome(tmp_path)
    (home.venv / "bin").mkdir(parents=True)
    home.rasa_bin.write_text("")
    (home.venv / rasa_env.STAMP_NAME).write_text("\n".join(rasa_env.RASA_REQUIREMENTS) + "\n")
    assert home.is_set_up()
    assert rasa_env.setup(home) is False


def _project(tmp_path: Path) -> Path:
    """The least a Rasa project needs for its model hash: config, domain and a data folder."""
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    for name in ("config.yml", "domain.yml"):
        (project / name).write_text("x")
    return project


def test_the_model_hash_follows_the_training_files(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "data" / "a.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - 你好\n")
    before = model_hash(project)
    (project / "data" / "a.yml").write_text("nlu:\n- intent: greet\n  examples: |\n    - 您好\n")
    assert model_hash(project) != before


def test_the_jieba_dictionary_holds_lookup_terms_and_synonyms() -> None:
    words = {line.split()[0] for line in jieba_userdict().splitlines()}
    assert {"向日葵", "葵花", "列当", "羊羔", "五原县"} <= words


def test_the_model_hash_follows_the_custom_components(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "components").mkdir()
    (project / "components" / "c.py").write_text("A = 1\n")
    before = model_hash(project)
    (project / "components" / "c.py").write_text("A = 2\n")
    assert model_hash(project) != before


def test_rasa_finds_the_custom_components_on_its_path() -> None:
    path = rasa_environment()["PYTHONPATH"].split(os.pathsep)
    assert str(COMPONENTS_DIR) in path
    assert (COMPONENTS_DIR / "jingfu_svm.py").is_file()
    assert "jingfu_svm.SvmIntentClassifier" in (COMPONENTS_DIR.parent / "config.yml").read_text()
