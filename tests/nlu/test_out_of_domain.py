"""Questions that are not about farming (issue 19) open no intake, in Chinese or English."""

from __future__ import annotations

import pytest

from nlu.embedded.engine import EmbeddedEngine

NOT_FARMING = [
    "后晌会不会下雨，我要进城",  # weather for a trip, not for a crop
    "明天杭锦后旗多少度",
    "给我这个号码充100话费",
    "手机流量用超了咋回事",
    "贷款买个三轮车要啥手续",
    "娃娃的语文作业帮我看看对不对",
    "讲个笑话逗我乐乐",
    "will it be sunny in wuyuan on friday",
    "add 30 yuan credit to my phone",
    "can the bank lend me money for a wedding",
    "my daughter needs help with her science homework",
    "tell me a joke about teachers",
]


@pytest.mark.parametrize("text", NOT_FARMING)
def test_questions_not_about_farming_open_no_intake(embedded: EmbeddedEngine, text: str) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name != "describe_problem"
    assert result.specialty.code is None


# Questions that name a crop, an animal or a machine but ask for a price, a form, a loan, an insurer or a
# contract: no grower's or herder's problem (issue 19). Written for this test, not among the training lines.
SOUNDS_LIKE_FARMING = [
    "今儿收购站葵花给几块钱",
    "羊肉价钱这两天跌了没",
    "种粮补贴的钱咋还没打到卡上",
    "买台二手收割机得多钱",
    "玉米受了雹灾保险咋赔",
    "跟人签的土地流转合同到期了咋续",
    "贷款买了50只羊还不上了咋办",
    "葵花地旁边邻居占了我两垄地",
    "蜜瓜今年行情咋样能卖几块",
    "养羊的贷款利息多少",
]


@pytest.mark.parametrize("text", SOUNDS_LIKE_FARMING)
def test_prices_paperwork_and_money_about_farming_open_no_intake(embedded: EmbeddedEngine, text: str) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name != "describe_problem"
    assert result.specialty.code is None


# The same crops and animals with a grower's or herder's problem still go to their specialty.
FARMING_PROBLEMS = [
    ("葵花叶子蔫了吧唧有黑斑", "plant_protection"),
    ("葵花一亩追几斤尿素", "soil_fertilizer"),
    ("羊羔子拉稀不吃奶", "veterinary"),
    ("羊羔子断奶后喂啥料长得快", "animal_husbandry"),
]


@pytest.mark.parametrize(("text", "specialty"), FARMING_PROBLEMS)
def test_the_same_crops_and_animals_with_a_problem_open_their_specialty(
    embedded: EmbeddedEngine, text: str, specialty: str
) -> None:
    result = embedded.parse_sync(text)
    assert result.intent.name == "describe_problem"
    assert result.specialty.code == specialty
