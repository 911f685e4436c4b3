"""Readings that missed (issue 17): a nutrient deficiency is soil and fertiliser, not plant
protection; "刚坐果" and the like name the growth stage. Phrasings here are not in the training data."""

from __future__ import annotations

import pytest

from nlu.embedded.engine import EmbeddedEngine
from nlu.training_compose import stage_phrasings


@pytest.mark.parametrize(
    "text",
    ["我家葵花缺钾了咋整", "小麦缺磷怎么办", "玉米苗缺锌叶子发白", "辣椒缺钙果子烂屁股", "番茄缺磷"],
)
def test_a_nutrient_deficiency_is_soil_and_fertiliser(embedded: EmbeddedEngine, text: str) -> None:
    assert embedded.parse_sync(text).specialty.code == "soil_fertilizer"


@pytest.mark.parametrize(
    ("text", "stage"),
    [("西瓜刚坐果，叶子发黄", "刚坐果"), ("葵花正开花就倒了", "正开花"), ("小麦刚抽穗下了冰雹", "刚抽穗")],
)
def test_a_stage_said_as_what_happens_now_is_read(embedded: EmbeddedEngine, text: str, stage: str) -> None:
    stages = [e.value for e in embedded.parse_sync(text).entities if e.entity == "growth_stage"]
    assert stages == [stage]


def test_every_stage_of_the_lexicon_is_phrased_so() -> None:
    assert stage_phrasings(["坐果期", "花期", "苗期", "出苗"]) == ["刚坐果", "正在坐果", "正坐果"]
