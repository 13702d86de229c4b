"""The private page /r/{token}: view, change, cancel (the waiting list moves), .ics, calendar link."""

import re

import icalendar
from sqlmodel import select

from eventhub.core.models import PersonalCalendar, Registration
from eventhub.core.tokens import hash_token
from tests.registrations.conftest import form, open_event


def _link(message) -> str:
    return re.search(r"http://testserver(/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)


def _register(client, event, mailbox, email: str, **kw) -> str:
    before = len(mailbox.messages)
    client.post(f"/events/{event.slug}/register", data=form(email=email, **kw))
    return _link(mailbox.wait_for(before + 1)[before])


def _status(db, email: str) -> str:
    db.expire_all()
    return db.exec(select(Registration).where(Registration.email_normalised == email)).one().status


def test_only_the_hash_of_the_private_token_is_stored(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "a@example.org")
    token = link.removeprefix("/r/")

    reg = db.exec(select(Registration)).one()
    assert len(token) >= 43
    assert reg.token_hash == hash_token(token)
    assert token not in reg.token_hash and token not in db.get(PersonalCalendar, "a@example.org").token_hash


def test_cancelling_frees_the_place_and_promotes_the_first_on_the_waiting_list(client, db, clock, mailbox) -> None:
    event = open_event(db, capacity=1)
    db.commit()
    link = _register(client, event, mailbox, "first@example.org")
    _register(client, event, mailbox, "second@example.org")
    _register(client, event, mailbox, "third@example.org")
    mailbox.clear()

    response = client.post(f"{link}/cancel", follow_redirects=False)

    assert response.status_code == 303
    assert "Регистрация отменена" in client.get(response.headers["location"]).text
    assert [_status(db, e) for e in ("first@example.org", "second@example.org", "third@example.org")] == [
        "cancelled",
        "confirmed",
        "waitlisted",
    ]
    messages = {m["To"]: m for m in mailbox.wait_for(2)}
    cancel_ics = icalendar.Calendar.from_ical(_attachment(messages["first@example.org"], "text/calendar"))
    assert cancel_ics["method"] == "CANCEL"
    assert messages["second@example.org"]["Subject"].startswith("Место освободилось")
    invite = icalendar.Calendar.from_ical(_attachment(messages["second@example.org"], "text/calendar"))
    assert invite["method"] == "REQUEST"
    [vevent] = invite.walk("VEVENT")
    assert str(vevent["attendee"]) == "mailto:second@example.org"


def _attachment(message, content_type: str) -> bytes:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True)
    raise AssertionError(f"no {content_type} part")


def test_a_cancelled_registration_cannot_be_cancelled_twice_and_can_register_again(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "a@example.org")
    client.post(f"{link}/cancel")

    again = client.post(f"{link}/cancel")
    client.post(f"/events/{event.slug}/register", data=form(email="a@example.org", full_name="Айгуль О."))

    assert again.status_code == 409 and "отменить нельзя" in again.text
    assert _status(db, "a@example.org") == "confirmed"
    assert db.exec(select(Registration)).one().full_name == "Айгуль О."
    assert client.get(link).status_code == 200  # the same link still works


def test_participant_changes_details_and_errors_keep_what_was_typed(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "a@example.org")

    bad = client.post(link, data={"full_name": "Айгуль Осмонова-Токтогулова", "phone": "123"})
    good = client.post(
        link,
        data={
            "full_name": "Айгуль Осмонова-Токтогулова",
            "phone": "0555 077 764",
            "gender": "",
            "accessibility_needs": "пандус",
        },
        follow_redirects=False,
    )

    assert bad.status_code == 422 and "неверный номер" in bad.text and "Осмонова-Токтогулова" in bad.text
    assert good.status_code == 303
    db.expire_all()
    reg = db.exec(select(Registration)).one()
    assert (reg.full_name, reg.phone, reg.gender, reg.accessibility_needs) == (
        "Айгуль Осмонова-Токтогулова",
        "+996555077764",
        None,
        "пандус",
    )
    assert reg.email == "a@example.org"
    # the private page gives the number back the way the participant wrote it (national format)
    page = client.get(link).text
    assert "0555 077 764" in page and "+996 555 077 764" not in page


def test_private_page_offers_the_event_ics_and_a_personal_calendar_link_that_can_be_reset(
    client, db, clock, mailbox
) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "a@example.org")
    page = client.get(link)
    feed = re.search(r"http://testserver/calendar/personal/([\w-]+)\.ics", page.text).group(1)

    ics = client.get(f"{link}/event.ics")
    reset = client.post(f"{link}/calendar", follow_redirects=False)
    new_feed = re.search(r"http://testserver/calendar/personal/([\w-]+)\.ics", client.get(link).text).group(1)

    assert page.headers["referrer-policy"] == "no-referrer" and "noindex" in page.headers["x-robots-tag"]
    assert ics.headers["content-type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(ics.content)
    [vevent] = cal.walk("VEVENT")
    assert str(vevent["summary"]) == event.title
    assert vevent.decoded("dtstart") == event.start_at
    assert reset.status_code == 303
    assert new_feed != feed
    db.expire_all()
    assert db.get(PersonalCalendar, "a@example.org").token_hash == hash_token(new_feed)


def _summaries(body: bytes) -> list[str]:
    return sorted(str(e["summary"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_a_reset_from_one_events_page_cuts_off_every_older_address_of_that_person(client, db, clock, mailbox) -> None:
    a = open_event(db, title="Форум аймаков")
    b = open_event(db, title="Круглый стол ОГО")
    db.commit()
    link_a = _register(client, a, mailbox, "a@example.org")
    link_b = _register(client, b, mailbox, "A@Example.org")  # the same person, however typed
    feed = r"http://testserver(/calendar/personal/[\w-]+\.ics)"
    old_a = re.search(feed, client.get(link_a).text).group(1)
    old_b = re.search(feed, client.get(link_b).text).group(1)
    mailed = {re.search(feed, m.get_body(("plain",)).get_content()).group(1) for m in mailbox.messages}
    assert _summaries(client.get(old_b).content) == ["Круглый стол ОГО", "Форум аймаков"]

    assert client.post(f"{link_a}/calendar", follow_redirects=False).status_code == 303

    for old in {old_a, old_b} | mailed:
        assert client.get(old).status_code == 404, old
    new = re.search(feed, client.get(link_a).text).group(1)
    assert re.search(feed, client.get(link_b).text).group(1) == new  # B's page shows the new address too
    assert new not in {old_a, old_b} | mailed
    assert _summaries(client.get(new).content) == ["Круглый стол ОГО", "Форум аймаков"]


def test_someone_registered_before_personal_calendars_per_person_gets_one_from_the_page(
    client, db, clock, mailbox
) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "a@example.org")
    db.delete(db.get(PersonalCalendar, "a@example.org"))  # as after the migration: none issued yet
    db.commit()
    page = client.get(link).text
    assert "/calendar/personal/" not in page and "Получить ссылку на личный календарь" in page

    client.post(f"{link}/calendar")

    feed = re.search(r"http://testserver(/calendar/personal/[\w-]+\.ics)", client.get(link).text).group(1)
    assert _summaries(client.get(feed).content) == [event.title]


def test_a_bad_or_outdated_link_is_a_clear_404(client, db, clock) -> None:
    for path in ("/r/nonsense", "/r/" + "x" * 43, "/r/" + "x" * 500):
        response = client.get(path)
        assert response.status_code == 404
        assert "Ссылка недействительна или устарела" in response.text
    assert client.post("/r/nonsense/cancel").status_code == 404


def test_head_on_the_private_page_answers_like_get(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    link = _register(client, event, mailbox, "head@example.org")
    get, head = client.get(link), client.head(link)
    assert head.status_code == get.status_code == 200
    assert head.content == b""
    assert head.headers["cache-control"] == get.headers["cache-control"]
    assert head.headers["content-length"] == get.headers["content-length"]


def test_a_participant_renews_their_private_link_and_the_old_one_stops_working(client, db, clock, mailbox) -> None:
    """Issue 21, item 4: the new link goes to the address, the old one is a 404."""
    event = open_event(db, capacity=5)
    db.commit()
    old = _register(client, event, mailbox, "renew@example.org")
    assert "/renew" in client.get(old).text
    mailbox.clear()
    answer = client.post(f"{old}/renew")
    assert answer.status_code == 200 and "Прежняя ссылка больше не работает" in answer.text
    mail = mailbox.wait_for(1)[0]
    assert mail["To"] == "renew@example.org" and mail["Subject"].startswith("Новая личная ссылка")
    new = _link(mail)
    assert new.removeprefix("/r/") not in answer.text  # only the owner's mailbox gets it
    assert new != old and client.get(old).status_code == 404 and client.get(new).status_code == 200
    # Later mails carry the new link (its generation is found again from the stored hash).
    mailbox.clear()
    client.post(f"/events/{event.slug}/register", data=form(email="renew@example.org"))
    assert _link(mailbox.wait_for(1)[0]) == new


def test_a_cancelled_registrations_link_shows_it_and_changes_nothing(client, db, clock, mailbox) -> None:
    event = open_event(db, capacity=5)
    db.commit()
    link = _register(client, event, mailbox, "gone@example.org")
    client.post(f"{link}/cancel")
    reg = db.exec(select(Registration).where(Registration.email_normalised == "gone@example.org")).one()
    db.refresh(reg)
    before = (reg.status, reg.token_hash, reg.full_name, db.get(PersonalCalendar, "gone@example.org").token_hash)
    page = client.get(link)
    assert page.status_code == 200 and "по этой ссылке ничего изменить нельзя" in page.text
    assert 'action="' + link + '/calendar"' not in page.text and "/renew" not in page.text
    assert client.post(link, data=form(email="gone@example.org", full_name="Другое имя")).status_code == 409
    assert client.post(f"{link}/cancel").status_code == 409
    assert client.post(f"{link}/calendar").status_code == 409
    assert client.post(f"{link}/renew").status_code == 409
    db.expire_all()
    reg = db.get(Registration, reg.id)
    after = (reg.status, reg.token_hash, reg.full_name, db.get(PersonalCalendar, "gone@example.org").token_hash)
    assert after == before


def test_the_private_page_has_the_event_pages_add_to_calendar_buttons(client, db, clock, mailbox) -> None:
    event = open_event(db, online_url="https://meet.example.org/room")
    db.commit()
    page = client.get(_register(client, event, mailbox, "cal@example.org")).text

    assert "Добавить в календарь" in page
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in page
    assert "https://outlook.live.com/calendar/0/action/compose?" in page
    assert "https://outlook.office.com/calendar/0/action/compose?" in page
    assert f"webcal://testserver/events/{event.slug}.ics" in page
    assert "meet.example.org%2Froom" in page  # the online link travels with the event
