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
