"""A participant's new private link (issue 21, item 4): the old link stops working at once,
the new one goes by e-mail to the registration's address (never shown to whoever holds the
old one: a leaked link cannot be turned into a fresh one the owner does not know of).

Links are derived tokens of successive generations (core/tokens.py); the stored hash says
which one is live, and `Site.private_url` finds it again for every later e-mail."""

from datetime import datetime

from sqlmodel import Session

from eventhub.core.errors import Conflict
from eventhub.core.i18n import _
from eventhub.core.models import Event, Registration, RegistrationStatus, id_of
from eventhub.core.tokens import derive_token, hash_token
from eventhub.registrations import resend
from eventhub.registrations.mail import Site, enqueue, registration_subject

CLOSED = (RegistrationStatus.cancelled, RegistrationStatus.declined)


def refuse_if_closed(reg: Registration) -> None:
    """A cancelled or declined registration's link shows it, and changes nothing."""
    if reg.status in CLOSED:
        raise Conflict(_("Регистрация отменена или отклонена: по этой ссылке ничего изменить нельзя"))


def renew_private_link(db: Session, *, reg: Registration, site: Site, now: datetime) -> int:
    """Move the registration to its next link and mail it; returns the outbox message's id."""
    refuse_if_closed(reg)
    if not reg.email:  # registered by phone: a new link would go nowhere and the old one would die
        raise Conflict(
            _(
                "Новую ссылку можно прислать только по электронной почте, а её в регистрации нет; обратитесь к организаторам"
            )
        )
    if not resend.may_resend(db, event_id=reg.event_id, email_normalised=reg.email_normalised, now=now):
        raise Conflict(_("Новую ссылку уже отправляли несколько раз; попробуйте позже"))
    subject = registration_subject(reg.event_id, reg.email_normalised)
    current = site.find_generation("registration", subject, reg.token_hash)
    generation = 0 if current is None else current + 1
    reg.token_hash = hash_token(derive_token(site.secret, "registration", subject, generation))
    db.add(reg)
    db.flush()
    event = db.get_one(Event, reg.event_id)
    message = enqueue(db, kind="new_link", event=event, reg=reg, site=site, now=now)
    return id_of(message)
