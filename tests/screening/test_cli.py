from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from jingfu.cli import main
from nlu.screening import Screener, builtin_lists


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


def test_a_piped_file_is_screened_in_batches_with_the_answers_of_one_line_at_a_time(
    tmp_path: Path,
) -> None:
    lines = ["小麦锈病怎么治", "百草枯还能用吗", "法轮功", "", "玉米\r", "叶子发黄"] * 20
    source = tmp_path / "in.txt"
    source.write_bytes(("\n".join(lines) + "\r\n末行没有换行").encode("utf-8"))
    with source.open("rb") as stdin:
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from jingfu.cli import main; sys.exit(main(['screen']))"],
            stdin=stdin,
            capture_output=True,
            check=True,
        )
    out = [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]

    # Line ends as text-mode reading takes them (LF, CRLF, CR), the last line without one kept.
    assert [line["text"] for line in out] == [line.rstrip("\r") for line in lines] + ["末行没有换行"]
    screener = Screener(builtin_lists())
    assert [line["verdict"] for line in out] == [str(screener.check(line["text"]).verdict) for line in out]
    assert "block" in {line["verdict"] for line in out}


def test_a_caller_waiting_for_each_answer_gets_it_before_sending_the_next_line() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", "import sys; from jingfu.cli import main; sys.exit(main(['screen']))"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        answers = []
        for text in ("小麦锈病怎么治", "法轮功"):
            process.stdin.write((text + "\n").encode("utf-8"))
            process.stdin.flush()
            answers.append(json.loads(process.stdout.readline()))
        process.stdin.close()
        assert process.wait(timeout=60) == 0
    assert [a["verdict"] for a in answers] == ["clean", "block"]
