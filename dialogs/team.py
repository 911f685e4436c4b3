"""The team leader's overview: every member's load, lateness and progress to the yearly minimum.

Offered under 📊 我的统计 to a team's leader only; the figures come from core.team.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup

from bot.refusals import Refusals, alert
from bot.telegram_limits import MAX_TEXT
from bot.turn import Turn
from core.errors import NotPermitted
from core.team import LATE_AFTER_HOURS, MemberStatus, TeamOverview, team_overview
from dialogs.filters import IS_EXPERT
from render.callbacks import TeamCb
from render.i18n import Translator
from render.keyboards import button, keyboard

router = Router(name=__name__)
router.callback_query.filter(IS_EXPERT)


def team_keyboard(t: Translator) -> InlineKeyboardMarkup:
    return keyboard([button(t("team.button"), TeamCb())])


REFUSED = Refusals((NotPermitted, alert("team.leaders_only")))


@router.callback_query(TeamCb.filter())
async def show_team(query: CallbackQuery, turn: Turn) -> None:
    try:
        overview = await team_overview(turn.uow, turn.expert.id, turn.deps.clock())
    except NotPermitted as error:
        await turn.refuse(error, REFUSED, query)
        return
    await query.answer()
    await turn.answer(rendered(turn.t, overview))


def rendered(t: Translator, overview: TeamOverview) -> str:
    """The overview in one message: the late first; members past Telegram's limit are counted."""
    head = str(
        t(
            "team.head",
            team=overview.team_name,
            year=overview.year,
            count=len(overview.members),
            minimum=overview.minimum,
            late=f"{LATE_AFTER_HOURS:g}",
        )
    )
    lines = [_line(t, member, overview.minimum) for member in overview.members]
    text = "\n".join([head, *lines])
    while len(text) > MAX_TEXT and lines:
        lines.pop()
        more = str(t("team.more", count=len(overview.members) - len(lines)))
        text = "\n".join([head, *lines, more])
    return text


def _line(t: Translator, member: MemberStatus, minimum: int) -> str:
    # Rendered pieces stay Safe, so the member line does not escape them again.
    oldest = (
        t("team.oldest", hours=f"{member.oldest_waiting_hours:.0f}")
        if member.oldest_waiting_hours is not None
        else ""
    )
    answer = t("team.hours", hours=f"{member.answer_hours:.1f}") if member.answer_hours is not None else "—"
    rating = f"{member.rating_avg:.1f} ({member.rating_count})" if member.rating_avg is not None else "—"
    return str(
        t(
            "team.member",
            mark="⚠️ " if member.late else "",
            name=member.name,
            title=member.title,
            in_service=member.in_service,
            waiting=member.waiting,
            oldest=oldest,
            services=member.services,
            minimum=minimum,
            expired=member.expired,
            declined=member.declined,
            answer=answer,
            rating=rating,
        )
    )
