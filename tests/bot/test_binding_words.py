"""What a newcomer reads before binding (issue 17): two plain ways to bind, and a wrong code called wrong
whatever its shape."""

from __future__ import annotations

import pytest

from tests.bot.harness import Harness, buttons, texts

STRANGER = 66603


async def test_the_welcome_names_the_two_ways_plainly(harness: Harness) -> None:
    sent = await harness.say(STRANGER, "/start")
    welcome = texts(sent)[0]
    assert "点击下方【📱 分享手机号绑定】按钮" in welcome
    assert "把村里或旗县区给您的邀请码直接发给我" in welcome
    assert "名册核对" not in welcome  # how the bot checks is not what the farmer does
    assert ("📱 分享手机号绑定", "") in buttons(sent)
    sent = await harness.say(STRANGER, "/language")
    await harness.press(STRANGER, next(d for label, d in buttons(sent) if label == "English"))
    sent = await harness.say(STRANGER, "/start")
    assert "tap the 📱 Share my phone number button below" in texts(sent)[0]
    assert "send me the invite code your village or county gave you" in texts(sent)[0]


@pytest.mark.parametrize("typed", ["382915", "ABCD-EFGH-JKMN", "jf 2031 0042"])
async def test_a_code_of_the_wrong_shape_is_called_wrong(harness: Harness, typed: str) -> None:
    # Only a 16-character code reached the code check; a village's six digits or a code cut short
    # got "you are not bound yet", as if nothing had been sent.
    sent = await harness.say(STRANGER, typed)
    assert texts(sent)[0].startswith("邀请码不正确")
    assert ("📱 分享手机号绑定", "") in buttons(sent)


async def test_a_phone_typed_by_hand_is_pointed_to_the_button(harness: Harness) -> None:
    sent = await harness.say(STRANGER, "13904781001")
    assert "不能用打字的手机号绑定" in texts(sent)[0]
    assert ("📱 分享手机号绑定", "") in buttons(sent)
