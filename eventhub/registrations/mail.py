"""E-mails about a registration, written to the outbox in the caller's transaction.

Bodies are Jinja text templates (templates/registrations/mail/<kind>.txt); the HTML part
is made from the text (paragraphs, links) plus the check-in QR code where there is one."""

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import formataddr, parseaddr
from typing import Any, Protocol
from urllib.parse import urlparse

import jinja2
from markupsafe import escape
from sqlmodel import Session

from eventhub import ROOT, __version__
from eventhub.core import i18n
from eventhub.core.config import Settings
from eventhub.core.i18n import N_, _
from eventhub.core.models import Event, OutboxMessage, OutboxStatus, Registration, id_of, utcnow
from eventhub.core.outbox import CLAIM_FOR
from eventhub.core.tokens import derive_token, find_token, hash_token, same
from eventhub.feeds.ical import render_invitation
from eventhub.registrations import labels
from eventhub.templating import env as page_env

CONFIRMING = ("confirmed", "approved", "promoted")


CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SIGNATURE_CHARS = 6
LOOK_ALIKE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def crockford(number: int, width: int = 1) -> str:
    out = ""
    while number or not out:
        number, digit = divmod(number, 32)
        out = CROCKFORD[digit] + out
    return out.rjust(width, "0")


def crockford_code(reg_id: int, signature: str) -> str:
    return f"{crockford(reg_id)}-{signature}"


def read_crockford(text: str) -> tuple[int, str] | None:
    """(registration id, signature) of a typed or scanned code, or None if it is not one."""
    cleaned = "".join(c for c in text.upper() if c.isalnum()).translate(LOOK_ALIKE)
    if (
        len(cleaned) <= SIGNATURE_CHARS
        or len(cleaned) > SIGNATURE_CHARS + 8
        or any(c not in CROCKFORD for c in cleaned)
    ):
        return None
    head, signature = cleaned[:-SIGNATURE_CHARS], cleaned[-SIGNATURE_CHARS:]
    number = 0
    for c in head:
        number = number * 32 + CROCKFORD.index(c)
    return number, signature


def registration_subject(event_id: int, email_normalised: str) -> str:
    # Known before the row is inserted, stable for a person's one registration per event.
    return f"{event_id}:{email_normalised}"


class Addressee(Protocol):
    """What a private link and a calendar's SEQUENCE are made from: a registration, or the
    lighter row notify.py reads for a change sent to many."""

    @property
    def event_id(self) -> int: ...
    @property
    def email_normalised(self) -> str: ...
    @property
    def ics_sequence(self) -> int | None: ...


@dataclass(frozen=True)
class Site:
    """What links, tokens and mails need from the settings."""

    base_url: str
    secret: str  # the current key: it makes every new token
    mail_from: str
    site_name: str
    old_secrets: tuple[str, ...] = ()  # retired keys: tokens they made are still found and accepted

    @classmethod
    def from_settings(cls, settings: Settings) -> "Site":
        ring = settings.get_secret_keys()
        return cls(settings.base_url, ring[0], settings.mail_from, settings.site_name, ring[1:])

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.secret, *self.old_secrets)

    def _issued(self, purpose: str, subject: str, generation: int | None, stored_hash: str | None) -> str:
        """The token whose hash is stored (made by any key of the ring, of any generation when
        `generation` is None); a new one of the current key when nothing is stored."""
        first = derive_token(self.secret, purpose, subject, generation or 0)
        if not stored_hash or same(hash_token(first), stored_hash):
            return first
        if generation is not None:
            for key in self.old_secrets:
                token = derive_token(key, purpose, subject, generation)
                if same(hash_token(token), stored_hash):
                    return token
            return first
        found = find_token(self.secrets, purpose, subject, stored_hash)
        return found[1] if found else first

    def find_generation(self, purpose: str, subject: str, stored_hash: str | None) -> int | None:
        found = find_token(self.secrets, purpose, subject, stored_hash)
        return found[0] if found else None

    def find_token(self, purpose: str, subject: str, stored_hash: str | None) -> tuple[int, str] | None:
        return find_token(self.secrets, purpose, subject, stored_hash)

    @property
    def host(self) -> str:
        return urlparse(self.base_url).hostname or "eventhub.local"

    @property
    def from_address(self) -> str:
        return parseaddr(self.mail_from)[1] or f"no-reply@{self.host}"

    def private_token(self, event_id: int, email_normalised: str) -> str:
        return derive_token(self.secret, "registration", registration_subject(event_id, email_normalised))

    def private_url(self, reg: Addressee) -> str:
        """The registration's live private link: the one whose hash it stores (renewed or made
        before a key rotation); a row without its hash gets the first link of the current key."""
        subject = registration_subject(reg.event_id, reg.email_normalised)
        return f"{self.base_url}/r/{self._issued('registration', subject, None, getattr(reg, 'token_hash', None))}"

    def calendar_token(self, email_normalised: str, generation: int, stored_hash: str | None = None) -> str:
        # One per person for all their registrations (see PersonalCalendar).
        return self._issued("personal-calendar", email_normalised, generation, stored_hash)

    def calendar_url(self, email_normalised: str, generation: int, stored_hash: str | None = None) -> str:
        token = self.calendar_token(email_normalised, generation, stored_hash)
        return f"{self.base_url}/calendar/personal/{token}.ics"

    def invitation_token(self, event_id: int, organisation_id: int, generation: int) -> str:
        return derive_token(self.secret, "invitation", f"{event_id}:{organisation_id}", generation)

    def checkin_code(self, reg: Registration) -> str:
        """What the QR code in the confirmation holds, and what a person reads aloud at the door:
        the registration number and a signature in Crockford base32 (no I, L, O, U: nothing
        to confuse), e.g. "7K-4RX9QP". Reading it ignores case, hyphens and spaces, and takes
        O for 0 and I/L for 1."""
        return crockford_code(id_of(reg), self.checkin_signature(id_of(reg)))

    def checkin_signature(self, reg_id: int, key: str | None = None) -> str:
        digest = hashlib.sha256(derive_token(key or self.secret, "checkin", str(reg_id)).encode()).digest()
        return crockford(int.from_bytes(digest[:5]) >> 10, SIGNATURE_CHARS)  # 30 bits

    def legacy_checkin_code(self, reg_id: int, key: str | None = None) -> str:
        """The code of QR codes sent before there were Crockford codes: still accepted."""
        return f"{reg_id}-{derive_token(key or self.secret, 'checkin', str(reg_id))[:10]}"

    def checkin_code_ok(self, reg: Registration, code: str) -> bool:
        """A code (Crockford, or the older form) signed with any key of the ring: QR codes
        printed before a rotation still scan."""
        reg_id = id_of(reg)
        parsed = read_crockford(code)
        for key in self.secrets:
            if same(self.legacy_checkin_code(reg_id, key), code):
                return True
            if parsed is not None and parsed[0] == reg_id and same(self.checkin_signature(reg_id, key), parsed[1]):
                return True
        return False

    def checkin_url(self, event: Event, reg: Registration) -> str:
        return f"{self.base_url}/admin/events/{event.slug}/registrations/checkin?code={self.checkin_code(reg)}"

    def event_url(self, event: Event) -> str:
        return f"{self.base_url}/events/{event.slug}"


SUBJECTS = {
    "confirmed": N_("Регистрация подтверждена: {title}"),
    "pending": N_("Заявка получена и ждёт подтверждения: {title}"),
    "waitlisted": N_("Вы в листе ожидания: {title}"),
    "promoted": N_("Место освободилось — вы зарегистрированы: {title}"),
    "approved": N_("Заявка одобрена: {title}"),
    "declined": N_("Заявка отклонена: {title}"),
    "cancelled": N_("Регистрация отменена: {title}"),
    "already_registered": N_("Ваша регистрация: {title}"),
    "new_link": N_("Новая личная ссылка: {title}"),
    "reminder": N_("Напоминание: {title} — уже скоро"),
}

_mail_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(ROOT / "templates")),
    autoescape=False,  # plain-text bodies; the HTML part is escaped separately
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)
_mail_env.filters.update(page_env.filters)
_mail_env.globals.update(page_env.globals)
_mail_env.globals["reg_labels"] = labels

_URL = re.compile(r"https?://[^\s<>\"]+")


def text_to_html(text: str, qr_cid: str | None) -> str:
    """Paragraphs and clickable links from the text body, and the QR code image."""
    paragraphs = []
    for block in text.strip().split("\n\n"):
        html = str(escape(block))
        html = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', html)
        paragraphs.append("<p>" + html.replace("\n", "<br>\n") + "</p>")
    if qr_cid:
        alt = escape(_("QR-код для отметки на входе"))
        paragraphs.append(f'<p><img src="cid:{qr_cid}" alt="{alt}" width="200" height="200"></p>')
    return (
        f'<!doctype html><html lang="{i18n.current_language()}"><head>'
        '<meta charset="utf-8"></head>'
        '<body style="font-family:Arial,sans-serif;line-height:1.5;max-width:40rem">'
        + "\n".join(paragraphs)
        + "</body></html>"
    )


def reply_to(event: Event) -> str | None:
    """The event's contact as a Reply-To address; none without one (replies would be lost)."""
    if not event.contact_email:
        return None
    return formataddr((event.contact_name or "", event.contact_email))


def next_sequence(reg: Addressee, base: int) -> int:
    """The SEQUENCE of the next calendar part for `reg`: the event's (`base`), and above
    the last one this person was sent, so a new invitation after a CANCEL is never older."""
    return base if reg.ics_sequence is None else max(base, reg.ics_sequence + 1)


def enqueue(db: Session, *, reg: Registration, **kwargs: Any) -> OutboxMessage:
    """Write one e-mail about `reg` to the outbox, in the registrant's language (see _enqueue)."""
    token = i18n.set_language(reg.language or i18n.DEFAULT_LANGUAGE)
    try:
        return _enqueue(db, reg=reg, **kwargs)
    finally:
        i18n.reset_language(token)


def _enqueue(
    db: Session,
    *,
    kind: str,
    event: Event,
    reg: Registration,
    site: Site,
    now: datetime,
    calendar_url: str | None = None,
    note: str | None = None,
    withdraw_invite: bool = False,
) -> OutboxMessage:
    """Write one e-mail about `reg` to the outbox (flushed, not committed).

    Confirmations carry the invitation (METHOD:REQUEST) and the check-in QR code;
    `withdraw_invite` adds METHOD:CANCEL for someone who had been sent an invitation."""
    private_url = site.private_url(reg)
    context = {
        "kind": kind,
        "event": event,
        "reg": reg,
        "site": site,
        "private_url": private_url,
        "event_url": site.event_url(event),
        "calendar_url": calendar_url,
        "checkin_code": site.checkin_code(reg) if kind in CONFIRMING or kind == "reminder" else None,
        "note": note,
        "withdraw_invite": withdraw_invite,
    }
    text = _mail_env.get_template(f"registrations/mail/{kind}.txt").render(context)
    attachments: list[dict[str, str]] = []
    qr_cid = None
    if context["checkin_code"]:
        qr_cid = f"qr-{reg.id}@{site.host}"
        # The PNG is drawn when the mail is sent (outbox.to_email), not under the event's lock.
        attachments.append(
            {
                "filename": "checkin-qr.png",
                "content_type": "image/png",
                "qr": site.checkin_url(event, reg),
                "content": "",
                "cid": qr_cid,
            }
        )
    method = "REQUEST" if kind in CONFIRMING else "CANCEL" if withdraw_invite else None
    if method:
        reg.ics_sequence = next_sequence(reg, event.sequence + (1 if method == "CANCEL" else 0))
        ics = render_invitation(
            event,
            method=method,
            base_url=site.base_url,
            prodid=f"-//{site.site_name}//eventhub {__version__}//RU",
            now=now,
            organizer_email=site.from_address,
            organizer_name=site.site_name,
            attendee_email=reg.email,
            attendee_name=reg.full_name,
            sequence=reg.ics_sequence,
        )
        attachments.append(
            {
                "filename": "invite.ics" if method == "REQUEST" else "cancel.ics",
                "content_type": f"text/calendar; method={method}; charset=utf-8",
                "content": ics.decode(),
            }
        )
    message = OutboxMessage(
        to_address=reg.email,
        subject=_(SUBJECTS[kind]).format(title=i18n.content(event, "title"))[:400],
        body_text=text,
        body_html=text_to_html(text, qr_cid),
        reply_to=reply_to(event),
        attachments=attachments,
        registration_id=reg.id,
        kind=kind,
        # Claimed at birth by the request that writes it: it sends the message right after its
        # commit without another write. Should that process die, the claim expires and
        # `eventhub outbox send` takes the message. Times are the wall clock's, as delivery's.
        status=OutboxStatus.sending,
        locked_until=utcnow() + CLAIM_FOR,
    )
    if not reg.email:  # registered by phone or at the door: kept as not sendable, for the outbox page
        message.status, message.locked_until = OutboxStatus.failed, None
        message.last_error = _("нет адреса электронной почты (регистрация по телефону)")
    db.add(message)
    db.flush()
    return message
