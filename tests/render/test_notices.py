"""Every lifecycle notice (core.notifications) can be drawn in every language: its message is in
the catalogs and every parameter its text names is given."""

from __future__ import annotations

import pytest

from core.notifications import NOTICES, Buttons, Facts, Notice
from render.i18n import LOCALES, Catalog
from render.notices import notice_keyboard, notice_text
from storage.enums import ServiceMode

FACTS = Facts(
    request_id=7,
    farmer_name="王秀兰",
    expert_name="李专家",
    reason="no time in the next days",
    mode=ServiceMode.online,
    chosen=ServiceMode.online,
    proposed=str(ServiceMode.onsite_consult),
    fee_fen=12_345,
    stars=4,
    proposal_event_id=9,
)
# The invitation card is drawn whole by render.invitation (tests/bot/test_expert_invitation.py).
DRAWN = sorted(
    {n for notices in NOTICES.values() for n in notices if n.buttons is not Buttons.invitation},
    key=lambda n: n.key,
)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("notice", DRAWN, ids=lambda n: n.key)
def test_every_notice_reads_in_every_language(notice: Notice, locale: str) -> None:
    t = Catalog.load().translator(locale)
    text = notice_text(t, notice, FACTS)
    assert "#7" in text and "{" not in text
    keyboard = notice_keyboard(t, notice, FACTS)
    assert (keyboard is None) is (notice.buttons is None)
