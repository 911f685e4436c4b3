"""The conversation of a request: who may write, where a message belongs, and what was said.

Routing is explicit so an expert with many open requests never answers the wrong farmer: a reply to
a message the bot delivered for a request, or a message in that request's forum topic, belongs to
that request; otherwise only a person with exactly one open conversation is routed automatically,
and everyone else is asked to choose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import InstrumentedAttribute

from core import audit
from core.actors import Actor
from core.errors import IllegalTransition, NotPermitted
from storage.enums import ActorKind, MessageKind, RequestStatus
from storage.models import Expert, Farmer, MessageLink, RequestTopic, ServiceRequest, ThreadMessage
from storage.uow import UnitOfWork

TALKING_STATUSES = (RequestStatus.in_service, RequestStatus.completed)


def _open_for(party: InstrumentedAttribute[int | None]) -> Select[int]:
    return (
        select(ServiceRequest.id)
        .where(party == bindparam("person_id"), ServiceRequest.status == RequestStatus.in_service)
        .order_by(ServiceRequest.id.desc())
    )


# Built once: every message a farmer or expert writes asks this, and building the statement anew
# cost as much as running it.
_OPEN_FOR = {
    ActorKind.farmer: _open_for(ServiceRequest.farmer_id),
    ActorKind.expert: _open_for(ServiceRequest.expert_id),
}


async def open_conversations(uow: UnitOfWork, kind: ActorKind, person_id: int) -> list[int]:
    """Ids of the requests where the service is under way, newest first."""
    return list((await uow.session.scalars(_OPEN_FOR[kind], {"person_id": person_id})).all())


@dataclass(frozen=True)
class ConversationLabel:
    request_id: int
    subject: str
    other_party: str  # the farmer's name for the expert, the expert's for the farmer


async def conversation_labels(
    uow: UnitOfWork, kind: ActorKind, request_ids: list[int]
) -> list[ConversationLabel]:
    """What tells open conversations apart, in the order given: several farmers often ask about the
    same crop, so the subject alone does not, and a bare "#12" tells nothing."""
    if kind is ActorKind.expert:
        other = select(Farmer.name).where(Farmer.id == ServiceRequest.farmer_id)
    else:
        other = select(Expert.name).where(Expert.id == ServiceRequest.expert_id)
    rows = await uow.session.execute(
        select(ServiceRequest.id, ServiceRequest.subject, other.scalar_subquery()).where(
            ServiceRequest.id.in_(request_ids)
        )
    )
    found = {rid: ConversationLabel(rid, subject or "", name or "") for rid, subject, name in rows}
    return [found[rid] for rid in request_ids if rid in found]


async def status_for_expert(uow: UnitOfWork, request_id: int, expert_id: int) -> RequestStatus | None:
    """The request's status if `expert_id` is its expert, else None: what an old button of theirs
    (a card already accepted, a service already completed) should be told about."""
    request = await uow.session.get(ServiceRequest, request_id, populate_existing=True)
    if request is None or request.expert_id != expert_id:
        return None
    return request.status


async def request_for_reply(uow: UnitOfWork, chat_id: int, message_id: int) -> int | None:
    return await uow.session.scalar(
        select(MessageLink.request_id).where(
            MessageLink.chat_id == chat_id, MessageLink.message_id == message_id
        )
    )


async def request_for_topic(uow: UnitOfWork, chat_id: int, thread_id: int) -> int | None:
    return await uow.session.scalar(
        select(RequestTopic.request_id).where(
            RequestTopic.chat_id == chat_id, RequestTopic.message_thread_id == thread_id
        )
    )


async def topic_for_request(uow: UnitOfWork, chat_id: int, request_id: int) -> int | None:
    return await uow.session.scalar(
        select(RequestTopic.message_thread_id).where(
            RequestTopic.chat_id == chat_id, RequestTopic.request_id == request_id
        )
    )


async def remember_topic(uow: UnitOfWork, chat_id: int, thread_id: int, request_id: int) -> None:
    uow.session.add(RequestTopic(chat_id=chat_id, message_thread_id=thread_id, request_id=request_id))
    await uow.commit()


async def link_messages(uow: UnitOfWork, chat_id: int, message_ids: list[int], request_id: int) -> None:
    for message_id in message_ids:
        uow.session.add(MessageLink(chat_id=chat_id, message_id=message_id, request_id=request_id))
    await uow.commit()


async def relayed(
    uow: UnitOfWork, message: ThreadMessage, chat_id: int, message_ids: list[int], request_id: int
) -> None:
    """Telegram took `message` (as `message_ids` in `chat_id`): linked and no longer waiting, in one
    commit, so that no state in between has it delivered yet still waiting (it would go twice)."""
    message.relay_pending = False
    await link_messages(uow, chat_id, message_ids, request_id)


async def ensure_party(uow: UnitOfWork, request_id: int, kind: ActorKind, person_id: int) -> ServiceRequest:
    request = await uow.session.get(ServiceRequest, request_id)
    if request is None or not (
        (kind is ActorKind.farmer and request.farmer_id == person_id)
        or (kind is ActorKind.expert and request.expert_id == person_id)
    ):
        raise NotPermitted("this conversation belongs to someone else")
    return request


async def post(
    uow: UnitOfWork,
    request_id: int,
    kind: ActorKind,
    person_id: int,
    *,
    message_kind: MessageKind,
    text: str | None = None,
    file_id: str | None = None,
    screening_verdict: str = "clean",
    telegram_message_id: int | None = None,
) -> tuple[ThreadMessage, ServiceRequest]:
    request = await ensure_party(uow, request_id, kind, person_id)
    if request.status not in TALKING_STATUSES:
        raise IllegalTransition(f"the conversation is closed: the request is {request.status}")
    message = ThreadMessage(
        request_id=request.id,
        sender_kind=kind,
        sender_id=person_id,
        kind=message_kind,
        text=text,
        file_id=file_id,
        screening_verdict=screening_verdict,
        telegram_message_id=telegram_message_id,
        # Waiting for Telegram from the start, committed before anything is sent: a process killed
        # between here and Telegram's answer leaves it to the relay pump of the next start
        # (bot.relay_retry) instead of staying stored as if delivered.
        relay_pending=True,
    )
    uow.session.add(message)
    await uow.commit()
    return message, request


async def revise(
    uow: UnitOfWork,
    kind: ActorKind,
    person_id: int,
    telegram_message_id: int,
    text: str,
    *,
    screening_verdict: str = "clean",
) -> tuple[ThreadMessage, ServiceRequest] | None:
    """The person edited a message of theirs that was relayed in a conversation still open: the
    stored text becomes the new one, the old one goes to the audit log. None when the message was
    not part of a conversation (an edit of anything else is no business of the threads).

    An expert who corrects a dose ("每亩50克" to "每亩5克") must reach the farmer, who otherwise acts
    on the first version.
    """
    sender = ThreadMessage.sender_kind == kind, ThreadMessage.sender_id == person_id
    message = await uow.session.scalar(
        select(ThreadMessage)
        .join(ServiceRequest, ServiceRequest.id == ThreadMessage.request_id)
        .where(*sender, ThreadMessage.telegram_message_id == telegram_message_id)
        .where(ServiceRequest.status.in_(TALKING_STATUSES))
        .order_by(ThreadMessage.id.desc())
        .limit(1)
    )
    if message is None:
        return None
    request = await uow.session.get(ServiceRequest, message.request_id)
    assert request is not None
    await audit.record(
        uow,
        Actor(kind, person_id),
        "thread.edit",
        "thread_message",
        message.id,
        before=message.text,
        after=text,
    )
    message.text, message.screening_verdict = text, screening_verdict
    await uow.commit()
    return message, request


async def conversation(uow: UnitOfWork, request_id: int, limit: int = 20) -> list[ThreadMessage]:
    rows = await uow.session.scalars(
        select(ThreadMessage)
        .where(ThreadMessage.request_id == request_id)
        .order_by(ThreadMessage.id.desc())
        .limit(limit)
    )
    return list(reversed(rows.all()))


# Relaying when Telegram cannot be reached: a message is stored waiting (post), then relayed and
# marked done; one that could not be relayed stays waiting and is relayed again later, oldest first,
# so the other party reads a conversation in the order it was written.


async def waiting_before(uow: UnitOfWork, message: ThreadMessage) -> bool:
    """Whether an earlier message of the same sender in this conversation still waits for Telegram:
    then this one waits too, rather than overtake it."""
    earlier = await uow.session.scalar(
        select(ThreadMessage.id)
        .where(
            ThreadMessage.request_id == message.request_id,
            ThreadMessage.sender_kind == message.sender_kind,
            ThreadMessage.relay_pending.is_(True),
            ThreadMessage.id < message.id,
        )
        .limit(1)
    )
    return earlier is not None


async def set_relay_pending(uow: UnitOfWork, message: ThreadMessage, pending: bool) -> None:
    message.relay_pending = pending
    await uow.commit()


async def still_pending(uow: UnitOfWork, message: ThreadMessage) -> bool:
    """Whether `message` waits for Telegram as committed now (another task may have relayed it since
    it was read)."""
    await uow.session.refresh(message, ["relay_pending"])
    return message.relay_pending


async def pending_relays(uow: UnitOfWork, limit: int = 100) -> list[ThreadMessage]:
    """Messages waiting for Telegram, oldest first."""
    return list(
        (
            await uow.session.scalars(
                select(ThreadMessage)
                .where(ThreadMessage.relay_pending.is_(True))
                .order_by(ThreadMessage.id)
                .limit(limit)
            )
        ).all()
    )


async def sender_name(uow: UnitOfWork, message: ThreadMessage) -> str:
    person: Farmer | Expert | None
    if message.sender_kind is ActorKind.farmer:
        person = await uow.session.get(Farmer, message.sender_id)
    else:
        person = await uow.session.get(Expert, message.sender_id)
    return person.name if person is not None else ""


@dataclass(frozen=True)
class Recipient:
    chat_id: int
    language: str


async def recipient(uow: UnitOfWork, request: ServiceRequest, sender_kind: ActorKind) -> Recipient | None:
    """Whom a message from `sender_kind` about `request` goes to: the other party; None when they
    cannot be reached in Telegram (an expert not bound yet, or no expert on the request)."""
    person: Farmer | Expert | None
    if sender_kind is ActorKind.farmer:
        person = await uow.session.get(Expert, request.expert_id) if request.expert_id is not None else None
    else:
        person = await uow.session.get(Farmer, request.farmer_id)
    if person is None or person.telegram_user_id is None:
        return None
    return Recipient(person.telegram_user_id, person.language)
