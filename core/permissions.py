"""What each back-office role may do (PRODUCT.md "Back office"; Art. 4, 5, 14).

County staff act on their own county only (`core.scope`); this table says which acts a role may
perform at all. The HTTP API, the console and the CLI ask the same question here, so a role's rights
are written once. The local operator (a shell on the server, no token) has no role and may do all.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import NotPermitted
from storage.enums import AdminRole


class Permission(StrEnum):
    read_requests = "read_requests"  # the queue, a request's detail, its photos
    review_requests = "review_requests"  # claim, approve, reject, notes, actions on a selection
    release_claims = "release_claims"  # release another reviewer's claim on a request (core.claims)
    review_advisories = "review_advisories"
    read_complaints = "read_complaints"
    resolve_complaints = "resolve_complaints"
    read_audit = "read_audit"
    read_vouchers = "read_vouchers"  # accounts, their ledgers, reconciliation
    issue_vouchers = "issue_vouchers"  # batches of vouchers for a budget year
    adjust_vouchers = "adjust_vouchers"  # an account corrected by hand, with a reason
    expire_vouchers = "expire_vouchers"  # year-end expiry of what was not spent
    read_reimbursements = "read_reimbursements"  # experts' statements (核销)
    reimburse = "reimburse"  # draw up, confirm and mark paid a statement
    read_certification = "read_certification"  # experts, teams, service objects, rosters (Art. 6, 10)
    certify = "certify"  # create, edit, suspend, dismiss, reinstate; rosters and their imports
    read_fees = "read_fees"
    set_fees = "set_fees"  # the city's fee schedule (Art. 15)
    read_terms = "read_terms"
    edit_terms = "edit_terms"  # the screening term lists


_READ = {
    Permission.read_requests,
    Permission.read_complaints,
    Permission.read_certification,
    Permission.read_fees,
    Permission.read_terms,
    Permission.read_vouchers,  # reviewers see a request's voucher, so every role reads accounts
}
_REVIEW = {Permission.review_requests, Permission.review_advisories}
# The county's money: its administrator issues, corrects and closes vouchers and reimburses experts.
_MONEY = {
    Permission.issue_vouchers,
    Permission.adjust_vouchers,
    Permission.expire_vouchers,
    Permission.read_reimbursements,
    Permission.reimburse,
}

ROLE_PERMISSIONS: dict[AdminRole, frozenset[Permission]] = {
    # A county's reviewers work the queue (Art. 14) and the advisories; complaints are judged by the
    # county's administrator, who also reads the county's audit log and certifies the county's
    # experts and service objects (Art. 6(2)).
    AdminRole.county_reviewer: frozenset(_READ | _REVIEW),
    AdminRole.county_admin: frozenset(
        _READ
        | _REVIEW
        | {
            Permission.resolve_complaints,
            Permission.read_audit,
            Permission.release_claims,
            Permission.certify,
        }
        | _MONEY
    ),
    # The city institute supervises every county and may step in (Art. 5); it keeps the term lists
    # and, with the bureau, the fee schedule.
    # An account is corrected by hand only by the county that keeps it (issue 15: county_admin only).
    AdminRole.city_institute: frozenset(Permission) - {Permission.adjust_vouchers},
    # The city bureau sets policy (the fee schedule) and reads reports; it does not review cases
    # itself (Art. 4).
    AdminRole.city_bureau: frozenset(
        _READ | {Permission.read_audit, Permission.set_fees, Permission.read_reimbursements}
    ),
}


def allows(role: AdminRole | None, permission: Permission) -> bool:
    return role is None or permission in ROLE_PERMISSIONS[role]


def ensure_allowed(role: AdminRole | None, permission: Permission) -> None:
    if not allows(role, permission):
        raise NotPermitted(f"the role {role} may not do this ({permission})", permission=str(permission))
