"""The main menu answers every command and button in both languages, and lets anything else through
at once (its router-level check skips the router for other text, which intake then gets)."""

from __future__ import annotations

import pytest

from dialogs import menu
from render.i18n import LOCALES
from tests.bot.conftest import EXPERT, EXPERT_PHONE, FARMER, FARMER_PHONE
from tests.bot.harness import Harness, texts


@pytest.mark.parametrize(
    ("said", "key"),
    [
        ("/menu", "menu.title"),
        ("/cancel", "menu.title"),
        ("/help", "help.farmer"),
        ("/language", "language.choose"),
        ("/balance", "balance.show"),
    ],
)
async def test_every_command_is_answered(harness: Harness, said: str, key: str) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, said))
    template = harness.deps.catalog.messages["zh_CN"][key]
    assert sent and sent[0].startswith(template.split("{")[0])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("button", "reply"),
    [
        ("menu.help", "help.farmer"),
        ("menu.language", "language.choose"),
        ("menu.balance", "balance.show"),
        ("menu.advisories", "advisories.off"),
    ],
)
async def test_every_button_is_answered_in_either_language(
    harness: Harness, locale: str, button: str, reply: str
) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, harness.deps.catalog.messages[locale][button]))
    template = harness.deps.catalog.messages["zh_CN"][reply]
    assert sent and sent[0].startswith(template.split("{")[0])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(
    ("who", "phone", "button", "reply"),
    [
        (FARMER, FARMER_PHONE, "menu.describe", "intake.ask_description"),
        (FARMER, FARMER_PHONE, "menu.my_requests", "requests.none"),
        (EXPERT, EXPERT_PHONE, "menu.queue", "queue.none"),
        (EXPERT, EXPERT_PHONE, "menu.stats", "stats.body"),
        (EXPERT, EXPERT_PHONE, "menu.publish", "advisory.choose"),
    ],
)
async def test_the_buttons_of_the_other_dialogs_are_answered_in_either_language(
    harness: Harness, locale: str, who: int, phone: str, button: str, reply: str
) -> None:
    # These routers sit in a group that plain text skips at once (dialogs.routers); their buttons
    # must still get through it, with no form open.
    await harness.contact(who, phone)
    sent = texts(await harness.say(who, harness.deps.catalog.messages[locale][button]))
    template = harness.deps.catalog.messages["zh_CN"][reply]
    assert sent and sent[0].startswith(template.split("{")[0])


async def test_other_text_goes_past_the_menu_to_intake(harness: Harness) -> None:
    await harness.contact(FARMER, FARMER_PHONE)
    sent = texts(await harness.say(FARMER, "我家葵花叶子发黄还有黑斑，种了20亩"))
    zh = harness.deps.catalog.messages["zh_CN"]
    # One reply to one message: the acknowledgement opens the next question (here, photos)
    assert sent == [f"{zh['intake.received']}\n{zh['intake.ask_media']}"]


def test_a_button_missing_from_the_router_check_is_refused() -> None:
    with pytest.raises(ValueError):
        menu._button("menu.describe")
