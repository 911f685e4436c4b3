"""The README's demo, piped through `jingfu shell`'s loop: the whole story in the terminal channel."""

from __future__ import annotations

import io
from pathlib import Path

from aiogram.fsm.storage.base import StorageKey
from sqlalchemy import func, select

from bot.deps import BotDeps
from bot.terminal.app import run_terminal
from bot.terminal.channel import BANNER
from bot.terminal.kept_screen import KeptScreen
from bot.terminal.state_file import FileStorage, state_file_for
from core import requests
from core.scope import CITY_SYSTEM
from dialogs import routers
from storage.enums import RequestStatus
from storage.models import Rating, ServiceRequest


async def _run(deps: BotDeps, script: str) -> str:
    lines: list[str] = []
    await run_terminal(deps, routers(), source=io.StringIO(script), write=lines.append, ansi=False)
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
            "1",  # confirm the summary: ¥100 held
            "/quit",
        ]
    )
    output = await _run(deps, farmer_part + "\n")
    assert "欢迎您，王二牛" in output and "专业对口" in output
    async with deps.uow() as uow:  # the reviewer, from another terminal
        request_id = await uow.session.scalar(select(func.max(ServiceRequest.id)))
        assert request_id is not None
        await requests.approve(uow, request_id, CITY_SYSTEM, now=deps.clock())
        await uow.commit()
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
        "1",  # complete, online (the farmer chose video: the farmer is asked)
        "/as farmer 1",
        "1",  # agree to online
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


async def test_a_form_left_open_is_open_in_the_next_shell_session(deps: BotDeps, tmp_path: Path) -> None:
    # The README says the shell can be left and opened again at any point of the story
    state = tmp_path / "jingfu.shell-state.json"
    lines: list[str] = []
    for script in ("/start\n1\n我家葵花叶子发黄还有黑斑，种了20亩\n/quit\n", "/photo 叶子背面\n/quit\n"):
        storage = FileStorage(state, "db-1")  # a new process each time: only the file carries the form
        await run_terminal(
            deps, routers(), source=io.StringIO(script), write=lines.append, ansi=False, storage=storage
        )
    second = "\n".join(lines[lines.index("王二牛> /photo 叶子背面") :])
    assert "照片已收到。" in second and "是什么作物或牲畜" not in second  # into the same draft
    async with deps.uow() as uow:
        drafts = (await uow.session.scalars(select(ServiceRequest))).all()
    assert [(d.photo_file_ids != [], d.subject) for d in drafts] == [(True, "向日葵")]


async def test_a_state_file_of_another_database_is_not_taken_up(tmp_path: Path) -> None:
    # "start the demo over": the SQLite file deleted and created anew has another inode
    database = tmp_path / "jingfu.sqlite3"
    database.write_bytes(b"")
    path, first = state_file_for(f"sqlite+aiosqlite:///{database}", tmp_path)
    assert path == tmp_path / "jingfu.shell-state.json"
    key = StorageKey(bot_id=42, chat_id=1, user_id=1)
    await FileStorage(path, first).set_state(key, "IntakeForm:media")
    assert await FileStorage(path, first).get_state(key) == "IntakeForm:media"
    database.rename(tmp_path / "kept")  # holds the old inode, so the new file cannot reuse it
    database.write_bytes(b"")
    _, second = state_file_for(f"sqlite+aiosqlite:///{database}", tmp_path)
    assert second != first and await FileStorage(path, second).get_state(key) is None


async def test_the_buttons_on_screen_are_there_in_the_next_shell_session(
    deps: BotDeps, tmp_path: Path
) -> None:
    # Quit at the photo question, as the expert, and come back: the same persona, its buttons shown
    # again, and "1" presses the photo question's ✅ 完成 as it would have before.
    state = tmp_path / "jingfu.shell-state.json"
    screen = tmp_path / "jingfu.shell-screen.json"
    lines: list[str] = []
    scripts = (
        "/start\n1\n我家葵花叶子发黄还有黑斑，种了20亩\n/as expert 1\n/as farmer 1\n/quit\n",
        "1\n/quit\n",
    )
    for script in scripts:
        await run_terminal(
            deps,
            routers(),
            source=io.StringIO(script),
            write=lines.append,
            ansi=False,
            storage=FileStorage(state, "db-1"),
            kept=KeptScreen(screen, "db-1"),
        )
    second = lines[len(lines) - lines[::-1].index(BANNER) :]
    assert second[:2] == ["  playing 王二牛(农户 1), where you left off; the last buttons:", "[1] ✅ 完成"]
    assert any("问题：我家葵花叶子发黄还有黑斑" in line for line in second)  # the summary: 完成 was pressed
    assert not any("no keyboard" in line for line in second)


async def test_buttons_kept_for_another_database_are_not_offered(deps: BotDeps, tmp_path: Path) -> None:
    screen = tmp_path / "jingfu.shell-screen.json"
    lines: list[str] = []
    await run_terminal(
        deps,
        routers(),
        source=io.StringIO("/start\n/quit\n"),
        write=lines.append,
        ansi=False,
        kept=KeptScreen(screen, "db-1"),
    )
    assert KeptScreen(screen, "db-1").load()[0] and KeptScreen(screen, "db-2").load() == ({}, None)
    screen.write_text("{not json", encoding="utf-8")
    assert KeptScreen(screen, "db-1").load() == ({}, None)  # a damaged file costs the buttons only
