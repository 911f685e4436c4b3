"""All models, imported here so the metadata is complete for Alembic and create_all."""

from storage.models.admin import AdminUser, ApiToken, AuditLog, ProcessedUpdate, ScreeningAttempt
from storage.models.base import Base
from storage.models.content import Advisory, AdvisoryDelivery, TermEntry
from storage.models.invites import InviteCode
from storage.models.offers import ServiceOffer
from storage.models.organisation import (
    County,
    Expert,
    ExpertSpecialty,
    Farmer,
    RosterMember,
    ServiceObject,
    Specialty,
    Team,
    Township,
)
from storage.models.relay import Cursor, MessageLink, RequestTopic
from storage.models.requests import Complaint, Rating, RequestEvent, ServiceRequest, ThreadMessage
from storage.models.vouchers import (
    FeeScheduleEntry,
    LedgerEntry,
    Reimbursement,
    ReimbursementLine,
    ReimbursementStatement,
    VoucherAccount,
    VoucherAllowance,
    VoucherBatch,
)

__all__ = [
    "AdminUser",
    "Advisory",
    "AdvisoryDelivery",
    "ApiToken",
    "AuditLog",
    "Base",
    "Complaint",
    "County",
    "Cursor",
    "Expert",
    "ExpertSpecialty",
    "Farmer",
    "FeeScheduleEntry",
    "InviteCode",
    "LedgerEntry",
    "MessageLink",
    "ProcessedUpdate",
    "Rating",
    "Reimbursement",
    "ReimbursementLine",
    "ReimbursementStatement",
    "RequestEvent",
    "RequestTopic",
    "RosterMember",
    "ScreeningAttempt",
    "ServiceObject",
    "ServiceOffer",
    "ServiceRequest",
    "Specialty",
    "Team",
    "TermEntry",
    "ThreadMessage",
    "Township",
    "VoucherAccount",
    "VoucherAllowance",
    "VoucherBatch",
]
