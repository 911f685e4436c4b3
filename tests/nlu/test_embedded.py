from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from nlu.embedded import engine as engine_module
from nlu.embedded.engine import EmbeddedEngine
from nlu.embedded.model import fit_temperature
from nlu.taxonomy import coarse_group

# Farmer phrasings with the specialty's coarse group a reviewer would file them under.
PROBLEMS = [
    ("俺家葵花地里列当太多咋整", "plant_protection"),
    ("西红柿叶子背面有霉层，打啥药", "plant_protection"),
    ("玉米上腻虫多得很", "plant_protection"),
    ("昨天下雹子把向日葵打坏了", "plant_protection"),
    ("羊羔拉稀咋办", "veterinary"),
    ("奶牛乳房炎怎么治", "veterinary"),
    ("猪发烧不吃食", "veterinary"),
    ("羊打什么疫苗", "veterinary"),
    ("母羊怀孕了喂点啥料", "animal_husbandry"),
    ("肉牛怎么育肥长得快", "animal_husbandry"),
    ("草鱼一天喂几次", "animal_husbandry"),
    ("苜蓿一年割几茬", "animal_husbandry"),
    ("葵花种多密合适", "crop_cultivation"),
    ("盐碱地种啥好", "crop_cultivation"),
    ("滴灌玉米几天浇一次水", "crop_cultivation"),
    ("大棚蜜瓜怎么留瓜", "crop_cultivation"),
]
NOT_PROBLEMS = [
    ("你好", "greet"),
    ("查一下服务券还剩多少", "check_balance"),
    ("我的问题专家回复了吗", "my_requests"),
    ("算了不问了，取消吧", "cancel"),
    ("专家一直不来，我要投诉", "complain"),
    ("订阅病虫害预警", "advisories_on"),
    ("别给我发通知了", "advisories_off"),
    ("好的", "affirm"),
    ("不对", "deny"),
    ("这个怎么用", "help"),
    ("明天会下雨吗", "out_of_scope"),
]


@pytest.mark.parametrize(("text", "group"), PROBLEMS)
def test_problems_land_in_their_coarse_group(embedded: EmbeddedEngine, text: str, group: str) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name == "describe_problem"
    assert coarse_group(result.specialty.code) == group


@pytest.mark.parametrize(("text", "intent"), NOT_PROBLEMS)
def test_other_intents_carry_no_specialty(embedded: EmbeddedEngine, text: str, intent: str) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name == intent
    assert result.specialty.code is None


def test_entities_are_found_canonicalised_and_spanned(embedded: EmbeddedEngine) -> None:
    text = "俺家葵花叶子发黄，种了30亩，在五原，还养了200只羊羔，开花期"
    found = {(e.entity, e.value, text[e.start : e.end]) for e in embedded.parse_sync(text).entities}
    assert found >= {
        ("crop", "向日葵", "葵花"),
        ("symptom", "叶子发黄", "叶子发黄"),
        ("quantity", "30亩", "30亩"),
        ("place", "五原县", "五原"),
        ("quantity", "200只", "200只"),
        ("livestock", "羔羊", "羊羔"),
        ("growth_stage", "开花期", "开花期"),
    }


def test_english_names_are_found_as_whole_words_under_their_chinese_name(embedded: EmbeddedEngine) -> None:
    text = "When the Dairy Cows and the oats got wet, the boat did too; TOMATOES fine"
    found = [(e.entity, e.value, text[e.start : e.end]) for e in embedded.parse_sync(text).entities]
    # not "hen" in "When", nor "oat" in "boat"
    assert found == [
        ("livestock", "奶牛", "Dairy Cows"),
        ("crop", "燕麦", "oats"),
        ("crop", "番茄", "TOMATOES"),
    ]


def test_full_width_input_keeps_spans_on_the_original_text(embedded: EmbeddedEngine) -> None:
    text = "种了３０亩ＯＫ葵花"
    entities = embedded.parse_sync(text).entities
    assert {(e.entity, text[e.start : e.end]) for e in entities} == {("quantity", "３０亩"), ("crop", "葵花")}


async def test_blank_text_is_not_a_problem(embedded: EmbeddedEngine) -> None:
    result = await embedded.parse("   ")
    assert result.intent.name == "out_of_scope"
    assert result.specialty.code is None


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("葵花羊羔拉稀种了30亩头只五原病虫，。 abc１２")), max_size=40))
def test_any_text_parses_with_spans_inside_it(embedded: EmbeddedEngine, text: str) -> None:
    result = embedded.parse_sync(text)
    assert 0.0 <= result.intent.confidence <= 1.0001
    for entity in result.entities:
        assert 0 <= entity.start < entity.end <= len(text)
        assert text[entity.start : entity.end].strip()


def test_a_second_engine_loads_the_model_from_disk_without_training(
    embedded: EmbeddedEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Training takes seconds; every process (the bot, each command) must load what one built. The
    # first engine's training is the session's model, so this test builds nothing itself.
    monkeypatch.setattr(engine_module, "train", lambda _data: embedded.model())
    first = EmbeddedEngine(cache_dir=tmp_path)
    first.model()
    [cached] = tmp_path.glob("*.pkl")

    def trained_again(_data: object) -> None:
        raise AssertionError("the model was trained again: the disk cache was not used")

    monkeypatch.setattr(engine_module, "train", trained_again)
    again = EmbeddedEngine(cache_dir=tmp_path)
    assert again.parse_sync("羊羔拉稀").specialty == embedded.parse_sync("羊羔拉稀").specialty
    cached.write_bytes(b"half a file")  # a torn or foreign file is rebuilt, never trusted
    with pytest.raises(AssertionError, match="trained again"):
        EmbeddedEngine(cache_dir=tmp_path).model()


def test_confidences_are_a_calibrated_softmax(embedded: EmbeddedEngine) -> None:
    model = embedded.model()
    assert 0.01 < model.classifier.temperature < 10.0  # fitted on held-out training data, not a bound
    ranking, _ = model.analyse("羊羔拉稀咋办")
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-9
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_the_temperature_fit_prefers_sharper_confidences_for_separable_data() -> None:
    rows = ["羊 拉稀", "牛 发烧", "葵花 黑斑", "玉米 蚜虫", "你好", "您好"] * 10
    labels = np.asarray(["vet", "vet", "plant", "plant", "greet", "greet"] * 10)
    matrix = TfidfVectorizer(analyzer=lambda t: t.split()).fit_transform(rows)
    assert fit_temperature(matrix, labels) < 1.0
