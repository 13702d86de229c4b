"""Staff accounts managed by admins (pages under /admin/users) and by each user (own password).

Every change is audited. A change that alters what a user may do or who may act as them
(disabling, role, organisations, password) ends their sessions and revokes their API tokens
(sessions.end_access). The site never loses its last active admin, and nobody disables or
demotes themself."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlmodel import Session, col, func, select

from eventhub.accounts import sessions
from eventhub.accounts.passwords import password_problem
from eventhub.accounts.security import hash_password, verify_password
from eventhub.core import audit
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    Organisation,
    OutboxMessage,
    PasswordReset,
    StaffRole,
    StaffUser,
    StaffUserOrganisation,
    id_of,
)
from eventhub.core.tokens import hash_token, new_token

RESET_VALID = timedelta(hours=24)

ROLE_LABELS = {
    StaffRole.admin: N_("Администратор"),
    StaffRole.organiser: N_("Организатор"),
    StaffRole.press_officer: N_("Пресс-служба"),
    StaffRole.checkin: N_("Регистрация на входе"),
}


def normal_email(value: str) -> str:
    """A staff e-mail as stored (lower case), or Invalid naming the problem."""
    value = (value or "").strip()
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise Invalid(
            _("Неверный адрес электронной почты"),
            fields={"email": _("неверный адрес электронной почты «%(value)s» (пример: name@example.org)")
                    % {"value": value[:80]}},
        ) from None  # fmt: skip


def check_role(role: str) -> StaffRole:
    if role not in StaffRole.__members__.values():
        raise Invalid(
            _("Неизвестная роль «%(role)s»") % {"role": role[:40]},
            fields={"role": _("допустимые роли: %(roles)s") % {"roles": ", ".join(StaffRole)}},
        )
    return StaffRole(role)


def check_password(password: str, email: str | None = None) -> None:
    problem = password_problem(password, email)
    if problem is not None:
        raise Invalid(_("Пароль не подходит"), fields={"password": problem})


def set_organisations(db: Session, user: StaffUser, organisation_ids: Sequence[int]) -> list[int]:
    """Tie `user` to exactly these organisations; returns the ids before."""
    before = sorted(
        db.exec(select(StaffUserOrganisation.organisation_id).where(StaffUserOrganisation.user_id == user.id))
    )
    wanted = sorted(set(organisation_ids))
    known: set[int] = (
        {i for i in db.exec(select(Organisation.id).where(col(Organisation.id).in_(wanted))) if i} if wanted else set()
    )
    if set(wanted) - known:
        raise Invalid(_("Организация не найдена"), fields={"organisations": _("нет такой организации")})
    for row in db.exec(select(StaffUserOrganisation).where(StaffUserOrganisation.user_id == user.id)):
        if row.organisation_id not in known:
            db.delete(row)
    for org_id in sorted(known - set(before)):
        db.add(StaffUserOrganisation(user_id=id_of(user), organisation_id=org_id))
    db.flush()
    return before


def active_admins(db: Session) -> int:
    query = select(func.count()).where(StaffUser.role == StaffRole.admin, col(StaffUser.is_active).is_(True))
    return int(db.exec(query).one())


def update_user(
    db: Session,
    target: StaffUser,
    *,
    actor: StaffUser,
    now: datetime,
    full_name: str | None,
    role: str,
    organisation_ids: Sequence[int],
    is_active: bool,
) -> dict[str, list[object]]:
    """An admin changes a staff account; returns the audited changes."""
    new_role = check_role(role)
    losing_admin = (
        target.role == StaffRole.admin and target.is_active and (new_role != StaffRole.admin or not is_active)
    )
    if target.id == actor.id and (not is_active or new_role != target.role):
        raise Invalid(
            _("Свою роль и доступ менять нельзя"),
            fields={"__all__": _("Нельзя отключить себя или сменить свою роль: попросите другого администратора")},
        )
    if losing_admin and active_admins(db) <= 1:
        raise Conflict(
            _("Это последний администратор"),
            fields={"__all__": _("Сайт не может остаться без администратора: сначала назначьте другого")},
        )
    changes: dict[str, list[object]] = {}
    for field, value in (("full_name", full_name or None), ("role", str(new_role)), ("is_active", is_active)):
        if getattr(target, field) != value:
            changes[field] = [getattr(target, field), value]
            setattr(target, field, value)
    before = set_organisations(db, target, organisation_ids)
    after = sorted(set(organisation_ids))
    if before != after:
        changes["organisations"] = [before, after]
    if changes:
        target.updated_at = now
        audit.record(db, user=actor, action="update", entity=target, changes=changes)
    if {"role", "is_active", "organisations"} & changes.keys():
        sessions.end_access(db, target, now=now)
    db.flush()
    return changes


def change_password(
    db: Session, user: StaffUser, *, current: str, new: str, now: datetime, keep_session: int | None
) -> None:
    """A user changes their own password: the current one is asked; their other sessions
    and their API tokens end (this one stays signed in)."""
    if not verify_password(user.password_hash, current):
        raise Invalid(_("Пароль не изменён"), fields={"current": _("неверный текущий пароль")})
    check_password(new, user.email)
    _set_password(db, user, new, now=now, actor=user, keep=keep_session)


def _set_password(
    db: Session, user: StaffUser, password: str, *, now: datetime, actor: StaffUser | None, keep: int | None = None
) -> None:
    user.password_hash = hash_password(password)
    user.updated_at = now
    audit.record(db, user=actor, action="update", entity=user, changes={"password": ["…", "…"]})
    sessions.end_access(db, user, now=now, keep=keep)


def start_reset(db: Session, target: StaffUser, *, actor: StaffUser, now: datetime, base_url: str) -> OutboxMessage:
    """An admin resets a password: the old one stops working at once (sessions and tokens
    end too) and a one-time link, valid for a day, goes to the user's address."""
    plain = new_token()
    db.add(
        PasswordReset(user_id=id_of(target), token_hash=hash_token(plain), created_at=now, expires_at=now + RESET_VALID)
    )
    target.password_hash = hash_password(new_token())  # nobody knows it: only the link opens the account
    target.updated_at = now
    sessions.end_access(db, target, now=now)
    audit.record(db, user=actor, action="update", entity=target, changes={"password": ["…", _("ссылка для сброса")]})
    link = f"{base_url}/admin/password/reset/{plain}"
    text = _(
        "Здравствуйте!\n\nАдминистратор сбросил пароль вашей учётной записи %(email)s. Чтобы задать новый "
        "пароль, откройте ссылку (она действует 24 часа и только один раз):\n\n%(link)s\n\n"
        "Если вы не ждали этого письма, сообщите администратору."
    ) % {"email": target.email, "link": link}
    message = OutboxMessage(
        to_address=target.email, subject=_("Новый пароль для входа"), body_text=text, kind="password_reset"
    )
    db.add(message)
    db.flush()
    return message


def reset_for(db: Session, plain: str, *, now: datetime) -> PasswordReset:
    """The live reset behind a link; anything else is a 404 that says the link is used or old."""
    row = None
    if plain and len(plain) <= 100:
        row = db.exec(select(PasswordReset).where(PasswordReset.token_hash == hash_token(plain))).first()
    if row is None or row.used_at is not None or now >= row.expires_at:
        raise NotFound(_("Ссылка для смены пароля недействительна, уже использована или устарела"))
    return row


def finish_reset(db: Session, plain: str, password: str, *, now: datetime) -> StaffUser:
    row = reset_for(db, plain, now=now)
    user = db.get(StaffUser, row.user_id)
    if user is None or not user.is_active:
        raise NotFound(_("Ссылка для смены пароля недействительна, уже использована или устарела"))
    check_password(password, user.email)
    row.used_at = now
    _set_password(db, user, password, now=now, actor=None)
    db.flush()
    return user


def users(db: Session) -> list[StaffUser]:
    return list(db.exec(select(StaffUser).order_by(col(StaffUser.is_active).desc(), col(StaffUser.email))))


def user_or_404(db: Session, user_id: int) -> StaffUser:
    user = db.get(StaffUser, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise NotFound(_("Сотрудник не найден"))
    return user
