"""Messages staff write to an event's registrants, and the event's outbox seen by staff.

A message has a subject and a Markdown body in its original language, and optional versions
in the other two; each person gets the version of `Registration.language`, else the original.
Placeholders ({name}, {link}, {event}) are filled per person; any other `{...}` is an error.
The audience is a filter over the event's registrations (status, category, organisation,
region, checked in). Sending writes the message record and one outbox row per person in the
caller's transaction (flushed, not committed)."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from markupsafe import escape
from pydantic import AfterValidator, Field
from sqlmodel import Session, col, select

from eventhub.core import audit, i18n
from eventhub.core.errors import Conflict, Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import (
    Event,
    EventMessage,
    Language,
    Organisation,
    OutboxMessage,
    OutboxStatus,
    Region,
    Registration,
    RegistrationCategory,
    RegistrationStatus,
    StaffUser,
    id_of,
    table_of,
)
from eventhub.core.text import markdown_to_html
from eventhub.core.typography import quote
from eventhub.core.validation import Line, Markdown, Maybe, WriteModel, validate
from eventhub.registrations.mail import Site, _mail_env, reply_to
from eventhub.templating import event_date_range

LANGUAGES = tuple(lang.value for lang in Language)
HOLDING = (RegistrationStatus.confirmed, RegistrationStatus.attended)  # the default audience: who has a place
PLACEHOLDERS = ("name", "link", "event")
MAX_SUBJECT = 200
MAX_BODY = 10_000
_PLACEHOLDER = re.compile(r"\{([^{}\n]{0,40})\}")


# --- input ---


def _placeholders_known(value: str | None) -> str | None:
    for found in _PLACEHOLDER.findall(value or ""):
        if found not in PLACEHOLDERS:
            raise ValueError(
                _("неизвестная подстановка {%(name)s}; можно: %(known)s")
                % {"name": found, "known": ", ".join("{" + p + "}" for p in PLACEHOLDERS)}
            )
    return value


# The core's text types: the same limits on control characters as every other field.
Subject = Annotated[str, Line(MAX_SUBJECT), AfterValidator(_placeholders_known)]
Body = Annotated[str, Markdown(MAX_BODY), AfterValidator(_placeholders_known)]


class MessageInput(WriteModel):
    """A message as the form sends it: the original language and a version per language."""

    original_language: Language = Language.ru
    subject_ru: Maybe[Subject] = None
    body_ru: Maybe[Body] = None
    subject_ky: Maybe[Subject] = None
    body_ky: Maybe[Body] = None
    subject_en: Maybe[Subject] = None
    body_en: Maybe[Body] = None

    def versions(self) -> dict[str, dict[str, str]]:
        """{lang: {"subject", "body"}} of the languages written (the original always)."""
        out = {}
        for lang in LANGUAGES:
            values = {k: getattr(self, f"{k}_{lang}") for k in ("subject", "body")}
            values = {k: v for k, v in values.items() if v}
            if values:
                out[lang] = values
        return out


class Audience(WriteModel):
    """Who a message goes to: each list narrows the audience (an empty list: any)."""

    status: list[RegistrationStatus] = Field(default_factory=lambda: list(HOLDING), min_length=1)
    category: list[RegistrationCategory] = Field(default_factory=list)
    region: list[Region] = Field(default_factory=list)
    organisation: list[int] = Field(default_factory=list, max_length=500)
    checked_in: Literal["any", "yes", "no"] = "any"

    def as_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


AUDIENCE_LISTS = ("status", "category", "region", "organisation")
MESSAGE_FIELDS = ("original_language", *(f"{k}_{lang}" for lang in LANGUAGES for k in ("subject", "body")))


def parse_message(data: dict[str, Any]) -> MessageInput:
    """The message of a form; Invalid names each bad field (the original needs both parts)."""
    fields: dict[str, str] = {}
    message: MessageInput | None
    try:
        message = validate(MessageInput, {k: data[k] for k in MESSAGE_FIELDS if k in data})
    except Invalid as exc:
        fields, message = dict(exc.fields), None
    lang = message.original_language if message else data.get("original_language", "ru")
    for part in ("subject", "body"):
        name = f"{part}_{lang}"
        if name not in fields and not (message and getattr(message, name)):
            fields[name] = _("не может быть пустым: это версия на языке оригинала")
    if fields or message is None:  # no message: its original's subject and body are marked above
        raise Invalid(_("Сообщение не отправлено: исправьте отмеченные поля"), fields=fields)
    return message


def parse_audience(data: dict[str, Any]) -> Audience:
    """The audience of a form or query; without the form's `audience` marker, the default
    (confirmed participants, and those who came)."""
    if not data.get("audience"):
        return Audience()
    values: dict[str, Any] = {k: data.get(k) or [] for k in AUDIENCE_LISTS}
    values["checked_in"] = data.get("checked_in") or "any"
    try:
        audience: Audience = validate(Audience, values)
        return audience
    except Invalid as exc:
        raise Invalid(
            _("Неверно выбраны получатели"), fields={f"audience.{k}": v for k, v in exc.fields.items()}
        ) from None


# --- the audience ---


def audience_query(event: Event, audience: Audience) -> Any:
    query = select(Registration).where(
        Registration.event_id == event.id,
        col(Registration.status).in_([s.value for s in audience.status]),
        Registration.email != "",  # registered by phone or at the door: WhatsApp, not e-mail
    )
    if audience.category:
        query = query.where(col(Registration.category).in_([c.value for c in audience.category]))
    if audience.region:
        query = query.where(col(Registration.region).in_([r.value for r in audience.region]))
    if audience.organisation:
        query = query.where(col(Registration.organisation_id).in_(audience.organisation))
    if audience.checked_in == "yes":
        query = query.where(col(Registration.checked_in_at).is_not(None))
    elif audience.checked_in == "no":
        query = query.where(col(Registration.checked_in_at).is_(None))
    return query.order_by(col(Registration.full_name), col(Registration.id))


def recipients(db: Session, event: Event, audience: Audience) -> list[Registration]:
    return list(db.exec(audience_query(event, audience)))


def audience_count(db: Session, event: Event, audience: Audience) -> int:
    return db.exec(select(sa.func.count()).select_from(audience_query(event, audience).order_by(None).subquery())).one()


def organisations_of(db: Session, event: Event) -> list[Organisation]:
    """The directory organisations the event's registrants belong to (the audience's choices)."""
    ids = select(Registration.organisation_id).where(
        Registration.event_id == event.id, col(Registration.organisation_id).is_not(None)
    )
    return list(db.exec(select(Organisation).where(col(Organisation.id).in_(ids)).order_by(col(Organisation.name))))


def _nobody() -> Invalid:
    return Invalid(
        _("Получателей нет: никто из зарегистрированных не подходит под выбранные условия"),
        fields={"audience": _("ни одного получателя — измените условия")},
    )


# --- rendering ---


@dataclass(frozen=True)
class Rendered:
    language: str
    subject: str
    text: str
    html: str
    fragment: str = ""  # the HTML body without the document around it (for previews)


def _version(versions: dict[str, dict[str, str]], original: str, lang: str) -> tuple[str, str]:
    mine, first = versions.get(lang, {}), versions[original]
    return mine.get("subject") or first["subject"], mine.get("body") or first["body"]


def _fill(text: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


# Markers that Markdown leaves alone: the message is rendered once per language with them,
# then each person's values go in (escaped for HTML), so 1,000 recipients cost one render.
_MARKERS = {p: f"EHPLACEHOLDER{p.upper()}X" for p in PLACEHOLDERS}


@dataclass(frozen=True)
class Template:
    """One language's message with the placeholders still in it."""

    language: str
    subject: str
    text: str
    fragment: str

    def personal(self, values: dict[str, str]) -> Rendered:
        html_values = {p: str(escape(v)) for p, v in values.items()}
        fragment = self.fragment
        for p, marker in _MARKERS.items():
            # A bare {link} becomes a link; one inside [text]({link}) is the address. Only the
            # private link may be an address: a name or title there (`javascript:…`) may not.
            fragment = fragment.replace(f'href="{marker}"', f'href="{html_values[p]}"' if p == "link" else 'href="#"')
            value = html_values[p]
            if p == "link":
                value = f'<a href="{value}">{value}</a>'
            fragment = fragment.replace(marker, value)
        html = (
            f'<!doctype html><html lang="{self.language}"><head><meta charset="utf-8"></head>'
            '<body style="font-family:Arial,sans-serif;line-height:1.5;max-width:40rem">' + fragment + "</body></html>"
        )
        subject = " ".join(_fill(self.subject, values).split())[:400]
        return Rendered(self.language, subject, _fill(self.text, values), html, fragment)


def template(*, event: Event, versions: dict[str, dict[str, str]], original: str, lang: str, site: Site) -> Template:
    """The message in `lang` (else the original), with the event's footer in `lang`."""
    token = i18n.set_language(lang)
    try:
        subject, body = _version(versions, original, lang)
        title = i18n.content(event, "title")
        event_url = site.event_url(event)
        when = event_date_range(event)
        # The event's contact, as in every other e-mail: replies go to them (Reply-To).
        contact = _mail_env.get_template("registrations/mail/_contact.txt").render(event=event).strip()
        footer = f"—\n{quote(title)}, {when}\n{event_url}\n{site.site_name}" + (f"\n\n{contact}" if contact else "")
        html_footer = (
            f'<p style="color:#555">—<br>{escape(quote(title))}, {escape(when)}<br>'
            f'<a href="{escape(event_url)}">{escape(event_url)}</a><br>{escape(site.site_name)}</p>'
        ) + (f'<p style="color:#555">{escape(contact)}</p>' if contact else "")
        fragment = markdown_to_html(_fill(body, _MARKERS)) + html_footer
        return Template(lang, subject, f"{body}\n\n{footer}\n", fragment)
    finally:
        i18n.reset_language(token)


def _language(reg: Registration, original: str) -> str:
    return reg.language if reg.language in LANGUAGES else original


def _values(event: Event, reg: Registration, lang: str, link: str) -> dict[str, str]:
    return {"name": reg.full_name, "link": link, "event": i18n.content(event, "title", lang)}


def render(
    *,
    event: Event,
    reg: Registration,
    versions: dict[str, dict[str, str]],
    original: str,
    site: Site,
    link: str | None = None,
) -> Rendered:
    """The message as `reg` gets it: their language, name and private link (or `link`)."""
    lang = _language(reg, original)
    tpl = template(event=event, versions=versions, original=original, lang=lang, site=site)
    return tpl.personal(_values(event, reg, lang, link or site.private_url(reg)))


def masked_link(site: Site, reg: Registration) -> str:
    """The private link as staff see it in a preview or a test: its shape, not the key."""
    return site.private_url(reg)[: len(site.base_url) + 9] + "…"


@dataclass(frozen=True)
class Preview:
    count: int
    recipient: Registration | None
    rendered: Rendered | None


def preview(db: Session, *, event: Event, data: MessageInput, audience: Audience, site: Site) -> Preview:
    """How many people the message reaches, and how the first of them reads it."""
    people = recipients(db, event, audience)
    if not people:
        raise _nobody()
    first = people[0]
    rendered = render(
        event=event,
        reg=first,
        versions=data.versions(),
        original=data.original_language.value,
        site=site,
        link=masked_link(site, first),
    )
    return Preview(len(people), first, rendered)


# --- sending ---


def _outbox_row(rendered: Rendered, *, to: str, kind: str, **kw: Any) -> OutboxMessage:
    return OutboxMessage(
        to_address=to, subject=rendered.subject, body_text=rendered.text, body_html=rendered.html, kind=kind, **kw
    )


def row_values(rendered: Rendered, *, to: str, kind: str, **kw: Any) -> dict[str, Any]:
    return {
        "to_address": to,
        "subject": rendered.subject,
        "body_text": rendered.text,
        "body_html": rendered.html,
        "kind": kind,
        **kw,
    }


def insert_outbox(db: Session, rows: list[dict[str, Any]], *, now: datetime) -> list[int]:
    """Many outbox rows in one statement (building 1,000 ORM objects costs more than sending
    them to the database); pending, due now."""
    if not rows:
        return []
    defaults = {"attachments": [], "status": OutboxStatus.pending.value, "attempts": 0}
    stamped = [defaults | {"created_at": now, "next_attempt_at": now} | r for r in rows]
    t = table_of(OutboxMessage)
    return list(db.execute(sa.insert(t).returning(t.c.id, sort_by_parameter_order=True), stamped).scalars())


def send_test(
    db: Session, *, event: Event, user: StaffUser, data: MessageInput, audience: Audience, site: Site
) -> tuple[Preview, OutboxMessage]:
    """The preview, mailed to the staff user (marked as a test; the private link masked)."""
    shown = preview(db, event=event, data=data, audience=audience, site=site)
    rendered = shown.rendered
    assert rendered is not None  # preview() refuses an audience of nobody
    token = i18n.set_language(rendered.language)
    try:
        subject = _("[Проверка] %(subject)s") % {"subject": rendered.subject}
    finally:
        i18n.reset_language(token)
    row = _outbox_row(
        Rendered(rendered.language, subject[:400], rendered.text, rendered.html, rendered.fragment),
        to=user.email,
        kind="message_test",
        reply_to=reply_to(event),
    )
    db.add(row)
    db.flush()
    return shown, row


def send(
    db: Session,
    *,
    event: Event,
    user: StaffUser,
    data: MessageInput,
    audience: Audience,
    site: Site,
    now: datetime,
) -> tuple[EventMessage, list[int]]:
    """The message record and one outbox row per recipient, in one transaction."""
    people = recipients(db, event, audience)
    if not people:
        raise _nobody()
    versions, original = data.versions(), data.original_language.value
    message = EventMessage(
        event_id=id_of(event),
        original_language=original,
        subject=versions[original]["subject"],
        body=versions[original]["body"],
        translations={lang: v for lang, v in versions.items() if lang != original},
        audience=audience.as_json(),
        recipients=len(people),
        created_by_id=user.id,
        created_at=now,
    )
    db.add(message)
    db.flush()
    templates: dict[str, Template] = {}
    rows = []
    for reg in people:
        lang = _language(reg, original)
        if lang not in templates:
            templates[lang] = template(event=event, versions=versions, original=original, lang=lang, site=site)
        rendered = templates[lang].personal(_values(event, reg, lang, site.private_url(reg)))
        rows.append(
            row_values(
                rendered,
                to=reg.email,
                kind="message",
                registration_id=reg.id,
                message_id=message.id,
                reply_to=reply_to(event),
            )
        )
    ids = insert_outbox(db, rows, now=now)
    audit.record(
        db,
        user=user,
        action="send_message",
        entity=message,
        changes={"recipients": [None, len(people)], "audience": [None, audience.as_json()]},
        event_id=event.id,
    )
    return message, ids


# --- history and the outbox ---


@dataclass(frozen=True)
class Delivery:
    sent: int = 0
    waiting: int = 0
    retrying: int = 0  # waiting after a failed attempt
    failed: int = 0


def _deliveries(rows: Any) -> dict[int, Delivery]:
    counts: dict[int, dict[str, int]] = {}
    for key, status, has_error, n in rows:
        c = counts.setdefault(key, {"sent": 0, "waiting": 0, "retrying": 0, "failed": 0})
        if status == OutboxStatus.sent:
            c["sent"] += n
        elif status == OutboxStatus.failed:
            c["failed"] += n
        else:
            c["waiting"] += n
            if has_error:
                c["retrying"] += n
    return {k: Delivery(**v) for k, v in counts.items()}


def history(db: Session, event: Event) -> list[tuple[EventMessage, StaffUser | None, Delivery]]:
    """The event's messages, newest first, with who wrote them and what the outbox did."""
    messages = list(
        db.exec(
            select(EventMessage, StaffUser)
            .join(StaffUser, col(StaffUser.id) == col(EventMessage.created_by_id), isouter=True)
            .where(EventMessage.event_id == event.id)
            .order_by(col(EventMessage.created_at).desc(), col(EventMessage.id).desc())
        )
    )
    t = table_of(OutboxMessage)
    rows = db.execute(
        sa.select(t.c.message_id, t.c.status, t.c.last_error.is_not(None), sa.func.count())
        .where(t.c.message_id.in_([m.id for m, _u in messages]))
        .group_by(t.c.message_id, t.c.status, t.c.last_error.is_not(None))
    ).all()
    counts = _deliveries(rows)
    return [(m, u, counts.get(id_of(m), Delivery())) for m, u in messages]


def get_message(db: Session, event: Event, message_id: int) -> EventMessage:
    message = db.get(EventMessage, message_id)
    if message is None or message.event_id != event.id:
        raise NotFound(_("Сообщение не найдено"))
    return message


OUTBOX_STATUSES = ("pending", "sending", "sent", "failed")


def outbox_query(event: Event, *, status: str | None = None, message_id: int | None = None) -> Any:
    """The outbox rows about the event's registrations (newest first), with the registration."""
    query = (
        select(OutboxMessage, Registration)
        .join(Registration, col(Registration.id) == col(OutboxMessage.registration_id))
        .where(Registration.event_id == event.id)
    )
    if status:
        query = query.where(OutboxMessage.status == status)
    if message_id is not None:
        query = query.where(OutboxMessage.message_id == message_id)
    return query.order_by(col(OutboxMessage.id).desc())


def outbox_page(
    db: Session, event: Event, *, status: str | None, message_id: int | None = None, page: int, per_page: int
) -> tuple[list[tuple[OutboxMessage, Registration]], int]:
    query = outbox_query(event, status=status, message_id=message_id)
    total = db.exec(select(sa.func.count()).select_from(query.order_by(None).subquery())).one()
    rows = list(db.exec(query.offset((page - 1) * per_page).limit(per_page)))
    return rows, total


def outbox_counts(db: Session, event: Event) -> dict[str, int]:
    t, r = table_of(OutboxMessage), table_of(Registration)
    rows = db.execute(
        sa.select(t.c.status, sa.func.count())
        .join(r, r.c.id == t.c.registration_id)
        .where(r.c.event_id == event.id)
        .group_by(t.c.status)
    ).all()
    return {s: 0 for s in OUTBOX_STATUSES} | dict(rows)


def retry(db: Session, *, event: Event, outbox_id: int, user: StaffUser, now: datetime) -> OutboxMessage:
    """Queue a failed message (or one waiting after an error) again, due now; audited."""
    row = db.get(OutboxMessage, outbox_id)
    reg = db.get(Registration, row.registration_id) if row and row.registration_id else None
    if row is None or reg is None or reg.event_id != event.id:
        raise NotFound(_("Письмо не найдено"))
    if not (row.status == OutboxStatus.failed or (row.status == OutboxStatus.pending and row.last_error)):
        raise Conflict(_("Повторить можно только письмо, которое не удалось отправить"))
    before = row.status
    row.status, row.next_attempt_at, row.locked_until = OutboxStatus.pending, now, None
    db.add(row)
    db.flush()
    audit.record(
        db,
        user=user,
        action="retry_mail",
        entity=row,
        changes={"status": [before, OutboxStatus.pending.value]},
        event_id=event.id,
    )
    return row
