"""Enumerations of the domain, stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class ServiceObjectKind(StrEnum):
    household = "household"  # 示范户
    point = "point"  # 示范点
    park = "park"  # 农业科技园区
    unit = "unit"  # 示范单位


class ExpertStatus(StrEnum):
    active = "active"
    suspended = "suspended"
    retired = "retired"


class RequestStatus(StrEnum):
    draft = "draft"
    blocked = "blocked"
    pending_review = "pending_review"
    approved = "approved"
    repick = "repick"  # the invited expert declined or let the invitation expire
    in_service = "in_service"
    completed = "completed"
    settled = "settled"
    rejected = "rejected"
    cancelled = "cancelled"


class ServiceMode(StrEnum):
    online = "online"  # 线上解答
    video = "video"  # 视频解答
    onsite_consult = "onsite_consult"  # 现场咨询
    onsite_training = "onsite_training"  # 现场培训


class OfferStatus(StrEnum):
    """An expert's offer of service to a park (Art. 15(3)); only `offered` is still open."""

    offered = "offered"
    accepted = "accepted"  # a member accepted: the resulting request goes to review
    declined = "declined"
    withdrawn = "withdrawn"  # by the expert
    expired = "expired"  # nobody answered in time


class LedgerKind(StrEnum):
    issue = "issue"
    hold = "hold"
    release = "release"
    capture = "capture"
    expire = "expire"
    adjust = "adjust"


class ActorKind(StrEnum):
    farmer = "farmer"
    expert = "expert"
    admin = "admin"
    system = "system"


class ComplaintStatus(StrEnum):
    open = "open"
    verified = "verified"
    dismissed = "dismissed"


class AdvisoryCategory(StrEnum):
    pest = "pest"  # 病虫害
    disaster = "disaster"  # 灾害
    epidemic = "epidemic"  # 动物疫病


class AdvisoryStatus(StrEnum):
    pending_review = "pending_review"
    approved = "approved"
    rejected = "rejected"
    sent = "sent"


class DeliveryStatus(StrEnum):
    pending = "pending"
    sent = "sent"
    unreachable = "unreachable"  # blocked the bot or gone; not retried


class AdminRole(StrEnum):
    county_reviewer = "county_reviewer"
    county_admin = "county_admin"
    city_institute = "city_institute"
    city_bureau = "city_bureau"

    @property
    def is_county_scoped(self) -> bool:
        return self in (AdminRole.county_reviewer, AdminRole.county_admin)


class MessageKind(StrEnum):
    text = "text"
    photo = "photo"
    voice = "voice"
    document = "document"
    video = "video"
    location = "location"
    video_note = "video_note"  # a round video
    audio = "audio"  # an audio file (a voice note is `voice`)


class TermAction(StrEnum):
    block = "block"
    flag = "flag"
    advise = "advise"
    allow = "allow"
