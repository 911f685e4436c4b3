from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from jingfu.cli import main


def _screen(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lines: str, *args: str
) -> list[dict]:
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    assert main(["screen", *args]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_screen_writes_one_json_verdict_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _screen(monkeypatch, capsys, "小麦锈病怎么治\n百草枯还能用吗\n")

    assert out == [
        {"text": "小麦锈病怎么治", "verdict": "clean", "hits": []},
        {
            "text": "百草枯还能用吗",
            "verdict": "advise",
            "hits": [
                {"start": 0, "end": 3, "term": "百草枯", "category": "banned_pesticide", "action": "advise"}
            ],
        },
    ]


def test_given_lists_replace_the_builtin_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "deny.txt").write_text("锈病\n", encoding="utf-8")
    (tmp_path / "allow.txt").write_text("条锈病\n", encoding="utf-8")

    out = _screen(
        monkeypatch,
        capsys,
        "小麦锈病\n条锈病\n百草枯\n",
        "--lexicon",
        str(tmp_path / "deny.txt"),
        "--allow",
        str(tmp_path / "allow.txt"),
    )

    assert [line["verdict"] for line in out] == ["block", "clean", "clean"]
    assert out[0]["hits"][0]["category"] == "uncategorised"


def test_a_missing_list_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["screen", "--lexicon", "/no/such/list.txt"]) == 2
    assert capsys.readouterr().err.strip() == "jingfu: error: list file not found: /no/such/list.txt"
