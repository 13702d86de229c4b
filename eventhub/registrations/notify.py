"""Participants hear of a change: the event moved (time, place, online link), was postponed
or was cancelled (events/editing.py publishes `hooks.EventChanged`; this module subscribes).

Everyone registered and still coming gets one e-mail in their language, queued in the
change's own transaction (one bulk INSERT) and sent by the outbox worker. Confirmed
participants' mail carries a calendar part that updates the entry their invitation made:
the same UID, a higher SEQUENCE, METHOD:REQUEST with the new time or METHOD:CANCEL.
Pending and waiting-list people get the news without one.

A message is rendered once per (language, group) with placeholders for the name and the
private link, and the calendar part once per (language, SEQUENCE) with the ATTENDEE line
added per person, so a cancellation of a 1,000-person event costs a few renders."""

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

import sqlalchemy as sa
from markupsafe import escape
from sqlmodel import Session

from eventhub import __version__
from eventhub.core import hooks, i18n
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    Event,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    id_of,
    table_of,
    utcnow,
)
from eventhub.feeds.ical import render_invitation
from eventhub.registrations.mail import Site, _mail_env, next_sequence, reply_to, text_to_html
from eventhub.templating import event_date_range

S = RegistrationStatus
# Who is written to, and whether their calendar holds our invitation.
GROUPS: dict[str, str] = {
    S.confirmed: "invited",
    S.attended: "invited",
    S.pending: "pending",
    S.waitlisted: "waitlisted",
}
TIME_FIELDS = ("start_at", "end_at", "all_day", "timezone")
PLACE_FIELDS = ("venue_name", "venue_address", "city")
SUBJECTS = {
    "update": N_("Изменение: {title}"),
    "postpone": N_("Мероприятие перенесено: {title}"),
    "cancel": N_("Мероприятие отменено: {title}"),
}
KINDS = {"update": "event_changed", "postpone": "event_postponed", "cancel": "event_cancelled"}
# Stand-ins replaced per person after rendering (private-use characters: never typed, kept by escaping).
NAME = "\ue000name\ue000"
PRIVATE_URL = "https://placeholder.invalid/r/\ue001"
ATTENDEE = b"X-EVENTHUB-ATTENDEE:1\r\n"


@dataclass
class Notified:
    """What a change meant for participants: how many of each group, how many e-mails were
    queued (0 with notify off or in a preview), and in a preview the message one would get."""

    counts: dict[str, int] = field(default_factory=dict)
    queued: int = 0
    subject: str | None = None
    text: str | None = None
    with_calendar: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Recipient:
    id: int
    event_id: int
    full_name: str
    email: str
    email_normalised: str
    language: str
    status: str
    ics_sequence: int | None
    token_hash: str | None = None  # the private link it was given (Site.private_url finds it again)


def _recipients(db: Session, event_id: int) -> list[Recipient]:
    t = table_of(Registration)
    rows = db.execute(
        sa.select(
            t.c.id,
            t.c.event_id,
            t.c.full_name,
            t.c.email,
            t.c.email_normalised,
            t.c.language,
            t.c.status,
            t.c.ics_sequence,
            t.c.token_hash,
        )
        .where(t.c.event_id == event_id, t.c.status.in_(tuple(GROUPS)))
        .order_by(t.c.id)
    )
    return [Recipient(*row) for row in rows]


def _changes(change: hooks.EventChanged) -> list[tuple[str, str, str]]:
    """(what, before, now) for the mail, in the current language."""
    event, before = change.event, change.before
    out = []
    if any(f in change.changed for f in TIME_FIELDS):
        # The times before the change, as event_date_range reads them (it reads only those).
        old = cast(Event, SimpleNamespace(**{f: before.get(f, getattr(event, f)) for f in TIME_FIELDS}))
        out.append((_("Когда:"), event_date_range(old), event_date_range(event)))
    if any(f in change.changed for f in PLACE_FIELDS):

        def place(values: Any) -> str:
            return ", ".join(p for p in (values.get(f) for f in PLACE_FIELDS) if p) or _("не указано")

        out.append((_("Где:"), place(before), place({f: getattr(event, f) for f in PLACE_FIELDS})))
    if "online_url" in change.changed:
        out.append((_("Онлайн:"), before.get("online_url") or _("нет"), event.online_url or _("нет")))
    return out


class Composer:
    """Renders one change's messages, caching what is the same for many people."""

    def __init__(self, change: hooks.EventChanged) -> None:
        self.change = change
        self.event = change.event
        self.site = Site.from_settings(change.notice.settings)
        self.method = "CANCEL" if change.kind == "cancel" else "REQUEST"
        self._bodies: dict[tuple[str, str], tuple[str, str, str]] = {}
        self._calendars: dict[tuple[str, int], bytes] = {}
        self.reply_to = reply_to(self.event)

    def body(self, language: str, group: str) -> tuple[str, str, str]:
        """(subject, text, html) with the placeholders."""
        key = (language, group)
        if key not in self._bodies:
            token = i18n.set_language(language)
            try:
                event, change = self.event, self.change
                context = {
                    "kind": change.kind,
                    "group": group,
                    "event": event,
                    "reg": SimpleNamespace(full_name=NAME),
                    "site": self.site,
                    "private_url": PRIVATE_URL,
                    "event_url": self.site.event_url(event),
                    "calendar_url": None,
                    "note": change.notice.note,
                    "changes": _changes(change),
                }
                text = _mail_env.get_template("registrations/mail/event_changed.txt").render(context)
                subject = _(SUBJECTS[change.kind]).format(title=i18n.content(event, "title"))[:400]
                self._bodies[key] = (subject, text, text_to_html(text, None))
            finally:
                i18n.reset_language(token)
        return self._bodies[key]

    def calendar(self, language: str, sequence: int, person: Recipient) -> str:
        key = (language, sequence)
        if key not in self._calendars:
            token = i18n.set_language(language)
            try:
                ics = render_invitation(
                    self.event, method=self.method, base_url=self.site.base_url,
                    prodid=f"-//{self.site.site_name}//eventhub {__version__}//RU", now=self.change.notice.now,
                    organizer_email=self.site.from_address,
                    organizer_name=self.site.site_name, note=self.change.notice.note, sequence=sequence,
                )  # fmt: skip
            finally:
                i18n.reset_language(token)
            at = ics.rindex(b"END:VEVENT\r\n")  # the last: a folded DESCRIPTION may hold the same bytes
            self._calendars[key] = ics[:at] + ATTENDEE + ics[at:]
        return self._calendars[key].replace(ATTENDEE, _attendee_line(person), 1).decode()

    def row(self, person: Recipient, now: Any) -> tuple[dict[str, Any], int | None]:
        """An outbox row for `person` and the SEQUENCE its calendar part carries (None: no part)."""
        group = GROUPS[person.status]
        subject, text, html = self.body(person.language or i18n.DEFAULT_LANGUAGE, group)
        url = self.site.private_url(person)
        attachments, sequence = [], None
        if group == "invited":
            base = self.event.sequence
            sequence = next_sequence(person, base)
            attachments.append(
                {
                    "filename": "cancel.ics" if self.method == "CANCEL" else "invite.ics",
                    "content_type": f"text/calendar; method={self.method}; charset=utf-8",
                    "content": self.calendar(person.language or i18n.DEFAULT_LANGUAGE, sequence, person),
                }
            )
        row = {
            "to_address": person.email,
            "subject": subject,
            "body_text": text.replace(NAME, person.full_name).replace(PRIVATE_URL, url),
            "body_html": html.replace(NAME, str(escape(person.full_name))).replace(PRIVATE_URL, url),
            "reply_to": self.reply_to,
            "attachments": attachments,
            "registration_id": person.id,
            "kind": KINDS[self.change.kind],
            "status": OutboxStatus.pending.value,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
        }
        return row, sequence


def _attendee_line(person: Recipient) -> bytes:
    """The ATTENDEE content line, folded at 75 octets (RFC 5545 3.1); written by hand because
    icalendar's serialiser costs ~1 ms a line, most of a 1,000-person change."""
    # RFC 6868 parameter escaping, as icalendar writes the first invitation: ^ as ^^, DQUOTE as ^'.
    name = "".join(c for c in person.full_name if c >= " " and c != "\x7f").replace("^", "^^").replace('"', "^'")
    line = f'ATTENDEE;CN="{name}";PARTSTAT=ACCEPTED;ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{person.email}'
    return _fold(line.encode()) + b"\r\n"


def _fold(line: bytes, limit: int = 75) -> bytes:
    parts, start = [], 0
    while len(line) - start > limit:
        cut = start + (limit if start == 0 else limit - 1)
        while line[cut] & 0xC0 == 0x80:  # not inside a UTF-8 character
            cut -= 1
        parts.append(line[start:cut])
        start = cut
    parts.append(line[start:])
    return b"\r\n ".join(parts)


@hooks.on_event_changed
def notify_participants(db: Session, change: hooks.EventChanged) -> Notified:
    """Queue the e-mails of a change (or, in a preview, compose one to show)."""
    people = _recipients(db, id_of(change.event))
    result = Notified(counts={g: sum(GROUPS[p.status] == g for p in people) for g in dict.fromkeys(GROUPS.values())})
    notice = change.notice
    if notice.preview:
        if change.changed or change.kind != "update":
            group = next((g for g in ("invited", "pending", "waitlisted") if result.counts[g]), "invited")
            subject, text, _html = Composer(change).body(i18n.current_language(), group)
            result.subject, result.with_calendar = subject, group == "invited"
            result.text = text.replace(NAME, _("Имя Участника")).replace(PRIVATE_URL, _("(личная ссылка участника)"))
        return result
    if not notice.notify or not people:
        return result
    composer, now = Composer(change), utcnow()  # the worker's clock decides when a row is due
    rows, sequences = [], []
    for person in people:
        row, sequence = composer.row(person, now)
        rows.append(row)
        if sequence is not None:
            sequences.append({"rid": person.id, "seq": sequence})
    db.execute(sa.insert(table_of(OutboxMessage)), rows)
    if sequences:
        t = table_of(Registration)
        db.execute(
            sa.update(t)
            .where(t.c.id == sa.bindparam("rid"))
            .values(ics_sequence=sa.bindparam("seq"), updated_at=t.c.updated_at),  # not a change of the person's data
            sequences,
        )
    result.queued = len(rows)
    return result
