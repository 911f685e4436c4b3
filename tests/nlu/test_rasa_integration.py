"""Through the real Rasa server. CI starts it and sets RASA_URL; locally the fixture starts it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from nlu.rasa_client import NoFallback, RasaEngine
from nlu.rasa_server import base_url, loaded_model
from nlu.small_talk import is_small_talk
from nlu.taxonomy import coarse_group

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
def rasa_url() -> Iterator[str]:
    configured = os.environ.get("RASA_URL")
    if configured:
        if loaded_model(configured) is None:
            pytest.fail(f"RASA_URL={configured} is set but no Rasa server with a model answers there")
        yield configured
        return
    url = base_url()
    started_here = loaded_model(url) is None
    if started_here:
        jingfu = [sys.executable, "-m", "jingfu"]
        for step in (["setup"], ["train"], ["serve", "--detach"]):
            completed = subprocess.run([*jingfu, "nlu", *step], check=False)
            if completed.returncode != 0:
                pytest.fail(f"`jingfu nlu {' '.join(step)}` failed; Rasa is needed for this test")
    yield url
    if started_here:
        subprocess.run([sys.executable, "-m", "jingfu", "nlu", "stop"], check=False)


async def test_rasa_understands_farmer_problems_and_small_talk(rasa_url: str) -> None:
    engine = RasaEngine(rasa_url, fallback=NoFallback(), timeout_s=10.0)
    try:
        problem = await engine.parse("俺家葵花叶子上有黑斑，种了30亩")
        greeting = await engine.parse("你好")
        sick_lamb = await engine.parse("羊羔拉稀咋办")
    finally:
        await engine.close()
    assert problem.engine == "rasa"
    assert problem.intent.name == "describe_problem"
    assert coarse_group(problem.specialty.code) == "plant_protection"
    crop = next(e for e in problem.entities if e.entity == "crop")
    assert problem.text[crop.start : crop.end] == "葵花" and crop.value == "向日葵"
    assert greeting.intent.name == "greet" and greeting.specialty.code is None
    assert coarse_group(sick_lamb.specialty.code) == "veterinary"
    assert engine.stats["fallback"] == 0


SMALL_TALK = ["谢谢", "好的，谢谢专家！", "收到", "😀", "Thank you!"]
QUESTIONS = ["羊不吃草", "最近总下雨，地里怎么办", "我家的牛病了", "可以打药吗"]


async def test_courtesies_are_small_talk_and_questions_are_not_through_rasa(rasa_url: str) -> None:
    # Rasa reads a lone "谢谢" as a veterinary problem: the courtesy list, not the model, decides it
    engine = RasaEngine(rasa_url, fallback=NoFallback(), timeout_s=10.0)
    try:
        said = {text: is_small_talk(await engine.parse(text)) for text in SMALL_TALK + QUESTIONS}
    finally:
        await engine.close()
    assert said == {text: text in SMALL_TALK for text in SMALL_TALK + QUESTIONS}
