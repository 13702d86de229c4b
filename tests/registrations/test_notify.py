"""Staff change an event: every registered person gets one e-mail in their language, through the
outbox and a real SMTP server; confirmed people's calendar part updates the entry their
invitation made (same UID, higher SEQUENCE); the private page follows the event."""

import re
from datetime import timedelta

import icalendar
import pytest
from sqlmodel import select

from eventhub.core import outbox
from eventhub.core.models import OutboxMessage, Registration
from tests.conftest import BoundUnits
from tests.feeds import conftest as feed_fixtures
from tests.registrations.conftest import NOW, form, open_event

icaljs, parse = feed_fixtures.icaljs, feed_fixtures.parse  # fixtures: the four parsers

TITLES = {"ru": "Форум аймаков", "en": "Forum of Aimaks", "ky": "Аймактар форуму"}
PEOPLE = [  # (name, e-mail, language); the fourth finds the places taken
    ("Айгуль Осмонова", "aigul@example.org", "ru"),
    ("Бакыт Асанов", "bakyt@example.org", "ky"),
    ("John Smith", "john@example.org", "en"),
    ("Нурлан Токтосунов", "nurlan@example.org", "ru"),
]
SUBJECTS = {
    "update": {"ru": "Изменение: ", "en": "Change: ", "ky": "Өзгөртүү: "},
    "postpone": {"ru": "Мероприятие перенесено: ", "en": "Event postponed: ", "ky": "Иш-чара жылдырылды: "},
    "cancel": {"ru": "Мероприятие отменено: ", "en": "Event cancelled: ", "ky": "Иш-чара жокко чыгарылды: "},
}
START = NOW + timedelta(days=30)
LATER = START + timedelta(days=7)
CHANGES = {  # name: (path suffix or None for PATCH, body, kind, what the calendar shows)
    "time": (None, {"start_at": (START + timedelta(hours=2)).isoformat(), "end_at": (START + timedelta(hours=6)).isoformat(), "note": "Начнём на два часа позже"}, "update"),
    "place": (None, {"venue_name": "Зал «Ала-Тоо»", "city": "Ош"}, "update"),
    "online": (None, {"online_url": "https://meet.example.org/forum-2030"}, "update"),
    "postpone": ("/postpone", {"start_at": LATER.isoformat(), "end_at": (LATER + timedelta(hours=4)).isoformat(), "note": "Перенесли на неделю из-за выборов"}, "postpone"),
    "cancel": ("/cancel", {"reason": "Площадка закрыта на ремонт"}, "cancel"),
    "quiet": (None, {"venue_name": "Конференц-зал ИПР.", "notify": False}, "update"),
}  # fmt: skip


def _calendar_part(message):
    [alternative] = [p for p in message.walk() if p.get_content_type() == "multipart/alternative"]
    parts = [p for p in alternative.iter_parts() if p.get_content_type() == "text/calendar"]
    return parts[0] if parts else None


def _private_token(message) -> str:
    return re.search(r"/r/([A-Za-z0-9_-]+)", message.get_body(preferencelist=("plain",)).get_content()).group(1)


@pytest.fixture()
def registered(client, db, clock, mailbox):
    """Four people registered through the form (three confirmed with invitations, one waiting)."""
    event = open_event(
        db, title=TITLES["ru"], translations={"en": {"title": TITLES["en"]}, "ky": {"title": TITLES["ky"]}},
        capacity=3, start_at=START, venue_name="Конференц-зал ИПР",
        contact_name="Айжан Бекова", contact_email="aijan@ipr.kg", contact_phone="0555 123 456",
    )  # fmt: skip
    db.commit()
    for name, address, lang in PEOPLE:
        client.post(f"/events/{event.slug}/register", data=form(full_name=name, email=address, language=lang))
    first = {m["To"]: m for m in mailbox.wait_for(len(PEOPLE))}
    assert len(first) == len(PEOPLE)
    invitations = {}
    for address, message in first.items():
        part = _calendar_part(message)
        if part is not None:
            [vevent] = icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
            invitations[address] = (str(vevent["uid"]), int(vevent["sequence"]))
    assert set(invitations) == {p[1] for p in PEOPLE[:3]}
    mailbox.clear()
    return event, invitations, {a: _private_token(m) for a, m in first.items()}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_reaches_every_registrant_in_their_language_and_updates_their_calendar(
    change, client, db, app, bearer_as, mailbox, registered, parse
) -> None:
    event, invitations, tokens = registered
    suffix, body, kind = CHANGES[change]
    url = f"/api/v1/events/{event.slug}{suffix or ''}"
    response = (client.post if suffix else client.patch)(url, json=body, headers=bearer_as("admin"))
    assert response.status_code == 200, response.text
    expected = 0 if change == "quiet" else len(PEOPLE)
    assert response.json()["notified"] == expected

    report = outbox.deliver(BoundUnits(db), app.state.settings)
    assert len(report.sent) == expected
    messages = {m["To"]: m for m in mailbox.wait_for(expected)}
    assert len(mailbox.messages) == expected
    if change == "quiet":
        assert db.exec(select(OutboxMessage).where(OutboxMessage.kind.like("event_%"))).all() == []
        return

    db.refresh(event)
    bodies = {}
    for name, address, lang in PEOPLE:
        message = messages[address]
        assert message["Subject"] == SUBJECTS[kind][lang] + TITLES[lang]
        assert message["Reply-To"] == "Айжан Бекова <aijan@ipr.kg>"
        assert message.get_content_type() == ("multipart/mixed" if address in invitations else "multipart/alternative")
        for part in message.walk():
            if part.get_content_maintype() == "text":
                assert part["Content-Transfer-Encoding"] in ("base64", "quoted-printable"), part.get_content_type()
        raw = mailbox.envelopes[mailbox.messages.index(message)].content
        assert max(raw) < 128  # 7-bit clean: a server without 8BITMIME takes it
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert name in text and "Айжан Бекова, aijan@ipr.kg" in text and tokens[address] in text
        if body.get("note") or body.get("reason"):
            assert (body.get("note") or body["reason"]) in text
        html = message.get_body(preferencelist=("html",)).get_content()
        assert f'<html lang="{lang}">' in html and f"/r/{tokens[address]}" in html
        part = _calendar_part(message)
        if address not in invitations:  # the waiting list: the news, no invitation
            assert part is None and "invite.ics" not in text
            continue
        method = "CANCEL" if kind == "cancel" else "REQUEST"
        assert (part.get_param("method"), part.get_content_charset()) == (method, "utf-8")
        [file] = [p for p in message.walk() if p.get_filename()]
        assert file.get_filename() == ("cancel.ics" if kind == "cancel" else "invite.ics")
        ics = part.get_payload(decode=True)
        cal = icalendar.Calendar.from_ical(ics)
        [vevent] = cal.walk("VEVENT")
        assert str(cal["method"]) == method
        assert vevent["attendee"] == f"mailto:{address}" and vevent["attendee"].params["CN"] == name
        assert "/r/" not in str(vevent["description"])  # calendars are shared
        bodies[address] = ics

    uid_seq = {a: (uid, seq) for a, (uid, seq) in invitations.items()}
    for parser in ("icalendar", "vobject", "ical", "ical.js"):
        parsed = parse(parser, bodies)
        for address, [vevent] in parsed.items():
            uid, first_sequence = uid_seq[address]
            assert vevent["uid"] == uid, parser
            assert vevent["sequence"] > first_sequence and vevent["sequence"] == event.sequence, parser
            assert vevent["start"] == event.start_at.strftime("%Y-%m-%dT%H:%M:%SZ"), parser
            assert vevent["status"] == ("CANCELLED" if kind == "cancel" else "CONFIRMED"), parser
            summary = TITLES[next(p[2] for p in PEOPLE if p[1] == address)]
            if kind == "cancel":  # the feed's entry says it in the title too ("Отменено: …")
                assert vevent["summary"] != summary and vevent["summary"].endswith(summary), parser
            else:
                assert vevent["summary"] == summary, parser

    sequences = dict(db.exec(select(Registration.email, Registration.ics_sequence)).all())
    assert {a: sequences[a] for a in invitations} == {a: event.sequence for a in invitations}

    page = client.get(f"/r/{tokens['aigul@example.org']}")
    if kind == "cancel":
        assert "Мероприятие отменено." in page.text and "Площадка закрыта на ремонт" in page.text
        assert 'id="cancel-button"' not in page.text and "Сохранить" not in page.text
        refused = client.post(f"/r/{tokens['aigul@example.org']}", data=form())
        assert refused.status_code == 409 and "Мероприятие отменено: регистрацию больше нельзя" in refused.text
        refused = client.post(f"/r/{tokens['aigul@example.org']}/cancel")
        assert refused.status_code == 409
        assert (
            db.exec(select(Registration.status).where(Registration.email == "aigul@example.org")).one() == "confirmed"
        )
    elif kind == "postpone":
        assert "Мероприятие перенесено." in page.text and "Перенесли на неделю из-за выборов" in page.text
        assert "Было: " in page.text and 'id="cancel-button"' in page.text
    else:
        assert 'id="cancel-button"' in page.text and 'id="event-notice"' not in page.text


def test_a_cancelled_and_renewed_registration_gets_an_invitation_above_its_cancel(
    client, db, app, mailbox, registered
) -> None:
    event, invitations, tokens = registered
    address = "aigul@example.org"
    client.post(f"/r/{tokens[address]}/cancel")
    mailbox.wait_for(2)  # her cancellation, and the promotion of the waiting list
    [cancel] = [m for m in mailbox.messages if m["To"] == address]
    [vevent] = icalendar.Calendar.from_ical(_calendar_part(cancel).get_payload(decode=True)).walk("VEVENT")
    cancel_sequence = int(vevent["sequence"])
    assert cancel_sequence > invitations[address][1]
    assert "STATUS" not in vevent  # one attendee withdrawn, not the event cancelled
    assert vevent["attendee"].params["PARTSTAT"] == "DECLINED"
    mailbox.clear()

    db.exec(select(Registration)).all()
    event.capacity = 5
    db.add(event)
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form(full_name="Айгуль Осмонова", email=address))
    [again] = mailbox.wait_for(1)
    [vevent] = icalendar.Calendar.from_ical(_calendar_part(again).get_payload(decode=True)).walk("VEVENT")
    assert (
        str(vevent["uid"]),
        str(icalendar.Calendar.from_ical(_calendar_part(again).get_payload(decode=True))["method"]),
    ) == (invitations[address][0], "REQUEST")
    assert int(vevent["sequence"]) == cancel_sequence + 1


def test_the_private_pages_calendar_file_names_no_attendee(client, db, registered) -> None:
    event, invitations, tokens = registered
    body = client.get(f"/r/{tokens['aigul@example.org']}/event.ics").content
    cal = icalendar.Calendar.from_ical(body)
    [vevent] = cal.walk("VEVENT")
    assert str(cal["method"]) == "PUBLISH" and "ATTENDEE" not in vevent
    assert str(vevent["uid"]) == invitations["aigul@example.org"][0]
    assert "/r/" not in str(vevent["description"])


def test_without_a_contact_no_mail_asks_for_a_reply(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    client.post(f"/events/{event.slug}/register", data=form())
    [message] = mailbox.wait_for(1)
    assert message["Reply-To"] is None
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "ответ" not in text.lower()


@pytest.mark.parametrize(
    ("path", "body", "field", "message"),
    [
        ("", {"venue_name": "Ош", "note": ""}, "note", "не может быть пустым"),
        ("", {"venue_name": "Ош", "note": "я" * 2001}, "note", "не длиннее 2000 символов"),
        ("/postpone", {"start_at": LATER.isoformat(), "end_at": (LATER + timedelta(hours=1)).isoformat(), "note": "  "}, "note", "не может быть пустым"),
        ("/cancel", {"reason": ""}, "reason", "не может быть пустым"),
        ("/cancel", {"reason": "Погода", "notify": "может быть"}, "notify", "нужно да или нет (true/false)"),
        ("", {"contact_email": "aijan@"}, "contact_email", "неверный адрес электронной почты «aijan@» (пример: name@example.org)"),
    ],
)  # fmt: skip
def test_bad_input_says_what_is_wrong_and_queues_nothing(
    path, body, field, message, client, db, bearer_as, registered
) -> None:
    event, _invitations, _tokens = registered
    url = f"/api/v1/events/{event.slug}{path}"
    response = (client.post if path else client.patch)(url, json=body, headers=bearer_as("admin"))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][field] == message
    assert db.exec(select(OutboxMessage).where(OutboxMessage.kind.like("event_%"))).all() == []
    db.refresh(event)
    assert (event.status, event.venue_name) == ("published", "Конференц-зал ИПР")


def test_an_attendee_name_with_carets_quotes_and_any_length_reads_back_whole() -> None:
    """The hand-written ATTENDEE line escapes as icalendar does (RFC 6868) and folds safely."""
    from eventhub.registrations.notify import Recipient, _attendee_line

    name = 'Асель "Ака" Токтогулова ^ x^n^^y ' + "Ө" * 40
    person = Recipient(1, 1, name, "asel@example.kg", "asel@example.kg", "ky", "confirmed", None)
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//RU\r\nBEGIN:VEVENT\r\nUID:u@t\r\n"
        b"DTSTAMP:20300101T000000Z\r\nDTSTART:20300101T100000Z\r\n"
        + _attendee_line(person)
        + b"END:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert (str(vevent["attendee"]), vevent["attendee"].params["CN"]) == ("mailto:asel@example.kg", name)
