"""Advisories (Art. 8(2)): experts publish pest, disaster and epidemic warnings; county staff review
them; approved ones go to the farmers of that county who receive advisories, for their industries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from core import audit
from core.errors import IllegalTransition, InvalidInput, NotFound, does_not_exist, within_limit
from core.permissions import Permission
from core.scope import Staff
from storage.enums import AdvisoryCategory, AdvisoryStatus, DeliveryStatus
from storage.models import Advisory, AdvisoryDelivery, County, Expert, Farmer, ServiceObject
from storage.types import utcnow
from storage.uow import UnitOfWork

MAX_BODY = 2000
MAX_REASON = 500
MAX_SUBJECT = 20  # a crop or animal name; anything longer is a sentence typed at the wrong question
MAX_SUBJECTS = 20
PENDING = {"status": str(AdvisoryStatus.pending_review)}  # the only state a review decides from


def parse_subjects(text: str) -> list[str]:
    """The crops or animals an expert lists (commas of either width or 、 between them), or
    InvalidInput naming the first that cannot be one."""
    subjects = [s.strip() for s in text.replace("，", ",").replace("、", ",").split(",") if s.strip()]
    for subject in subjects:
        if len(subject) > MAX_SUBJECT:
            raise InvalidInput(
                f"a crop or animal is named in at most {MAX_SUBJECT} characters",
                field="subjects",
                subject=subject,
                limit=MAX_SUBJECT,
            )
    return subjects[:MAX_SUBJECTS]


def check_body(body: str) -> str:
    """The body as it will be stored, or InvalidInput. The bot checks it as soon as the expert writes
    it, so a too-long text is shortened there and then, not found out after the other questions."""
    body = body.strip()
    if not body:
        raise InvalidInput("the advisory is empty")
    return within_limit(body, MAX_BODY, field="body", what="an advisory")


async def submit_advisory(
    uow: UnitOfWork,
    expert_id: int,
    *,
    category: AdvisoryCategory,
    body: str,
    target_subjects: list[str],
    screening: dict[str, Any] | None = None,
) -> Advisory:
    """`screening`: what screening flagged in the body and subjects as the expert wrote them (kept for
    the reviewer, core.advisory_review)."""
    expert = await uow.session.get(Expert, expert_id)
    if expert is None:
        raise NotFound("expert not found")
    body = check_body(body)
    advisory = Advisory(
        expert_id=expert.id,
        county_id=expert.county_id,
        category=category,
        title=body.splitlines()[0][:60],
        body=body,
        target_subjects=target_subjects,
        screening=screening,
    )
    uow.session.add(advisory)
    await uow.commit()
    return advisory


@dataclass(frozen=True)
class QueuedAdvisory:
    id: int
    county: str
    expert: str
    category: AdvisoryCategory
    body: str
    target_subjects: list[str]
    submitted_at: datetime
    recipients: int  # farmers it would reach if approved now


async def pending_advisories(uow: UnitOfWork, staff: Staff) -> list[QueuedAdvisory]:
    """Advisories waiting for review in the staff's scope, oldest first."""
    query = (
        select(Advisory, County.name, Expert.name)
        .join(County, County.id == Advisory.county_id)
        .join(Expert, Expert.id == Advisory.expert_id)
        .where(Advisory.status == AdvisoryStatus.pending_review)
        .order_by(Advisory.created_at, Advisory.id)
    )
    if staff.county_id is not None:
        query = query.where(Advisory.county_id == staff.county_id)
    queue = []
    for advisory, county, expert in (await uow.session.execute(query)).all():
        reach = len(await recipients(uow, advisory))
        queue.append(
            QueuedAdvisory(
                advisory.id,
                county,
                expert,
                advisory.category,
                advisory.body,
                list(advisory.target_subjects),
                advisory.created_at,
                reach,
            )
        )
    return queue


def concerns(industries: list[str], subjects: list[str]) -> bool:
    """Whether an advisory for ``subjects`` concerns a service object working in ``industries``.

    No subjects: the whole county. Names match when one holds the other (羊 concerns 肉羊, 奶牛场
    concerns 奶牛), since experts and service objects name the same animal or crop more or less closely."""
    if not subjects:
        return True
    return any(s in i or i in s for s in subjects for i in industries if s and i)


async def recipients(uow: UnitOfWork, advisory: Advisory) -> list[Farmer]:
    """The county's farmers who receive advisories and whose service object the advisory concerns."""
    rows = (
        await uow.session.execute(
            select(Farmer, ServiceObject.main_industries)
            .join(ServiceObject, ServiceObject.id == Farmer.service_object_id)
            .where(Farmer.county_id == advisory.county_id, Farmer.advisories_enabled.is_(True))
            .order_by(Farmer.id)
        )
    ).all()
    return [
        farmer for farmer, industries in rows if concerns(list(industries or ()), advisory.target_subjects)
    ]


async def _pending(uow: UnitOfWork, advisory_id: int, staff: Staff) -> Advisory:
    staff.ensure(Permission.review_advisories)
    advisory = await uow.session.get(Advisory, advisory_id, with_for_update=True)
    if advisory is None:
        raise NotFound(does_not_exist("advisory", advisory_id))
    staff.ensure_county(advisory.county_id, what="advisory", object_id=advisory_id)
    if advisory.status is not AdvisoryStatus.pending_review:
        raise IllegalTransition(
            f"advisory #{advisory_id} was already reviewed ({advisory.status.value})",
            status=advisory.status.value,
        )
    return advisory


async def approve_advisory(
    uow: UnitOfWork, advisory_id: int, staff: Staff, *, via: str, now: datetime | None = None
) -> tuple[Advisory, int]:
    """Approve; every farmer it concerns gets a delivery row now. Returns the advisory and how many."""
    now = now or utcnow()
    advisory = await _pending(uow, advisory_id, staff)
    advisory.status = AdvisoryStatus.approved
    advisory.reviewed_by = staff.admin_id
    advisory.reviewed_at = now
    farmers = await recipients(uow, advisory)
    uow.session.add_all(AdvisoryDelivery(advisory_id=advisory.id, farmer_id=f.id) for f in farmers)
    if not farmers:
        advisory.status = AdvisoryStatus.sent  # nobody to reach: done
    await audit.record(
        uow,
        staff.actor,
        "advisory.approve",
        "advisory",
        advisory.id,
        before=PENDING,
        after={"status": str(advisory.status)},
        via=via,
        recipients=len(farmers),
    )
    await uow.commit()
    return advisory, len(farmers)


async def reject_advisory(
    uow: UnitOfWork, advisory_id: int, staff: Staff, *, reason: str, via: str, now: datetime | None = None
) -> Advisory:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a rejection needs a reason the expert can act on")
    within_limit(reason, MAX_REASON, field="reason", what="the reason")
    advisory = await _pending(uow, advisory_id, staff)
    advisory.status = AdvisoryStatus.rejected
    advisory.reason = reason
    advisory.reviewed_by = staff.admin_id
    advisory.reviewed_at = now or utcnow()
    await audit.record(
        uow,
        staff.actor,
        "advisory.reject",
        "advisory",
        advisory.id,
        before=PENDING,
        after={"status": str(advisory.status)},
        via=via,
        reason=reason,
    )
    await uow.commit()
    return advisory


async def outcomes_to_tell(uow: UnitOfWork, limit: int) -> list[Advisory]:
    """Reviewed advisories whose expert has not been told the outcome yet."""
    return list(
        (
            await uow.session.scalars(
                select(Advisory)
                .where(Advisory.reviewed_at.is_not(None), Advisory.expert_told_at.is_(None))
                .order_by(Advisory.id)
                .limit(limit)
            )
        ).all()
    )


async def mark_expert_told(uow: UnitOfWork, advisory: Advisory, now: datetime) -> None:
    advisory.expert_told_at = now
    await uow.commit()


async def copies(uow: UnitOfWork, advisory_id: int) -> int:
    """How many farmers an approved advisory goes to."""
    count = await uow.session.scalar(
        select(func.count()).select_from(AdvisoryDelivery).where(AdvisoryDelivery.advisory_id == advisory_id)
    )
    return int(count or 0)


async def due_deliveries(uow: UnitOfWork, limit: int) -> list[tuple[AdvisoryDelivery, Advisory, Farmer]]:
    """Copies not sent yet, oldest advisory first."""
    rows = await uow.session.execute(
        select(AdvisoryDelivery, Advisory, Farmer)
        .join(Advisory, Advisory.id == AdvisoryDelivery.advisory_id)
        .join(Farmer, Farmer.id == AdvisoryDelivery.farmer_id)
        .where(AdvisoryDelivery.status == DeliveryStatus.pending)
        .order_by(AdvisoryDelivery.id)
        .limit(limit)
    )
    return [(delivery, advisory, farmer) for delivery, advisory, farmer in rows.all()]


async def record_delivery(
    uow: UnitOfWork, delivery: AdvisoryDelivery, *, reached: bool, now: datetime
) -> None:
    delivery.status = DeliveryStatus.sent if reached else DeliveryStatus.unreachable
    delivery.sent_at = now if reached else None
    await uow.commit()


async def finish_sent(uow: UnitOfWork) -> None:
    """Approved advisories none of whose copies is pending any more are ``sent`` (one statement a
    round, not a count after every copy)."""
    pending = select(AdvisoryDelivery.id).where(
        AdvisoryDelivery.advisory_id == Advisory.id, AdvisoryDelivery.status == DeliveryStatus.pending
    )
    await uow.session.execute(
        update(Advisory)
        .where(Advisory.status == AdvisoryStatus.approved, ~pending.exists())
        .values(status=AdvisoryStatus.sent)
    )
    await uow.commit()
