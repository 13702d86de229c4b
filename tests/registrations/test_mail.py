"""E-mail: written to the outbox with the registration, sent after commit over real SMTP,
retried when the server is down; the cron commands are safe to run twice."""

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from eventhub.core import outbox
from eventhub.core.config import Settings, get_settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import OutboxMessage, Registration, utcnow
from eventhub.core.uow import Units
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import parse_registration
from tests.registrations.conftest import NOW, form, free_port, open_event


def test_confirmation_carries_a_valid_calendar_invitation(client, db, clock, mailbox) -> None:
    event = open_event(db, venue_name="Конференц-зал ИПР", city="Бишкек")
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form())

    [message] = mailbox.wait_for(1)

    # The invitation is an alternative of the body (where mail clients look), and a file beside it.
    [alternative] = [p for p in message.walk() if p.get_content_type() == "multipart/alternative"]
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "multipart/related", "text/calendar"]
    part = list(alternative.iter_parts())[-1]
    assert (part.get_param("method"), part.get_content_charset()) == ("REQUEST", "utf-8")
    assert part["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    [file] = [p for p in message.walk() if p.get_filename() == "invite.ics"]
    assert file.get_content_type() == "application/ics" and file.get_payload(decode=True) == part.get_payload(
        decode=True
    )
    cal = icalendar.Calendar.from_ical(part.get_payload(decode=True))
    assert (cal["method"], cal["version"]) == ("REQUEST", "2.0")
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["summary"]) == event.title
    assert vevent.decoded("dtstart") == event.start_at and vevent.decoded("dtend") == event.end_at
    assert str(vevent["location"]) == "Конференц-зал ИПР, Бишкек"
    assert str(vevent["organizer"]).startswith("mailto:")
    assert vevent["attendee"].params["PARTSTAT"] == "ACCEPTED"
    assert "/r/" not in str(vevent["description"])  # calendars are shared: no private link
    assert cal.walk("VTIMEZONE")[0]["tzid"] == "Asia/Bishkek"


def test_registration_survives_a_down_smtp_server_and_the_mail_is_sent_later(
    client, app, db, units, settings, clock, mailbox
) -> None:
    app.state.settings = settings.model_copy(update={"smtp_port": free_port()})  # nobody listens there
    event = open_event(db)
    db.commit()

    response = client.post(f"/events/{event.slug}/register", data=form())

    assert response.status_code == 200
    assert db.exec(select(Registration)).one().status == "confirmed"
    [message] = db.exec(select(OutboxMessage)).all()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > message.created_at

    working = settings.model_copy(update={"smtp_port": mailbox.port})
    assert outbox.deliver(units, working, now=message.created_at).sent == []  # not due yet
    report = outbox.deliver(units, working, now=message.next_attempt_at + timedelta(seconds=1))
    assert report.sent == [message.id]
    db.refresh(message)
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, None)
    assert [m["To"] for m in mailbox.wait_for(1)] == ["aigul@example.org"]


def test_a_message_is_given_up_after_the_last_attempt(db, units, settings, clock) -> None:
    event = open_event(db)
    db.commit()
    site = Site.from_settings(settings)
    result = service.register(db, event_id=event.id, data=parse_registration(form()), now=NOW, site=site)
    db.commit()
    down = settings.model_copy(update={"smtp_port": free_port()})
    when = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        report = outbox.deliver(units, down, now=when)
        when += timedelta(hours=7)
    [msg] = db.exec(select(OutboxMessage).where(OutboxMessage.id == result.mails[0])).all()
    assert (msg.status, msg.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert report.failed == [msg.id]


@pytest.fixture()
def cli_db(tmp_path, monkeypatch, smtp_server):
    """A real database file that the CLI commands open themselves (committed data)."""
    monkeypatch.setenv("EVENTHUB_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("EVENTHUB_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("EVENTHUB_SECRET_KEY", "cli-secret")
    monkeypatch.setenv("EVENTHUB_SMTP_PORT", str(smtp_server.port))
    get_settings.cache_clear()
    settings = Settings()
    upgrade(settings)
    engine = make_engine(settings)
    yield settings, engine
    engine.dispose()
    get_settings.cache_clear()


def test_outbox_send_from_cron_sends_each_message_once(cli_db, mailbox) -> None:
    from eventhub.cli import app as cli

    settings, engine = cli_db
    with Session(engine) as db:
        event = open_event(db, start_at=NOW.replace(year=2099))
        db.commit()
        for i in range(3):
            service.register(
                db,
                event_id=event.id,
                data=parse_registration(form(email=f"p{i}@example.org")),
                now=NOW,
                site=Site.from_settings(settings),
            )
            db.commit()
    # The requests that wrote these messages died before sending them.
    early = CliRunner().invoke(cli, ["outbox", "send"])
    with Session(engine) as db:
        db.execute(sa.update(OutboxMessage).values(locked_until=utcnow() - timedelta(minutes=1)))
        db.commit()

    first = CliRunner().invoke(cli, ["outbox", "send"])
    second = CliRunner().invoke(cli, ["outbox", "send"])

    assert "sent 0" in early.output and "waiting: 3" in early.output  # their writers' claims still hold
    assert first.exit_code == 0, first.output
    assert "sent 3" in first.output and "waiting: 0" in first.output
    assert "sent 0" in second.output
    assert sorted(m["To"] for m in mailbox.wait_for(3)) == ["p0@example.org", "p1@example.org", "p2@example.org"]


def test_reminders_go_once_to_confirmed_people_of_events_starting_within_a_day(cli_db, mailbox) -> None:
    from eventhub.cli import app as cli

    settings, engine = cli_db
    site = Site.from_settings(settings)
    now = utcnow()
    with Session(engine) as db:
        tomorrow = open_event(
            db, capacity=1, start_at=now + timedelta(hours=20), registration_deadline_at=now + timedelta(hours=10)
        )
        later = open_event(db, start_at=now + timedelta(days=5))
        db.commit()
        for email, event in (("a@example.org", tomorrow), ("b@example.org", tomorrow), ("c@example.org", later)):
            service.register(
                db,
                event_id=event.id,
                data=parse_registration(form(email=email)),
                now=now - timedelta(days=1),
                site=site,
            )
            db.commit()
        outbox.deliver(Units(engine), settings, now=now + timedelta(days=1), limit=10)
    mailbox.clear()

    first = CliRunner().invoke(cli, ["reminders", "send"])
    second = CliRunner().invoke(cli, ["reminders", "send"])

    assert first.exit_code == 0, first.output
    assert "1 queued" in first.output and "0 queued" in second.output
    [reminder] = mailbox.wait_for(1)
    assert reminder["To"] == "a@example.org"  # b is on the waiting list, c's event is in five days
    assert reminder["Subject"].startswith("Напоминание")
    with Session(engine) as db:
        assert (
            db.exec(select(Registration).where(Registration.email_normalised == "a@example.org")).one().reminder_sent_at
        )
