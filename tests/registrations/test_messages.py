"""Messages to registrants: compose in three languages, preview, a test to oneself, the send
through the outbox to a real SMTP server, the history, bad input, who may; the event's outbox
with retry; WhatsApp links and phone lists on staff pages only."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from eventhub.core import outbox
from eventhub.core.models import AuditLog, EventMessage, OutboxMessage, Registration
from eventhub.registrations import messages, service
from eventhub.registrations.mail import Site
from eventhub.registrations.schemas import parse_registration
from tests.conftest import BoundUnits
from tests.factories import make_organisation, table_counts
from tests.registrations.conftest import NOW, form, free_port, open_event

PEOPLE = (
    # email, name, language, extra form fields
    ("aigul@example.org", "Айгуль Осмонова", "ru", {"region": "naryn", "phone": "0702 174 107"}),
    (
        "bakyt@example.org",
        "Бакыт Асанов",
        "ky",
        {"region": "osh", "category": "press", "outlet": "Азаттык", "phone": None},
    ),
    ("chynara@example.org", "Чынара Жусупова", "en", {"region": "naryn", "phone": "0555 077 764"}),
)
VERSIONS = {
    "subject_ru": "Программа: {event}",
    "body_ru": "Здравствуйте, {name}!\n\nВаша страница: {link}\n\n**Начало в 10:00.**",
    "subject_ky": "Программа (ky): {event}",
    "body_ky": "Саламатсызбы, {name}!\n\nСиздин барак: {link}",
    "subject_en": "Agenda: {event}",
    "body_en": "Hello, {name}!\n\nYour page: {link}",
}


@pytest.fixture()
def organised(db, app):
    org = make_organisation(db, slug="ogo-koalitsiya", name="Коалиция ОГО")
    event = open_event(db, organiser=org, capacity=10, title="Форум аймаков")
    db.commit()
    site = Site.from_settings(app.state.settings)
    for email, name, lang, extra in PEOPLE:
        data = parse_registration(form(email=email, full_name=name, language=lang, **extra))
        service.register(db, event_id=event.id, data=data, now=NOW, site=site)
        db.commit()
    return event


@pytest.fixture()
def organiser(login_as):
    return login_as("organiser", organisations=("ogo-koalitsiya",), email="organiser@example.org")


def _regs(db, event) -> dict[str, Registration]:
    db.expire_all()
    return {r.email: r for r in db.exec(select(Registration).where(Registration.event_id == event.id))}


def _post(client, event, csrf, action, **fields):
    data = {"csrf_token": csrf, "action": action, "audience": "1", "status": ["confirmed"], **VERSIONS} | fields
    return client.post(f"/admin/events/{event.slug}/registrations/messages", data=data, follow_redirects=False)


def _text(message) -> str:
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def _html(message) -> str:
    return message.get_body(("html",)).get_content()


def test_a_message_reaches_each_person_in_their_language_with_their_name_and_link(
    client, db, app, clock, organised, organiser, mailbox
) -> None:
    user, csrf = organiser
    site = Site.from_settings(app.state.settings)
    regs = _regs(db, organised)
    mailbox.clear()

    preview = _post(client, organised, csrf, "preview")
    test = _post(client, organised, csrf, "test")
    [to_self] = mailbox.wait_for(1)
    mailbox.clear()
    sent = _post(client, organised, csrf, "send")
    received = mailbox.wait_for(3)

    assert preview.status_code == 200
    assert "Получателей: 3." in preview.text
    assert not any(site.private_url(r) in preview.text for r in regs.values())  # links are masked
    assert test.status_code == 200 and "Проверочное письмо отправлено на organiser@example.org" in test.text
    assert (to_self["To"], to_self["Subject"]) == ("organiser@example.org", "[Проверка] Программа: Форум аймаков")
    assert not any(site.private_url(r) in _text(to_self) for r in regs.values())
    assert sent.status_code == 303
    [message] = db.exec(select(EventMessage)).all()
    assert sent.headers["location"] == f"/admin/events/{organised.slug}/registrations/messages/{message.id}?done=sent"
    by_to = {m["To"]: m for m in received}
    assert sorted(by_to) == ["aigul@example.org", "bakyt@example.org", "chynara@example.org"]
    assert by_to["aigul@example.org"]["Subject"] == "Программа: Форум аймаков"
    assert by_to["bakyt@example.org"]["Subject"] == "Программа (ky): Форум аймаков"
    assert by_to["chynara@example.org"]["Subject"] == "Agenda: Форум аймаков"
    assert _text(by_to["aigul@example.org"]).startswith(
        f"Здравствуйте, Айгуль Осмонова!\n\nВаша страница: {site.private_url(regs['aigul@example.org'])}\n"
    )
    assert _text(by_to["bakyt@example.org"]).startswith(
        f"Саламатсызбы, Бакыт Асанов!\n\nСиздин барак: {site.private_url(regs['bakyt@example.org'])}\n"
    )
    assert _text(by_to["chynara@example.org"]).startswith(
        f"Hello, Чынара Жусупова!\n\nYour page: {site.private_url(regs['chynara@example.org'])}\n"
    )
    assert "<strong>Начало в 10:00.</strong>" in _html(by_to["aigul@example.org"])
    link = site.private_url(regs["aigul@example.org"])
    assert f'Ваша страница: <a href="{link}">{link}</a>' in _html(by_to["aigul@example.org"])
    assert (message.recipients, message.original_language, sorted(message.translations)) == (3, "ru", ["en", "ky"])
    assert message.audience["status"] == ["confirmed"]
    rows = db.exec(select(OutboxMessage).where(OutboxMessage.message_id == message.id)).all()
    assert sorted(r.status for r in rows) == ["sent", "sent", "sent"]
    history = client.get(f"/admin/events/{organised.slug}/registrations/messages")
    assert re.search(r"Программа: \{event\}</a></td>\s*<td>3</td><td>3</td>", history.text)
    audit = db.exec(select(AuditLog).where(AuditLog.action == "send_message")).one()
    assert (audit.user_id, audit.event_id, audit.changes["recipients"]) == (user.id, organised.id, [None, 3])


def test_a_missing_version_falls_back_to_the_original(client, db, app, clock, organised, organiser, mailbox) -> None:
    _user, csrf = organiser
    mailbox.clear()
    _post(client, organised, csrf, "send", subject_ky="", body_ky="", subject_en="", body_en="Only the body: {name}")

    by_to = {m["To"]: m for m in mailbox.wait_for(3)}

    assert by_to["bakyt@example.org"]["Subject"] == "Программа: Форум аймаков"
    assert _text(by_to["bakyt@example.org"]).startswith("Здравствуйте, Бакыт Асанов!")
    assert by_to["chynara@example.org"]["Subject"] == "Программа: Форум аймаков"
    assert _text(by_to["chynara@example.org"]).startswith("Only the body: Чынара Жусупова")


def test_audience_filters_narrow_by_status_category_organisation_region_and_arrival(
    db, clock, organised, make_staff
) -> None:
    regs = _regs(db, organised)
    org = make_organisation(db, name="Министерство экономики")
    regs["chynara@example.org"].organisation_id = org.id
    db.add(regs["chynara@example.org"])
    staff = make_staff("admin")
    service.check_in(db, event=organised, registration_id=regs["aigul@example.org"].id, user=staff, now=NOW)
    db.commit()

    def who(**audience) -> list[str]:
        return [r.email for r in messages.recipients(db, organised, messages.Audience(**audience))]

    assert who() == ["aigul@example.org", "bakyt@example.org", "chynara@example.org"]
    assert who(status=["confirmed"]) == ["bakyt@example.org", "chynara@example.org"]
    assert who(category=["press"]) == ["bakyt@example.org"]
    assert who(region=["naryn"]) == ["aigul@example.org", "chynara@example.org"]
    assert who(organisation=[org.id]) == ["chynara@example.org"]
    assert who(checked_in="yes") == ["aigul@example.org"]
    assert who(checked_in="no", region=["naryn"]) == ["chynara@example.org"]
    assert who(status=["waitlisted"]) == []
    assert [o.name for o in messages.organisations_of(db, organised)] == ["Министерство экономики"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"subject_ru": "  "}, "subject_ru", "не может быть пустым: это версия на языке оригинала"),
        (
            {"body_ru": "Здравствуйте, {names}!"},
            "body_ru",
            "неизвестная подстановка {names}; можно: {name}, {link}, {event}",
        ),
        ({"subject_en": "Hi {first_name}"}, "subject_en", "неизвестная подстановка {first_name}"),
        ({"body_ru": "а" * (messages.MAX_BODY + 1)}, "body_ru", f"не длиннее {messages.MAX_BODY} символов"),
        (
            {"subject_ru": "Тема\r\nBcc: x@example.org"},
            "subject_ru",
            "недопустимый символ U+000D: текст должен быть одной строкой",
        ),
        ({"status": ["declined"]}, "audience", "ни одного получателя — измените условия"),
        ({"status": []}, "audience.status", "выберите хотя бы одно значение"),
    ],
)
@pytest.mark.parametrize("action", ["preview", "test", "send"])
def test_bad_input_is_named_on_the_form_which_keeps_what_was_typed_and_nothing_is_queued(
    client, db, clock, organised, organiser, mailbox, fields, field, message, action
) -> None:
    _user, csrf = organiser
    before = table_counts(db)

    response = _post(client, organised, csrf, action, **fields)

    assert response.status_code == 422
    assert message in response.text
    if field != "audience":
        assert f'aria-invalid="true" aria-describedby="err-{field}"' in response.text or "has-error" in response.text
    assert "Саламатсызбы, {name}!" in response.text  # another field's text is kept
    db.expire_all()
    assert table_counts(db) == before


def test_organisers_of_other_organisations_see_and_send_nothing(client, db, clock, organised, login_as) -> None:
    _user, csrf = login_as("organiser", organisations=("ogo-koalitsiya",), email="own@example.org")
    _post(client, organised, csrf, "send")
    [message] = db.exec(select(EventMessage)).all()
    row = db.exec(select(OutboxMessage).where(OutboxMessage.message_id == message.id)).first()
    base = f"/admin/events/{organised.slug}/registrations"

    _other, csrf = login_as("organiser", organisations=(make_organisation(db).slug,), email="other@example.org")
    before = table_counts(db)
    pages = [client.get(base + p) for p in ("/messages", f"/messages/{message.id}", "/reminders", "/phones", "/outbox")]
    posts = [
        _post(client, organised, csrf, "send"),
        client.post(f"{base}/outbox/{row.id}/retry", data={"csrf_token": csrf}),
        client.post(f"{base}/reminders", data={"csrf_token": csrf, "reminder_hours": "168"}),
        client.post(f"{base}/reminders/after-event", data={"csrf_token": csrf}),
    ]

    assert [r.status_code for r in pages + posts] == [403] * 9
    assert all("aigul@example.org" not in r.text and "Программа" not in r.text for r in pages + posts)
    db.expire_all()
    assert table_counts(db) == before


def test_a_draft_event_of_another_organisation_does_not_exist_for_them(client, db, clock, login_as) -> None:
    draft = open_event(db, status="draft")
    db.commit()
    login_as("organiser", organisations=(make_organisation(db).slug,), email="other@example.org")

    for path in ("/messages", "/outbox", "/phones", "/reminders"):
        assert client.get(f"/admin/events/{draft.slug}/registrations{path}").status_code == 404


def test_history_counts_failures_and_the_outbox_page_retries_them(
    client, app, db, settings, clock, organised, organiser, mailbox
) -> None:
    _user, csrf = organiser
    working = app.state.settings
    down = working.model_copy(update={"smtp_port": free_port()})  # nobody listens there
    app.state.settings = down
    _post(client, organised, csrf, "send")
    [message] = db.exec(select(EventMessage)).all()
    ids = list(db.exec(select(OutboxMessage.id).where(OutboxMessage.message_id == message.id)))
    when = NOW
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.deliver(BoundUnits(db), down, now=when, ids=ids, force=True)
        when += timedelta(hours=7)
    base = f"/admin/events/{organised.slug}/registrations"

    failed_history = client.get(f"{base}/messages/{message.id}")
    failed_outbox = client.get(f"{base}/outbox", params={"status": "failed"})
    [delivery] = [d for m, _a, d in messages.history(db, organised) if m.id == message.id]
    row = db.exec(
        select(OutboxMessage).where(
            OutboxMessage.message_id == message.id, OutboxMessage.to_address == "bakyt@example.org"
        )
    ).one()
    app.state.settings = working
    mailbox.clear()
    retried = client.post(f"{base}/outbox/{row.id}/retry", data={"csrf_token": csrf}, follow_redirects=False)

    assert (delivery.sent, delivery.waiting, delivery.failed) == (0, 0, 3)
    assert "Не доставлено: <strong>3</strong>" in failed_history.text.replace("\n", "")
    assert failed_outbox.text.count("ConnectionRefusedError") == 3
    assert failed_outbox.text.count(">Повторить</button>") == 3
    assert retried.status_code == 303 and retried.headers["location"] == f"{base}/outbox?done=retry"
    assert [m["To"] for m in mailbox.wait_for(1)] == ["bakyt@example.org"]
    db.refresh(row)
    assert row.status == "sent"
    [after] = [d for m, _a, d in messages.history(db, organised) if m.id == message.id]
    assert (after.sent, after.failed) == (1, 2)
    audit = db.exec(select(AuditLog).where(AuditLog.action == "retry_mail")).one()
    assert (audit.entity_id, audit.changes) == (row.id, {"status": ["failed", "pending"]})
    assert "Письмо снова поставлено в очередь." in client.get(retried.headers["location"]).text


def test_only_a_failed_message_can_be_retried(client, db, clock, organised, organiser) -> None:
    _user, csrf = organiser
    row = db.exec(select(OutboxMessage)).first()  # a confirmation, not failed
    response = client.post(
        f"/admin/events/{organised.slug}/registrations/outbox/{row.id}/retry", data={"csrf_token": csrf}
    )
    assert response.status_code == 409
    assert "Повторить можно только письмо, которое не удалось отправить" in response.text


def test_the_outbox_page_shows_only_this_events_mail_and_pages(client, db, clock, organised, organiser) -> None:
    other = open_event(db, capacity=10)
    db.commit()
    service.register(
        db,
        event_id=other.id,
        data=parse_registration(form(email="elsewhere@example.org")),
        now=NOW,
        site=Site.from_settings(client.app.state.settings),
    )
    db.commit()

    page = client.get(f"/admin/events/{organised.slug}/registrations/outbox")

    assert page.status_code == 200
    assert page.text.count('<tr id="mail-') == 3
    assert "elsewhere@example.org" not in page.text


# --- WhatsApp ---


def test_the_staff_list_links_each_phone_to_whatsapp_with_the_event_prefilled(
    client, db, clock, organised, organiser
) -> None:
    page = client.get(f"/admin/events/{organised.slug}/registrations")

    links = re.findall(r'href="(https://wa\.me/[^"]+)"', page.text)
    assert len(links) == 2  # Бакыт gave no phone
    by_number = {urlsplit(u).path: u for u in (link.replace("&amp;", "&") for link in links)}
    assert sorted(by_number) == ["/996555077764", "/996702174107"]
    text = parse_qs(urlsplit(by_number["/996702174107"]).query)["text"][0]
    assert text.startswith("Здравствуйте, Айгуль Осмонова!\n«Форум аймаков» — ")
    assert text.endswith(f"\nhttp://testserver/events/{organised.slug}")
    english = parse_qs(urlsplit(by_number["/996555077764"]).query)["text"][0]
    assert english.startswith("Hello, Чынара Жусупова!\n“Форум аймаков” — ")
    assert "%0A" in by_number["/996702174107"] and " " not in by_number["/996702174107"]


def test_the_phones_of_an_audience_as_a_list_for_a_group(client, db, clock, organised, organiser) -> None:
    base = f"/admin/events/{organised.slug}/registrations/phones"

    everyone = client.get(base)
    naryn = client.get(base, params={"audience": "1", "status": "confirmed", "region": "naryn"})
    osh = client.get(base, params={"audience": "1", "status": "confirmed", "region": "osh"})

    def listed(page) -> list[str]:
        found = re.search(r'<textarea id="phone-list"[^>]*>([^<]*)</textarea>', page.text)
        return found.group(1).split("\n") if found else []

    assert listed(everyone) == ["+996702174107", "+996555077764"]
    assert listed(naryn) == ["+996702174107", "+996555077764"]
    assert listed(osh) == [] and "без телефона: 1" in osh.text
    assert 'data-copy="phone-list"' in everyone.text


def test_no_whatsapp_link_or_phone_on_public_pages(client, db, clock, organised, app) -> None:
    site = Site.from_settings(app.state.settings)
    reg = _regs(db, organised)["aigul@example.org"]
    pages = [
        client.get(f"/events/{organised.slug}"),
        client.get(f"/events/{organised.slug}/register"),
        client.get(site.private_url(reg).removeprefix("http://testserver")),
    ]
    assert [p.status_code for p in pages] == [200, 200, 200]
    # The event page's own "share in WhatsApp" (wa.me/?text=) names no one; no chat with a person is offered.
    assert not any(re.search(r"wa\.me/\d", p.text) for p in pages)
    assert not any(phone in p.text for p in pages for phone in ("+996555077764", "996555077764", "0555 077 764"))
    client.cookies.clear()
    assert client.get(f"/admin/events/{organised.slug}/registrations/phones", follow_redirects=False).status_code == 303


def test_the_outbox_and_history_pages_cost_the_same_queries_for_many_rows(
    client, db, clock, organised, organiser, count_queries
) -> None:
    _user, csrf = organiser
    base = f"/admin/events/{organised.slug}/registrations"
    _post(client, organised, csrf, "send")
    with count_queries() as few:
        client.get(f"{base}/outbox")
        client.get(f"{base}/messages")
    site = Site.from_settings(client.app.state.settings)
    for i in range(20):
        data = parse_registration(form(email=f"more{i}@example.org", full_name=f"Участник {i}"))
        service.register(db, event_id=organised.id, data=data, now=NOW, site=site)
        db.commit()
    for _ in range(3):
        _post(client, organised, csrf, "send")
    with count_queries() as many:
        client.get(f"{base}/outbox")
        client.get(f"{base}/messages")

    assert many.count == few.count


def test_replies_to_a_message_reach_the_events_contact_named_in_it(
    client, db, clock, organised, organiser, mailbox
) -> None:
    _user, csrf = organiser
    organised.contact_name, organised.contact_email = "Айжан Бекова", "aijan@ipr.kg"
    db.add(organised)
    db.commit()
    mailbox.clear()
    assert _post(client, organised, csrf, "send").status_code == 303
    received = {m["To"]: m for m in mailbox.wait_for(3)}
    assert {m["Reply-To"] for m in received.values()} == {"Айжан Бекова <aijan@ipr.kg>"}
    assert "Айжан Бекова, aijan@ipr.kg" in _text(received["aigul@example.org"])
    assert "Айжан Бекова, aijan@ipr.kg" in _html(received["chynara@example.org"])


def test_without_a_contact_a_message_has_no_reply_to_and_asks_for_no_reply(
    client, db, clock, organised, organiser, mailbox
) -> None:
    _user, csrf = organiser
    mailbox.clear()
    assert _post(client, organised, csrf, "send").status_code == 303
    received = mailbox.wait_for(3)
    assert [m["Reply-To"] for m in received] == [None, None, None]
    assert not any("ответить на это письмо" in _text(m) for m in received)


def test_placeholders_are_filled_once_and_only_the_private_link_may_be_an_address(db, app, organised) -> None:
    site = Site.from_settings(app.state.settings)
    reg = next(iter(_regs(db, organised).values()))
    organised.title = "Форум {link}"  # an organiser's title is text, never a placeholder
    reg.full_name = "javascript:alert(1)"
    versions = {"ru": {"subject": "Итоги: {event}", "body": "[страница]({link}) и [имя]({name})"}}
    rendered = messages.render(event=organised, reg=reg, versions=versions, original="ru", site=site)
    assert rendered.subject == "Итоги: Форум {link}"
    assert f'href="{site.private_url(reg)}"' in rendered.html
    assert 'href="javascript:' not in rendered.html and 'href="#"' in rendered.html
    db.rollback()
