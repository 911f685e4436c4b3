"""Writing again while a request waits (issue 17): asked "add to #N?" only when the topics can be the
same, with "new" the first choice; and a photo, with a caption or without, is offered to the waiting
request as a text is."""

from __future__ import annotations

from tests.bot.conftest import FARMER
from tests.bot.harness import Harness, button, buttons, texts
from tests.bot.test_farmer_story import bind_both, describe_and_submit
from tests.bot.test_waiting_request import _requests

SHEEP = "我家羊拉稀不吃草，有30只，已经三天了"


async def _request(h: Harness, request_id: int) -> tuple[str, list[str]]:
    from storage.models import ServiceRequest

    async with h.deps.uow() as uow:
        request = await uow.session.get(ServiceRequest, request_id)
    assert request is not None
    return request.description, list(request.photo_file_ids)


async def test_an_unrelated_problem_is_not_offered_to_the_waiting_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    await describe_and_submit(h, SHEEP)
    count = await _requests(h)
    sent = await h.say(FARMER, "玉米叶子上有红色的斑点，种了50亩")
    assert not any("补充" in label for label, _ in buttons(sent))  # corn is not the sheep's request
    assert texts(sent)[0].startswith("收到，我来帮您整理问题。")
    assert await _requests(h) == count + 1


async def test_the_same_crop_is_asked_about_with_new_first(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)  # 向日葵
    sent = await h.say(FARMER, "葵花叶子背面也有小虫子")
    assert [label for label, _ in buttons(sent)] == ["🆕 这是一个新问题", f"➕ 补充到请求 #{request_id}"]
    sent = await h.say(FARMER, "补充一下，昨天又下了一场雨")  # no crop named: may be the same
    assert [label for label, _ in buttons(sent)] == ["🆕 这是一个新问题", f"➕ 补充到请求 #{request_id}"]


async def test_a_photo_with_a_caption_is_offered_to_the_waiting_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    count = await _requests(h)
    sent = await h.photo(FARMER, "leaf-back", caption="葵花叶子背面也是这样")
    assert f"请求 #{request_id}（向日葵）正在等待审核" in texts(sent)[0]
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("➕")))
    assert texts(sent) == [f"已补充到请求 #{request_id}，审核时会一并看到。"]
    description, photos = await _request(h, request_id)
    assert description.endswith("\n葵花叶子背面也是这样") and photos[-1] == "leaf-back"
    assert await _requests(h) == count


async def test_a_photo_after_submitting_is_offered_too_and_new_keeps_it(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    count = await _requests(h)
    sent = await h.photo(FARMER, "field-1")
    assert f"请求 #{request_id}（向日葵）正在等待审核" in texts(sent)[0]
    assert next(label for label, _ in buttons(sent)) == "🆕 这是一个新问题"
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("🆕")))
    assert await _requests(h) == count + 1
    _, photos = await _request(h, await h.latest_request_id())
    assert photos == ["field-1"]  # the photo went with the new problem
    assert "照片已收到" in "".join(texts(sent))


async def test_a_photo_without_a_caption_joins_the_waiting_request(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    sent = await h.photo(FARMER, "field-2")
    sent = await h.press(FARMER, button(sent, lambda label, _: label.startswith("➕")))
    assert texts(sent) == [f"已补充到请求 #{request_id}，审核时会一并看到。"]
    description, photos = await _request(h, request_id)
    assert photos == ["field-2"] and "\n" not in description


async def test_an_album_after_submitting_is_asked_about_once(harness: Harness) -> None:
    h = harness
    await bind_both(h)
    request_id = await describe_and_submit(h)
    first = await h.photo(FARMER, "album-1", album="g1")
    second = await h.photo(FARMER, "album-2", album="g1")
    assert len(texts(first)) == 1 and texts(second) == []
    sent = await h.press(FARMER, button(first, lambda label, _: label.startswith("➕")))
    assert texts(sent) == [f"已补充到请求 #{request_id}，审核时会一并看到。"]
    _, photos = await _request(h, request_id)
    assert photos == ["album-1", "album-2"]
