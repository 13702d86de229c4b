"""Reminders at the times an event's organisers chose (or none), each once however often cron
runs, and the after-event message to those who came, once."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from eventhub.core import outbox
from eventhub.core.errors import Conflict
from eventhub.core.models import AuditLog, EventMailSettings, OutboxMessage, Registration, utcnow
from eventhub.registrations import reminders, service
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import parse_registration
from tests.conftest import BoundUnits
from tests.factories import make_organisation, table_counts
from tests.registrations.conftest import NOW, form, open_event
from tests.registrations.test_mail import cli_db  # noqa: F401  (the fixture: a database the CLI opens itself)

START = NOW + timedelta(days=30)


def _register(db, site, event, *people, now=NOW):
    for email, lang in people:
        service.register(
            db, event_id=event.id, data=parse_registration(form(email=email, language=lang)), now=now, site=site
        )
        db.commit()


def _settings(db, event, **kw) -> EventMailSettings:
    settings = EventMailSettings(event_id=event.id, **kw)
    db.add(settings)
    db.commit()
    return settings


def _kinds(db, event) -> list[tuple[str, str]]:
    rows = db.exec(
        select(OutboxMessage.to_address, OutboxMessage.kind)
        .join(Registration, Registration.id == OutboxMessage.registration_id)
        .where(Registration.event_id == event.id, OutboxMessage.kind.in_(("reminder", "after_event")))
        .order_by(OutboxMessage.id)
    )
    return [tuple(r) for r in rows]


def _cron(db, site, times) -> list[int]:
    """`eventhub reminders send` at each of `times` (the service calls it makes, in order)."""
    ids = []
    for when in times:
        for event_id in reminders.events_needing_reminders(db, now=when):
            ids += reminders.queue_reminders(db, event_id=event_id, now=when, site=site)
            db.commit()
        for event_id in reminders.events_after(db, now=when):
            ids += reminders.queue_after_event(db, event_id=event_id, now=when, site=site)
            db.commit()
    return ids


def test_reminders_a_week_and_a_day_before_go_once_each_however_often_cron_runs(db, settings, clock, mailbox) -> None:
    site = Site.from_settings(settings)
    event = open_event(db, capacity=10, start_at=START, title="Форум аймаков")
    quiet = open_event(db, capacity=10, start_at=START)
    _settings(
        db,
        event,
        reminder_hours=[168, 24],
        reminder_text="Возьмите паспорт.",
        translations={"en": {"reminder_text": "Bring your passport."}},
    )
    _settings(db, quiet, reminder_hours=[])
    _register(db, site, event, ("a@example.org", "ru"), ("b@example.org", "en"))
    _register(db, site, quiet, ("q@example.org", "ru"))
    hourly = [START - timedelta(days=8) + timedelta(hours=h) for h in range(0, 8 * 24, 5)]

    ids = _cron(db, site, hourly)
    outbox.deliver(
        BoundUnits(db), settings.model_copy(update={"smtp_port": mailbox.port}), ids=ids, owned=True, limit=100
    )

    assert _kinds(db, event) == [
        ("a@example.org", "reminder"),
        ("b@example.org", "reminder"),
        ("a@example.org", "reminder"),
        ("b@example.org", "reminder"),
    ]
    assert _kinds(db, quiet) == []
    sent = mailbox.wait_for(4)
    assert sorted(m["To"] for m in sent) == ["a@example.org"] * 2 + ["b@example.org"] * 2
    russian = [m.get_body(("plain",)).get_content() for m in sent if m["To"] == "a@example.org"]
    english = [m.get_body(("plain",)).get_content() for m in sent if m["To"] == "b@example.org"]
    assert all("Возьмите паспорт." in t for t in russian)
    assert all("Bring your passport." in t for t in english)
    notices = db.exec(select(Registration)).all()
    assert all(r.reminder_sent_at is not None for r in notices if r.email != "q@example.org")


def test_an_event_without_settings_reminds_once_a_day_before(db, settings, clock) -> None:
    site = Site.from_settings(settings)
    event = open_event(db, capacity=10, start_at=START)
    _register(db, site, event, ("a@example.org", "ru"))

    early = _cron(db, site, [START - timedelta(days=7), START - timedelta(hours=25)])
    due = _cron(db, site, [START - timedelta(hours=23), START - timedelta(hours=2), START - timedelta(minutes=5)])

    assert early == [] and len(due) == 1
    assert _kinds(db, event) == [("a@example.org", "reminder")]


def test_who_registered_after_a_reminders_time_waits_for_the_next_one(db, settings, clock) -> None:
    site = Site.from_settings(settings)
    event = open_event(db, capacity=10, start_at=START)
    _settings(db, event, reminder_hours=[168, 24])
    _register(db, site, event, ("late@example.org", "ru"), now=START - timedelta(days=3))

    _cron(db, site, [START - timedelta(days=3, hours=-1), START - timedelta(days=2), START - timedelta(hours=10)])

    assert _kinds(db, event) == [("late@example.org", "reminder")]


def test_the_after_event_message_goes_once_to_those_who_came(db, settings, clock, make_staff, mailbox) -> None:
    site = Site.from_settings(settings)
    event = open_event(db, capacity=10, start_at=START, title="Форум аймаков")
    _settings(
        db,
        event,
        reminder_hours=[],
        after_event=True,
        after_event_text="Спасибо! Материалы: https://example.org/materials",
        translations={"ky": {"after_event_text": "Рахмат! Материалдар: https://example.org/materials"}},
    )
    _register(db, site, event, ("came@example.org", "ky"), ("absent@example.org", "ru"), ("gone@example.org", "ru"))
    regs = {r.email: r for r in db.exec(select(Registration))}
    staff = make_staff("admin")
    service.check_in(db, event=event, registration_id=regs["came@example.org"].id, user=staff, now=START)
    service.cancel(db, event_id=event.id, registration_id=regs["gone@example.org"].id, now=NOW, site=site)
    db.commit()

    during = _cron(db, site, [START + timedelta(hours=1)])
    after = _cron(db, site, [event.end_at + timedelta(hours=h) for h in (1, 2, 30)])
    outbox.deliver(BoundUnits(db), settings.model_copy(update={"smtp_port": mailbox.port}), ids=after, force=True)

    assert during == [] and len(after) == 1
    assert _kinds(db, event) == [("came@example.org", "after_event")]
    [thanks] = mailbox.wait_for(1)
    assert thanks["To"] == "came@example.org"
    assert thanks["Subject"] == "Катышканыңыз үчүн рахмат: Форум аймаков"
    assert "Рахмат! Материалдар: https://example.org/materials" in thanks.get_body(("plain",)).get_content()


def test_the_after_event_button_sends_to_those_who_came_and_only_once(client, db, clock, login_as, mailbox) -> None:
    org = make_organisation(db, slug="ogo")
    event = open_event(db, organiser=org, capacity=10, start_at=NOW - timedelta(hours=5))
    db.commit()
    site = Site.from_settings(client.app.state.settings)
    _register(db, site, event, ("came@example.org", "ru"), now=NOW - timedelta(days=2))
    reg = db.exec(select(Registration)).one()
    user, csrf = login_as("organiser", organisations=("ogo",), email="org@example.org")
    service.check_in(db, event=event, registration_id=reg.id, user=user, now=NOW - timedelta(hours=4))
    db.commit()
    base = f"/admin/events/{event.slug}/registrations/reminders"

    refused = client.post(f"{base}/after-event", data={"csrf_token": csrf})
    saved = client.post(
        base,
        data={"csrf_token": csrf, "reminder_hours": ["168", "24"], "after_event_text_ru": "Спасибо, что пришли!"},
        follow_redirects=False,
    )
    mailbox.clear()
    first = client.post(f"{base}/after-event", data={"csrf_token": csrf}, follow_redirects=False)
    second = client.post(f"{base}/after-event", data={"csrf_token": csrf}, follow_redirects=False)

    assert refused.status_code == 409
    assert "Сначала напишите текст письма после мероприятия" in refused.text
    assert saved.status_code == 303
    stored = db.get(EventMailSettings, event.id)
    assert (stored.reminder_hours, stored.after_event, stored.after_event_text) == (
        [168, 24],
        False,
        "Спасибо, что пришли!",
    )
    assert first.headers["location"].endswith("done=after_event&count=1")
    assert second.headers["location"].endswith("done=after_event&count=0")
    [thanks] = mailbox.wait_for(1)
    assert thanks["To"] == "came@example.org" and thanks["Subject"].startswith("Спасибо за участие")
    assert "Спасибо, что пришли!" in thanks.get_body(("plain",)).get_content()
    assert "Письмо после мероприятия поставлено в очередь: 1." in client.get(first.headers["location"]).text
    assert db.exec(select(AuditLog).where(AuditLog.action == "send_after_event")).one().user_id == user.id


def test_reminder_settings_form_names_bad_input_and_keeps_it(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="ogo")
    event = open_event(db, organiser=org)
    db.commit()
    _user, csrf = login_as("organiser", organisations=("ogo",), email="org@example.org")
    base = f"/admin/events/{event.slug}/registrations/reminders"
    before = table_counts(db)

    unknown = client.post(base, data={"csrf_token": csrf, "reminder_hours": "5", "reminder_text_ru": "Мой текст"})
    no_text = client.post(base, data={"csrf_token": csrf, "after_event": "on", "reminder_text_en": "Kept"})
    too_long = client.post(base, data={"csrf_token": csrf, "reminder_text_ky": "ы" * 2001})

    assert [r.status_code for r in (unknown, no_text, too_long)] == [422, 422, 422]
    assert "неизвестный срок напоминания" in unknown.text and ">Мой текст</textarea>" in unknown.text
    assert "напишите текст письма после мероприятия хотя бы на одном языке" in no_text.text
    assert ">Kept</textarea>" in no_text.text
    assert "не длиннее 2000 символов" in too_long.text
    db.expire_all()
    assert table_counts(db) == before
    page = client.get(base)
    assert 'name="reminder_hours" value="24" checked' in page.text  # the default: a day before


def test_none_chosen_means_no_reminders(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="ogo")
    event = open_event(db, organiser=org, start_at=START)
    db.commit()
    _user, csrf = login_as("organiser", organisations=("ogo",), email="org@example.org")
    client.post(f"/admin/events/{event.slug}/registrations/reminders", data={"csrf_token": csrf})
    site = Site.from_settings(client.app.state.settings)
    _register(db, site, event, ("a@example.org", "ru"))

    assert db.get(EventMailSettings, event.id).reminder_hours == []
    assert _cron(db, site, [START - timedelta(hours=h) for h in (200, 100, 23, 2)]) == []


def test_the_cron_command_sends_the_after_event_message_once(cli_db, mailbox) -> None:  # noqa: F811
    from eventhub.cli import app as cli

    settings, engine = cli_db
    site = Site.from_settings(settings)
    now = utcnow()
    with Session(engine) as db:
        event = open_event(db, capacity=5, start_at=now - timedelta(hours=6))
        db.commit()
        _register(db, site, event, ("came@example.org", "ru"), now=now - timedelta(days=1))
        reg = db.exec(select(Registration)).one()
        reg.status, reg.checked_in_at = "attended", now - timedelta(hours=5)
        db.add(EventMailSettings(event_id=event.id, after_event=True, after_event_text="Спасибо!"))
        db.add(reg)
        db.commit()
        outbox.deliver(BoundUnits(db), settings, now=now + timedelta(days=1), limit=10)
    mailbox.clear()

    first = CliRunner().invoke(cli, ["reminders", "send"])
    second = CliRunner().invoke(cli, ["reminders", "send"])

    assert first.exit_code == 0, first.output
    assert "after the event: 1 queued" in first.output and "sent 1" in first.output
    assert "after the event: 0 queued" in second.output
    [thanks] = mailbox.wait_for(1)
    assert thanks["To"] == "came@example.org"


def test_the_button_before_the_event_starts_is_refused(db, settings, clock) -> None:
    site = Site.from_settings(settings)
    event = open_event(db, start_at=START)
    _settings(db, event, after_event_text="Спасибо!")
    with pytest.raises(Conflict):
        reminders.queue_after_event(db, event_id=event.id, now=NOW, site=site)
