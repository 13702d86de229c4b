"""Sending the outbox over SMTP: claimed rows, retries with exponential backoff, at least once.

A message is claimed (status `sending`, `locked_until`) by a conditional UPDATE, so two
senders (a request's background task and `eventhub outbox send` from cron) never send the
same row twice, and a sender that died leaves a claim that expires and is taken again."""

import base64
import email.policy
import io
import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import partial
from typing import Any, cast

import anyio
import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlmodel import Session, col, select

from eventhub.core.config import Settings
from eventhub.core.models import OutboxMessage, OutboxStatus, table_of, utcnow
from eventhub.core.text import one_line
from eventhub.core.uow import UnitsLike

log = logging.getLogger("eventhub.outbox")

MAX_ATTEMPTS = 8
# In the request's background task: try at once, then twice more a little later; after
# that the message waits for `eventhub outbox send` (cron) with longer backoff.
AFTER_RESPONSE_DELAYS = (0.0, 1.0, 4.0)

CLAIM_FOR = timedelta(minutes=5)  # how long the writer of a message has to send it


def qr_png(value: str) -> bytes:
    import segno  # imported here: 4 MB that only a worker sending confirmations needs

    buf = io.BytesIO()
    segno.make(value, error="m").save(buf, kind="png", scale=6, border=2)
    return buf.getvalue()


def backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... minutes after the n-th failure, at most 6 hours."""
    return min(timedelta(minutes=2**attempts), timedelta(hours=6))


# Every text part quoted-printable or base64 (whichever is shorter), never 8bit: a relay
# without 8BITMIME takes the message as it is.
MAIL_POLICY = email.policy.default.clone(cte_type="7bit")


def to_email(msg: OutboxMessage, mail_from: str, domain: str) -> EmailMessage:
    """The MIME message of an outbox row.

    A calendar attachment (text/calendar; method=...) becomes an alternative of the body,
    beside text/plain and text/html, which is where Gmail, Outlook and Apple Mail look for an
    invitation (RFC 6047), and is also attached as invite.ics for clients that want a file."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = one_line(mail_from)
    message["To"] = one_line(msg.to_address)
    if msg.reply_to:
        message["Reply-To"] = one_line(msg.reply_to)
    # Header values come from stored texts (an event's title in the subject): one line each, or
    # the email package refuses the message and every letter of that event fails.
    message["Subject"] = one_line(msg.subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(idstring=f"outbox-{msg.id}", domain=domain)
    message.set_content(msg.body_text)
    inline = [a for a in msg.attachments if a.get("cid")]
    files = [a for a in msg.attachments if not a.get("cid")]
    if msg.body_html:
        message.add_alternative(msg.body_html, subtype="html")
        # After add_alternative the message is multipart: its payload is the list of parts.
        html_part = cast(list[EmailMessage], message.get_payload())[-1]
        for att in inline:
            maintype, subtype = att["content_type"].split(";")[0].split("/")
            html_part.add_related(
                _bytes(att),
                maintype=maintype,
                subtype=subtype,
                cid=f"<{one_line(att['cid'])}>",
                filename=one_line(att["filename"]),
            )
    for att in files:
        if att["content_type"].startswith("text/calendar"):
            message.add_alternative(att["content"], subtype="calendar", params=_params(att["content_type"]))
    for att in files:
        ctype = att["content_type"]
        if ctype.startswith("text/calendar"):
            message.add_attachment(
                att["content"].encode(), maintype="application", subtype="ics", filename=one_line(att["filename"])
            )
        elif ctype.startswith("text/"):
            subtype = ctype.split(";")[0].split("/")[1]
            message.add_attachment(
                att["content"], subtype=subtype, filename=one_line(att["filename"]), params=_params(ctype)
            )
        else:
            maintype, subtype = ctype.split(";")[0].split("/")
            message.add_attachment(_bytes(att), maintype=maintype, subtype=subtype, filename=one_line(att["filename"]))
    return message


def _params(ctype: str) -> dict[str, str]:
    params = dict(p.strip().split("=", 1) for p in ctype.split(";")[1:] if "=" in p)
    params.pop("charset", None)  # set from the text itself
    return params


def _bytes(att: dict[str, str]) -> bytes:
    if att.get("qr"):
        return qr_png(att["qr"])
    if att.get("encoding") == "base64":
        return base64.b64decode(att["content"])
    return att["content"].encode()


class SmtpConnection:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            try:
                if s.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password)
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()
            self.smtp = None


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return f"sent {len(self.sent)}, to retry {len(self.retrying)}, given up {len(self.failed)}"


def claim(
    units: UnitsLike, *, now: datetime, ids: Iterable[int] | None = None, force: bool = False, limit: int = 100
) -> list[int]:
    """Take up to `limit` due messages for this sender; committed so others see the claim."""
    t = table_of(OutboxMessage)
    due = sa.or_(
        sa.and_(t.c.status == OutboxStatus.pending, sa.true() if force else t.c.next_attempt_at <= now),
        sa.and_(t.c.status == OutboxStatus.sending, t.c.locked_until < now),
    )
    with units.write() as db:
        if ids is None and db.get_bind().dialect.name == "postgresql":
            # Several senders at once (`eventhub worker` in more than one process): each takes
            # rows no one else has locked, so none waits and no row is sent twice.
            candidates = list(
                db.execute(
                    select(t.c.id).where(due).order_by(t.c.id).limit(limit).with_for_update(skip_locked=True)
                ).scalars()
            )
        elif ids is None:
            candidates = list(db.exec(select(t.c.id).where(due).order_by(t.c.id).limit(limit)))
        else:
            candidates = sorted(ids)[:limit]
        claimed = []
        for msg_id in candidates:
            # An UPDATE gives a CursorResult; Session.execute is declared to return any Result.
            result = cast(
                CursorResult[Any],
                db.execute(
                    sa.update(t)
                    .where(t.c.id == msg_id, due)
                    .values(status=OutboxStatus.sending, locked_until=now + CLAIM_FOR)
                ),
            )
            if result.rowcount == 1:
                claimed.append(msg_id)
    return claimed


def deliver(
    units: UnitsLike,
    settings: Settings,
    *,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
    force: bool = False,
    owned: bool = False,
    limit: int = 100,
    stop: Callable[[], bool] | None = None,
) -> DeliveryReport:
    """Send the due messages (or the given ones); each outcome is its own unit of work.

    `owned`: the caller wrote these messages (born claimed) and sends them itself.
    `stop`: asked before each message; when it says so, the claims not yet sent are given
    back (a sender killed instead leaves claims that expire and are taken again)."""
    now = now or utcnow()
    report = DeliveryReport()
    claimed = (
        sorted(ids)[:limit] if owned and ids is not None else claim(units, now=now, ids=ids, force=force, limit=limit)
    )
    if not claimed:
        return report
    domain = settings.base_url.split("//")[-1].split("/")[0].split(":")[0] or "eventhub.local"
    connection = SmtpConnection(settings)
    t = table_of(OutboxMessage)
    try:
        for n, msg_id in enumerate(claimed):
            if stop is not None and stop():
                _release(units, claimed[n:])
                break
            error: Exception | None = None
            with units.read() as db:  # read, then let go before the (slow) send
                msg = db.get(OutboxMessage, msg_id, populate_existing=True)
                assert msg is not None
                if msg.status != OutboxStatus.sending:  # written as not sendable (no address)
                    continue
                attempts = msg.attempts + 1
                try:
                    email = to_email(msg, settings.mail_from, domain)
                except ValueError as exc:
                    email, error = None, exc
            values: dict[str, object]
            try:
                if email is None:
                    raise error or ValueError("no message")
                connection.send(email)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                connection.close()
                message = f"{type(exc).__name__}: {exc}"[:2000]
                gave_up = attempts >= MAX_ATTEMPTS
                values = {
                    "attempts": attempts,
                    "last_error": message,
                    "locked_until": None,
                    "status": OutboxStatus.failed if gave_up else OutboxStatus.pending,
                }
                if not gave_up:
                    values["next_attempt_at"] = now + backoff(attempts)
                (report.failed if gave_up else report.retrying).append(msg_id)
                # The message id only: an address (or a server's answer quoting it) stays out of the log.
                log.warning("outbox %s: %s %s", msg_id, type(exc).__name__, getattr(exc, "smtp_code", "") or "")
            else:
                values = {
                    "attempts": attempts,
                    "status": OutboxStatus.sent,
                    "sent_at": now,
                    "locked_until": None,
                    "last_error": None,
                }
                report.sent.append(msg_id)
            with units.write() as db:
                db.execute(sa.update(t).where(t.c.id == msg_id).values(**values))
    finally:
        connection.close()
    return report


def _release(units: UnitsLike, ids: list[int]) -> None:
    t = table_of(OutboxMessage)
    with units.write() as db:
        db.execute(
            sa.update(t)
            .where(t.c.id.in_(ids), t.c.status == OutboxStatus.sending)
            .values(status=OutboxStatus.pending, locked_until=None)
        )


def run_worker(
    units: UnitsLike,
    settings: Settings,
    *,
    stop: threading.Event,
    batch: int = 50,
    idle: float = 2.0,
) -> DeliveryReport:
    """`eventhub worker`: send the outbox until `stop` is set, waiting `idle` seconds when
    nothing is due. Safe to run in several processes (see `claim`)."""
    total = DeliveryReport()
    while not stop.is_set():
        try:
            report = deliver(units, settings, limit=batch, stop=stop.is_set)
        except sa.exc.SQLAlchemyError:
            log.exception("outbox worker: database error; trying again in %s s", idle)
            stop.wait(idle)
            continue
        for name in ("sent", "retrying", "failed"):
            getattr(total, name).extend(getattr(report, name))
        if report.sent or report.retrying or report.failed:
            log.info("outbox worker: %s", report)
        if len(report.sent) + len(report.retrying) + len(report.failed) < batch:
            stop.wait(idle)
    return total


# Threads of their own for mail sent after a response: a sender waiting for SQLite's write
# lock never takes a thread that a request holding that lock needs for its next step.
_AFTER_RESPONSE_THREADS = anyio.CapacityLimiter(4)


async def deliver_after_response(
    units: UnitsLike, settings: Settings, ids: list[int], delays: Iterable[float] = AFTER_RESPONSE_DELAYS
) -> None:
    """Background task: send what the request wrote (committed before the response), retrying
    a few times with backoff."""
    remaining = list(ids)
    for attempt, delay in enumerate(delays):
        if not remaining:
            return
        if delay:
            await anyio.sleep(delay)
        send = partial(deliver, units, settings, ids=remaining, force=True, owned=attempt == 0)
        try:
            report = await anyio.to_thread.run_sync(send, limiter=_AFTER_RESPONSE_THREADS)
        except sa.exc.SQLAlchemyError:
            log.exception("outbox: database error while sending %s", remaining)
            continue
        remaining = report.retrying


def pending_count(db: Session) -> int:
    return db.exec(
        select(sa.func.count()).where(col(OutboxMessage.status).in_((OutboxStatus.pending, OutboxStatus.sending)))
    ).one()
