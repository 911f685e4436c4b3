"""The shapes of one request as a reviewer reads it, of a note, and of a decision on a selection."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from admin_api.endpoints import ID_MAX
from core.request_detail import Claim, ExpertSummary, Message, Note, RequestDetail, ScreeningMark
from core.review import MAX_REASON
from core.review_notes import MAX_NOTE
from core.selection import MAX_SELECTION
from storage.enums import ActorKind, MessageKind, RequestStatus, ServiceMode, ServiceObjectKind
from storage.models import RequestEvent

PHOTO_PATH = "/api/v1/requests/{id}/photos/{n}"


class ScreeningHit(BaseModel):
    term: str = Field(description="the listed term")
    category: str | None
    action: str | None = Field(description="what the term does: advise, flag or block")
    start: int | None = Field(description="where the hit starts in `text`, in Unicode code points")
    end: int | None = Field(description="where it ends (exclusive); null when not placed in the text")
    matched: str | None = Field(description="text[start:end], as the farmer wrote it")

    @classmethod
    def of(cls, mark: ScreeningMark) -> Self:
        return cls(**mark.__dict__)


class Screening(BaseModel):
    verdict: str | None = Field(description="clean, advise or flag, as screening judged the text")
    hits: list[ScreeningHit]


class Scale(BaseModel):
    quantity: float | None = Field(description="for counting: exact, or the lower bound of an estimate")
    unit: str | None
    words: str | None = Field(description="the farmer's own words, e.g. 十几只")


class Reading(BaseModel):
    """What the NLU read from the farmer's text (and the farmer confirmed or set in the form)."""

    specialty_code: str | None
    specialty: str | None = Field(description="the specialty's Chinese name")
    subject: str | None = Field(description="the crop or animal")
    symptoms: str | None
    growth_stage: str | None
    scale: Scale


class ExpertOut(BaseModel):
    id: int
    name: str
    title: str
    organisation: str
    open_requests: int = Field(description="requests approved or in service with this expert now")
    rating_mean: float | None = Field(description="the mean of the farmers' stars; null: none yet")
    rating_count: int

    @classmethod
    def of(cls, expert: ExpertSummary) -> Self:
        return cls(**expert.__dict__)


class Voucher(BaseModel):
    budget_year: int
    available_fen: int
    held_fen: int


class ServiceObjectOut(BaseModel):
    id: int
    name: str
    kind: ServiceObjectKind
    township: str | None
    voucher: Voucher | None = Field(description="this budget year's balance; null: none issued")


class Service(BaseModel):
    mode: ServiceMode | None = Field(description="the mode the farmer chose")
    fee_fen: int | None = Field(description="held on the voucher at submission, in fen")
    delivered_mode: ServiceMode | None
    offer_id: int | None = Field(description="set when the request comes from an expert's offer")


class Photos(BaseModel):
    count: int
    urls: list[str] = Field(description="each photo through this API, in the order sent")
    other_attachments: dict[str, int] = Field(description="voice notes and videos, by kind")


class Event(BaseModel):
    at: datetime
    action: str
    from_status: RequestStatus | None
    to_status: RequestStatus
    actor_kind: ActorKind
    actor_id: int | None
    reason: str | None

    @classmethod
    def of(cls, event: RequestEvent) -> Self:
        return cls(
            at=event.at,
            action=event.action,
            from_status=event.from_status,
            to_status=event.to_status,
            actor_kind=event.actor_kind,
            actor_id=event.actor_id,
            reason=event.reason,
        )


class ThreadMessageOut(BaseModel):
    id: int
    at: datetime
    sender_kind: ActorKind
    sender_id: int
    sender: str | None
    kind: MessageKind
    text: str | None

    @classmethod
    def of(cls, message: Message) -> Self:
        return cls(**message.__dict__)


class NoteOut(BaseModel):
    id: int
    at: datetime
    admin_id: int | None
    admin_name: str | None
    text: str

    @classmethod
    def of(cls, note: Note) -> Self:
        return cls(**note.__dict__)


class ClaimOut(BaseModel):
    admin_id: int
    admin_name: str
    claimed_at: datetime
    expires_at: datetime
    active: bool = Field(description="false once the claim lapsed")

    @classmethod
    def of(cls, claim: Claim) -> Self:
        return cls(**claim.__dict__)


class RequestOut(BaseModel):
    id: int
    status: RequestStatus
    county: str
    farmer: str
    text: str = Field(description="the farmer's description as stored; screening offsets index it")
    screening: Screening
    reading: Reading
    place: str | None
    latitude: float | None
    longitude: float | None
    expert: ExpertOut | None = Field(description="the expert the farmer invites")
    service_object: ServiceObjectOut
    service: Service
    photos: Photos
    submitted_at: datetime | None
    review_expected_at: datetime | None
    invitation_expires_at: datetime | None
    timeline: list[Event]
    thread: list[ThreadMessageOut] = Field(description="the conversation, once there is one (newest 200)")
    notes: list[NoteOut] = Field(description="reviewers' notes: never shown to the farmer or the expert")
    claim: ClaimOut | None

    @classmethod
    def of(cls, detail: RequestDetail) -> Self:
        request = detail.request
        photos = len(detail.photo_ids)
        obj = detail.service_object
        return cls(
            id=request.id,
            status=request.status,
            county=detail.county,
            farmer=detail.farmer,
            text=request.description,
            screening=Screening(
                verdict=detail.screening_verdict, hits=[ScreeningHit.of(m) for m in detail.marks]
            ),
            reading=Reading(
                specialty_code=request.specialty_code,
                specialty=detail.specialty_name,
                subject=request.subject,
                symptoms=request.symptoms,
                growth_stage=request.growth_stage,
                scale=Scale(
                    quantity=request.scale_quantity, unit=request.scale_unit, words=request.scale_words
                ),
            ),
            place=request.place,
            latitude=request.latitude,
            longitude=request.longitude,
            expert=ExpertOut.of(detail.expert) if detail.expert else None,
            service_object=ServiceObjectOut(
                id=obj.id,
                name=obj.name,
                kind=obj.kind,
                township=obj.township,
                voucher=Voucher(**obj.voucher.__dict__) if obj.voucher else None,
            ),
            service=Service(
                mode=request.service_mode,
                fee_fen=request.fee_fen,
                delivered_mode=request.delivered_mode,
                offer_id=detail.offer_id,
            ),
            photos=Photos(
                count=photos,
                urls=[PHOTO_PATH.format(id=request.id, n=n) for n in range(1, photos + 1)],
                other_attachments=detail.other_attachments,
            ),
            submitted_at=request.submitted_at,
            review_expected_at=request.review_expected_at,
            invitation_expires_at=request.invitation_expires_at,
            timeline=[Event.of(e) for e in detail.events],
            thread=[ThreadMessageOut.of(m) for m in detail.thread],
            notes=[NoteOut.of(n) for n in detail.notes],
            claim=ClaimOut.of(detail.claim) if detail.claim else None,
        )


class NoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_NOTE, description="for the reviewers only")


class SelectionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["approve", "reject"]
    ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] = Field(
        min_length=1, max_length=MAX_SELECTION, description="each request once"
    )
    reason: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_REASON,
        description="required to reject; the farmer reads it",
    )

    @model_validator(mode="after")
    def _checked(self) -> Self:
        if len(set(self.ids)) != len(self.ids):
            raise ValueError("each request appears once in ids")
        if self.action == "reject" and not (self.reason and self.reason.strip()):
            raise ValueError("a rejection needs a reason the farmer can act on")
        return self


class Refusal(BaseModel):
    status: int = Field(description="the HTTP status this request alone would have been answered")
    code: str
    detail: str
    current_status: RequestStatus | None = Field(description="the request's state when it was the obstacle")


class SelectionItem(BaseModel):
    id: int
    ok: bool
    status: RequestStatus | None = Field(description="the request's status after the decision")
    problem: Refusal | None


class SelectionOut(BaseModel):
    action: Literal["approve", "reject"]
    succeeded: int
    failed: int
    results: list[SelectionItem] = Field(description="one per id, in the order sent")
