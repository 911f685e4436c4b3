"""The demo's review queue: requests waiting for review in 临河区 and 五原县, so a reviewer trying the
back office on a fresh demo has something to list, open and decide.

Each comes from a roster member of the demo seed, bound with the Telegram id the terminal shell gives
that person (bot.terminal.personas: 10000 + their number in `/who`), so `/as farmer N` in the shell
is the farmer whose request the reviewer decides, and the bot's notices reach that persona's chat. The
people of the README's story (王二牛, 李园长) are left unbound. They go through the farmer's own use
cases (draft, submit): the voucher is held and the review deadline set as for any farmer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from core import requests
from storage.enums import ServiceMode
from storage.models import Expert, Farmer, RosterMember, ServiceObject
from storage.types import utcnow
from storage.uow import UnitOfWork

PERSONA_ID_BASE = 10000  # bot.terminal.personas.FARMER_ID_BASE; a test holds the two together


@dataclass(frozen=True)
class DemoRequest:
    farmer: str  # a roster member of core/seed/demo.yaml
    persona: int  # their number among the shell's farmers
    expert: str
    text: str
    specialty: str
    subject: str
    mode: ServiceMode
    photos: int
    # The term the built-in screener finds in `text`, its category and action (a test checks the
    # screener still says so), or None for a clean text.
    screened: tuple[str, str, str] | None
    # Waiting times that differ; within a day, for the demo's fee schedule starts a day before the seed.
    submitted_ago: timedelta


QUEUE = (
    DemoRequest(
        "王秀兰", 2, "王建国", "向日葵叶片发黄有黑斑，想用百草枯除草会不会伤苗，种了三十亩",
        "plant_protection", "向日葵", ServiceMode.online, 2, ("百草枯", "banned_pesticide", "advise"),
        timedelta(hours=20),
    ),
    DemoRequest(
        "赵红梅", 3, "李秀英", "大棚番茄叶子卷曲发黄，还想问问征地补偿的事，三亩地",
        "horticulture", "番茄", ServiceMode.video, 1, ("征地补偿", "sensitive", "flag"),
        timedelta(hours=6),
    ),
    DemoRequest(
        "孙福贵", 5, "刘海燕", "羊群这几天咳嗽流鼻涕，有两只不吃草，养了一百二十只",
        "veterinary", "羊", ServiceMode.onsite_consult, 0, None, timedelta(minutes=20),
    ),
    DemoRequest(
        "刘满仓", 8, "马振华", "葵花盘子上有虫子，花盘被咬了不少，种了五十亩",
        "plant_protection", "向日葵", ServiceMode.online, 2, None, timedelta(hours=3),
    ),
    DemoRequest(
        "韩金花", 9, "高翠兰", "奶牛产后不吃料，体温高，养了四十头",
        "veterinary", "奶牛", ServiceMode.video, 1, None, timedelta(hours=1),
    ),
)  # fmt: skip


def demo_photo_id(persona: int, n: int) -> str:
    """Shaped like the shell's own photo ids (bot.terminal.updates.fake_file_id)."""
    return f"term-photo-demo{persona}{n}"


def _screening(item: DemoRequest) -> dict[str, object]:
    if item.screened is None:
        return {"verdict": "clean", "hits": []}
    term, category, action = item.screened
    start = item.text.index(term)
    hit = {"term": term, "category": category, "action": action, "start": start, "end": start + len(term)}
    return {"verdict": action, "hits": [hit]}


async def _bound_farmer(uow: UnitOfWork, item: DemoRequest) -> int:
    member = await uow.session.scalar(select(RosterMember).where(RosterMember.name == item.farmer))
    assert member is not None, f"{item.farmer} is not on the demo seed's rosters"
    service_object = await uow.session.get(ServiceObject, member.service_object_id)
    assert service_object is not None
    farmer = Farmer(
        telegram_user_id=PERSONA_ID_BASE + item.persona,
        name=member.name,
        phone=member.phone,
        service_object_id=service_object.id,
        county_id=service_object.county_id,
    )
    uow.session.add(farmer)
    await uow.commit()
    return farmer.id


async def seed_demo_queue(uow: UnitOfWork, *, now: datetime | None = None) -> int:
    """The demo's pending requests (after `seed_demo`, on a database it has just seeded); how many."""
    now = now or utcnow()
    for item in QUEUE:
        farmer_id = await _bound_farmer(uow, item)
        draft = await requests.create_draft(
            uow,
            farmer_id,
            description=item.text,
            specialty_code=item.specialty,
            subject=item.subject,
            photo_file_ids=[demo_photo_id(item.persona, n) for n in range(1, item.photos + 1)],
            screening=_screening(item),
        )
        expert_id = await uow.session.scalar(select(Expert.id).where(Expert.name == item.expert))
        assert expert_id is not None, f"{item.expert} is not in the demo seed's teams"
        await requests.submit(
            uow, draft.id, farmer_id, expert_id=expert_id, mode=item.mode, now=now - item.submitted_ago
        )
    return len(QUEUE)
