"""The README's demo, piped through `jingfu shell`'s loop: the whole story in the terminal channel."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.terminal.app import run_terminal
from core import requests
from core.scope import CITY_SYSTEM
from storage.enums import RequestStatus
from storage.models import Rating, ServiceRequest


async def _run(deps: BotDeps, script: str) -> str:
    lines: list[str] = []
    await run_terminal(deps, source=io.StringIO(script), write=lines.append, ansi=False)
    return "\n".join(lines)


async def test_the_demo_story_in_the_terminal(deps: BotDeps) -> None:
    farmer_part = "\n".join(
        [
            "/start",
            "1",
            "我家葵花叶子发黄还有黑斑，种了20亩",
            "/photo 叶子背面",
            "1",
            "1",
            "1",
            "1",
            "2",
            "/quit",
        ]
    )
    output = await _run(deps, farmer_part + "\n")
    assert "欢迎您，王二牛" in output and "专业对口" in output
    async with deps.uow() as uow:  # the reviewer, from another terminal
        request_id = await uow.session.scalar(select(func.max(ServiceRequest.id)))
        assert request_id is not None
        await requests.approve(uow, request_id, CITY_SYSTEM, now=deps.clock())
    assert f"请求 #{request_id} 已提交，服务券冻结 ¥100" in output and "明天 09:00" in output

    story = [
        "/as expert 1",
        "/start",
        "1",  # bind 王建国; the welcome says an invitation waits
        "📋 待办请求",
        "1",  # accept from the queue
        "/quit",
    ]
    # The newcomer leaves the shell and comes back: the new session's messages must not reuse the
    # ids the database already links to the request (a reply-to link per chat and message id).
    later = [
        "/as expert 1",
        "可能是黑斑病，先摘除病叶",
        "/as farmer 1",
        "黑斑越来越多了",
        "/as expert 1",
        "📋 待办请求",
        "1",
        "1",  # complete, online
        "/as farmer 1",
        "1",
        "1",  # 5 stars, then skip the comment
        "/quit",
    ]
    output = await _run(deps, "\n".join(story) + "\n") + await _run(deps, "\n".join(later) + "\n")
    assert "出了点问题" not in output
    assert "1 个待答复的邀请" in output
    assert f"已接受请求 #{request_id}。" in output
    assert "王二牛：\n黑斑越来越多了" in output and "王建国：\n可能是黑斑病，先摘除病叶" in output
    assert "核销金额 ¥50" in output and "谢谢您的评价！" in output
    async with deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
        rating = await uow.session.scalar(select(Rating))
    assert request is not None and request.status is RequestStatus.settled
    assert rating is not None and rating.stars == 5
