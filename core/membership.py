"""Whether a bound farmer still belongs to the service object they bound to (Art. 10).

Binding checks the roster once, when the account is bound (core.binding). The county adjusts its
list afterwards (Art. 10(3)): a household is taken off, a farmer is taken off a roster. A farmer
bound by the mobile on a roster is that object's farmer while the mobile is on its roster, and any
farmer while the object is on the list; otherwise a new request is refused before anything is held
on the object's vouchers. What is already under way (held, in service) runs its course.
"""

from __future__ import annotations

from sqlalchemy import select

from core.errors import NotPermitted
from storage.models import Farmer, RosterMember, ServiceObject
from storage.uow import UnitOfWork


class NoLongerMember(NotPermitted):
    """The farmer's service object is off the county's list, or their mobile off its roster."""

    code = "no_longer_member"


async def ensure_still_member(uow: UnitOfWork, farmer_id: int) -> None:
    farmer = await uow.session.get(Farmer, farmer_id)
    if farmer is None:
        return  # the caller's own check answers for a farmer who does not exist
    found = await uow.session.get(ServiceObject, farmer.service_object_id)
    if found is not None and not found.certified:
        raise NoLongerMember(
            f"Art. 10(3): service object {found.id} is no longer on the county's list", reason="not_certified"
        )
    if farmer.phone is None:
        return  # bound by a staff-issued code: a member by the county's word, not by a roster line
    on_roster = await uow.session.scalar(
        select(RosterMember.id).where(
            RosterMember.service_object_id == farmer.service_object_id, RosterMember.phone == farmer.phone
        )
    )
    if on_roster is None:
        raise NoLongerMember(
            f"Art. 10(3): {farmer.phone} is no longer on service object {farmer.service_object_id}'s roster",
            reason="off_roster",
        )
