"""Staff users and API tokens."""

import functools
from collections.abc import Sequence

from sqlmodel import Session, col, select

from eventhub.accounts.security import hash_password, needs_rehash, verify_password
from eventhub.accounts.staff import check_password, check_role, normal_email
from eventhub.core import audit
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    ApiToken,
    Event,
    EventCheckinStaff,
    Organisation,
    StaffRole,
    StaffUser,
    StaffUserOrganisation,
    id_of,
    utcnow,
)
from eventhub.core.tokens import hash_token, new_token

TOKEN_PREFIX = "eh_"


def create_user(
    db: Session,
    *,
    email: str,
    password: str,
    role: str,
    full_name: str | None = None,
    organisations: Sequence[str] = (),
) -> StaffUser:
    """A staff user; organisers are tied to the organisations (slugs) whose events they run."""
    email = normal_email(email)
    check_role(role)
    check_password(password, email)
    if db.exec(select(StaffUser).where(StaffUser.email == email)).first():
        raise Conflict(
            _("Пользователь %(email)s уже есть") % {"email": email}, fields={"email": _("уже зарегистрирован")}
        )
    user = StaffUser(email=email, password_hash=hash_password(password), role=role, full_name=full_name)
    db.add(user)
    db.flush()
    for slug in organisations:
        org = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
        if org is None:
            raise NotFound(
                _("Организация «%(slug)s» не найдена") % {"slug": slug},
                fields={"organisation": _("нет такой организации")},
            )
        db.add(StaffUserOrganisation(user_id=id_of(user), organisation_id=id_of(org)))
    db.flush()
    return user


def authenticate(db: Session, email: str, password: str) -> StaffUser | None:
    user = db.exec(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()
    if user is None or not user.is_active:
        verify_password(_dummy_hash(), password)  # same work whether or not the user exists
        return None
    if not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):  # hashed with older parameters
        user.password_hash = hash_password(password)
        db.flush()
    return user


def create_token(db: Session, user: StaffUser, name: str | None = None) -> tuple[ApiToken, str]:
    """A new API token; the plain value is returned once and never stored."""
    plain = new_token(TOKEN_PREFIX)
    token = ApiToken(user_id=id_of(user), name=name, prefix=plain[:10], token_hash=hash_token(plain))
    db.add(token)
    db.flush()
    return token, plain


def user_for_token(db: Session, plain: str) -> StaffUser | None:
    """The active user owning a live token (lookup by hash: constant work per request)."""
    token = db.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(plain))).first()
    if token is None or token.revoked_at is not None:
        return None
    user = db.get(StaffUser, token.user_id)
    return user if user and user.is_active else None


def list_tokens(db: Session, user: StaffUser) -> list[ApiToken]:
    """A user's tokens, newest first (only prefixes: the tokens themselves are not stored)."""
    return list(db.exec(select(ApiToken).where(ApiToken.user_id == user.id).order_by(col(ApiToken.id).desc())))


def revoke_token(db: Session, token_id: int, user: StaffUser | None = None) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None or (user is not None and token.user_id != user.id):
        raise NotFound(_("Токен не найден"))
    token.revoked_at = token.revoked_at or utcnow()
    db.flush()
    return token


def organisation_ids(db: Session, user: StaffUser) -> set[int]:
    return set(db.exec(select(StaffUserOrganisation.organisation_id).where(StaffUserOrganisation.user_id == user.id)))


# --- check-in staff of an event ---


def checkin_staff(db: Session, event: Event) -> list[StaffUser]:
    """The check-in users given this event (not those who come with their organisation)."""
    return list(
        db.exec(
            select(StaffUser)
            .join(EventCheckinStaff, col(EventCheckinStaff.user_id) == col(StaffUser.id))
            .where(EventCheckinStaff.event_id == event.id)
            .order_by(StaffUser.email)
        )
    )


def give_checkin(db: Session, *, event: Event, email: str, user: StaffUser | None = None) -> StaffUser:
    """Let the check-in user `email` mark arrivals at `event` (again: no change)."""
    email = (email or "").strip().lower()[:254]
    staff = db.exec(
        select(StaffUser).where(
            StaffUser.email == email, StaffUser.role == StaffRole.checkin, col(StaffUser.is_active).is_(True)
        )
    ).first()
    if staff is None:
        raise Invalid(
            _("Сотрудник не добавлен"),
            fields={"email": _("нет активного сотрудника с ролью «регистрация на входе» и таким e-mail")},
        )
    if db.get(EventCheckinStaff, (event.id, staff.id)) is None:
        db.add(EventCheckinStaff(event_id=id_of(event), user_id=id_of(staff)))
        audit.record(
            db, user=user, action="update", entity=staff, changes={"checkin": [None, staff.email]}, event_id=event.id
        )
        db.flush()
    return staff


def take_checkin(db: Session, *, event: Event, user_id: int, user: StaffUser | None = None) -> None:
    """Take `event` back from a check-in user (their organisation's events stay theirs)."""
    row = db.get(EventCheckinStaff, (event.id, user_id)) if 0 < user_id < 2**31 else None
    if row is None:
        raise NotFound(_("Этот сотрудник не работает на этом мероприятии"))
    staff = db.get(StaffUser, user_id)
    assert staff is not None  # the row's foreign key
    db.delete(row)
    audit.record(
        db, user=user, action="update", entity=staff, changes={"checkin": [staff.email, None]}, event_id=event.id
    )
    db.flush()


@functools.cache
def _dummy_hash() -> str:
    """Made on first use, not at import: a worker that never sees a login never pays for it."""
    return hash_password("timing-equaliser")
