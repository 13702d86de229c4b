"""The optional second factor of staff accounts: TOTP (RFC 6238, pyotp), 6 digits, 30 s.

Set up from one's own account page (the secret is shown once, as a QR code and as text, and
kept only when a first code proves the authenticator has it). With it, login asks for a
code after the password. `Settings.admin_totp_required` makes it compulsory for admins:
until they set it up, every admin page sends them to their account page."""

from datetime import datetime

import pyotp
import segno
from sqlmodel import Session

from eventhub.core import audit
from eventhub.core.errors import Invalid
from eventhub.core.i18n import _
from eventhub.core.models import StaffUser


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_data_uri(uri: str) -> str:
    """The otpauth address as a PNG data URI (the CSP allows data: images, no external service)."""
    return str(segno.make(uri).png_data_uri(scale=4))


def verify(secret: str | None, code: str, now: datetime) -> bool:
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    if not secret or len(code) != 6:
        return False
    return bool(pyotp.TOTP(secret).verify(code, for_time=now, valid_window=1))


def enable(db: Session, user: StaffUser, *, secret: str, code: str, now: datetime) -> None:
    if not verify(secret, code, now):
        raise Invalid(_("Код не подошёл"), fields={"code": _("введите шесть цифр из приложения-аутентификатора")})
    user.totp_secret = secret
    audit.record(db, user=user, action="update", entity=user, changes={"totp": [False, True]})
    db.flush()


def disable(db: Session, user: StaffUser, *, code: str, now: datetime, required: bool) -> None:
    if required and user.role == "admin":
        raise Invalid(_("Второй фактор обязателен для администраторов"), fields={"code": _("его нельзя отключить")})
    if not verify(user.totp_secret, code, now):
        raise Invalid(_("Код не подошёл"), fields={"code": _("введите шесть цифр из приложения-аутентификатора")})
    user.totp_secret = None
    audit.record(db, user=user, action="update", entity=user, changes={"totp": [True, False]})
    db.flush()
