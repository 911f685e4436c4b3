from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from jingfu.cli import main
from nlu.confidence import CONFIRMATION_THRESHOLDS
from nlu.embedded.engine import EmbeddedEngine
from nlu.taxonomy import SPECIALTY_CODES


def test_parse_writes_one_contract_object_per_input_line(
    embedded: EmbeddedEngine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("俺家葵花叶子黄了，种了30亩\n你好\n\n"))
    assert main(["nlu", "parse", "--engine", "embedded"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [row["text"] for row in lines] == ["俺家葵花叶子黄了，种了30亩", "你好", ""]
    first = lines[0]
    assert set(first) == {"text", "intent", "specialty", "entities"}
    assert set(first["intent"]) == {"name", "confidence"}
    assert set(first["specialty"]) == {"code", "confidence"}
    assert first["specialty"]["code"] in SPECIALTY_CODES
    for entity in first["entities"]:
        assert set(entity) == {"entity", "value", "start", "end"}
        assert first["text"][entity["start"] : entity["end"]]
    assert lines[1]["specialty"]["code"] is None


def test_eval_prints_scores_and_the_threshold_and_writes_a_reliability_png(
    embedded: EmbeddedEngine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "tiny.jsonl"
    rows = [
        ("羊羔拉稀咋办", "veterinary"),
        ("玉米上有蚜虫", "plant_protection"),
        ("明天会下雨吗", "out_of_domain"),
    ]
    data.write_text("".join(json.dumps({"text": t, "label": label}) + "\n" for t, label in rows))
    plot = tmp_path / "reliability.png"
    assert main(["nlu", "eval", "--engine", "embedded", "--data", str(data), "--plot", str(plot)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "veterinary" in out and "out_of_domain" in out
    assert f"confirmation threshold {CONFIRMATION_THRESHOLDS['embedded']:.2f} (embedded) on sureness" in out
    assert "right above it" in out and "covering" in out
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rasa_engine_without_a_server_is_a_one_line_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("你好\n"))
    assert main(["nlu", "parse", "--engine", "rasa", "--rasa-url", "http://127.0.0.1:9"]) == 2
    assert "no Rasa server" in capsys.readouterr().err
