"""The conversation state is read and written through the typed form shapes (dialogs.form_data),
under the keys it was stored under before they existed: a form half filled before a deploy is
finished after it."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey

from dialogs import form_data
from dialogs.states import IntakeForm
from render.callbacks import IntakeCb, WaitingCb
from storage.models import ServiceRequest
from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, texts
from tests.bot.test_answers_in_the_intake import PIG, _at_the_subject_question
from tests.bot.test_farmer_story import bind_both, describe_and_submit
from tests.conftest import REPO_ROOT

RAW_STATE_CALLS = {"get_data", "get_value", "update_data", "set_data"}
# The shapes and their helpers, and closing a form (which keeps the chat's keys, whatever they are).
RAW_STATE_MODULES = {"form_data.py", "forms.py"}
DIALOGS = sorted(p for p in (REPO_ROOT / "dialogs").glob("*.py") if p.name not in RAW_STATE_MODULES)


def raw_state_calls(source: str) -> list[str]:
    return [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in RAW_STATE_CALLS
    ]


def test_the_check_sees_an_untyped_read() -> None:
    handler = "async def h(state):\n    return await state.get_value('request_id')\n"
    assert raw_state_calls(handler) == ["line 2: state.get_value('request_id')"]


@pytest.mark.parametrize("path", DIALOGS, ids=lambda p: p.name)
def test_forms_keep_their_data_through_the_typed_shapes(path: Path) -> None:
    assert raw_state_calls(path.read_text(encoding="utf-8")) == []


def _shape_read(node: ast.AST) -> str | None:
    """The shape's name when `node` is `await read(state, Shape)`."""
    if not (isinstance(node, ast.Await) and isinstance(call := node.value, ast.Call)):
        return None
    if isinstance(call.func, ast.Name) and call.func.id == "read" and isinstance(call.args[1], ast.Name):
        return call.args[1].id
    return None


def unknown_keys(source: str) -> list[str]:
    """Each `.get("key")` on a form's data whose shape has no such key. mypy checks `data["key"]`
    and what is written, but types a misspelt `data.get("key")` as `object` and may let it pass
    (`if not data.get("media_askd")`)."""
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.AsyncFunctionDef | ast.FunctionDef):
            continue
        local_shapes = {
            node.targets[0].id: shape
            for node in ast.walk(function)
            if isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and (shape := _shape_read(node.value))
        }
        for node in ast.walk(function):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get"
            ):
                continue
            receiver, key = node.func.value, node.args[0] if node.args else None
            shape = _shape_read(receiver) or (
                local_shapes.get(receiver.id) if isinstance(receiver, ast.Name) else None
            )
            if shape and isinstance(key, ast.Constant):
                keys = (
                    getattr(form_data, shape).__optional_keys__ | getattr(form_data, shape).__required_keys__
                )
                if key.value not in keys:
                    found.append(f"line {node.lineno}: {shape} has no {key.value!r}")
    return found


def test_the_check_sees_a_misspelt_key() -> None:
    handler = (
        "async def h(state):\n"
        "    data = await read(state, IntakeData)\n"
        "    chat = (await read(state, ChatData)).get('lang')\n"
        "    return data.get('request_id'), data.get('media_askd'), chat\n"
    )
    assert unknown_keys(handler) == [
        "line 3: ChatData has no 'lang'",
        "line 4: IntakeData has no 'media_askd'",
    ]


@pytest.mark.parametrize("path", DIALOGS, ids=lambda p: p.name)
def test_forms_read_only_the_keys_of_their_shape(path: Path) -> None:
    assert unknown_keys(path.read_text(encoding="utf-8")) == []


def _stored(h: Harness, user_id: int) -> FSMContext:
    """The chat's state as the storage holds it, to write what an earlier version of the bot wrote."""
    key = StorageKey(bot_id=h.bot.id, chat_id=user_id, user_id=user_id)
    return FSMContext(storage=h.dispatcher.storage, key=key)


async def _as_an_earlier_deploy_left_it(h: Harness, data: dict[str, Any]) -> None:
    await _stored(h, FARMER).set_data(data)


async def test_a_question_asked_before_a_deploy_is_answered_after_it(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    await h.say(FARMER, "补充一下，叶子背面也有小虫子")
    held = {
        "request_id": request_id,
        "text": "补充一下，叶子背面也有小虫子",
        "attachments": [],
        "saved": None,
    }
    await _as_an_earlier_deploy_left_it(h, {"waiting_held": held})
    sent = await h.press(FARMER, WaitingCb(request_id=request_id, action="add").pack())
    assert texts(sent) == [f"已补充到请求 #{request_id}，审核时会一并看到。"]


async def test_a_draft_half_filled_before_a_deploy_is_finished_after_it(harness: Harness) -> None:
    h = harness
    first = await _at_the_subject_question(h)
    await h.say(FARMER, PIG)  # a new problem, or the answer? the text is held meanwhile
    await _as_an_earlier_deploy_left_it(
        h, {"request_id": first, "held_problem": {"request_id": first, "text": PIG}}
    )
    assert await _stored(h, FARMER).get_state() == IntakeForm.subject.state
    sent = await h.press(FARMER, IntakeCb(request_id=first, action="held_answer").pack())
    assert "可以发几张照片" in texts(sent)[-1]
    async with h.deps.uow() as uow:
        draft = await uow.session.get(ServiceRequest, first)
    assert draft is not None and draft.subject == "猪"
