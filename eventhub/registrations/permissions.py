"""Who may manage the registrations of an event."""

from sqlmodel import Session, select

from eventhub.accounts.service import organisation_ids
from eventhub.models import Event, EventOrganisation, EventRole, StaffRole, StaffUser

MANAGING_ROLES = (EventRole.organiser, EventRole.co_organiser)


def can_manage_event(db: Session, user: StaffUser, event: Event) -> bool:
    """Admins always; organisers and check-in staff for events that one of their
    organisations organises or co-organises."""
    if not user.is_active:
        return False
    if user.role == StaffRole.admin:
        return True
    if user.role not in (StaffRole.organiser, StaffRole.checkin):
        return False
    mine = organisation_ids(db, user)
    if not mine:
        return False
    hit = db.exec(
        select(EventOrganisation.id).where(
            EventOrganisation.event_id == event.id,
            EventOrganisation.role.in_(MANAGING_ROLES),
            EventOrganisation.organisation_id.in_(mine),
        )
    ).first()
    return hit is not None
