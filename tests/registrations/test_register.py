"""Registering through the form and the API: modes, capacity, duplicates, bad input."""

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from eventhub.core.models import OutboxMessage, Registration
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


def _regs(db, event):
    db.expire_all()
    return list(db.exec(select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)))


def test_register_through_the_form_confirms_and_mails_the_private_link(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()

    response = client.post(f"/events/{event.slug}/register", data=form())

    assert response.status_code == 200
    assert "Проверьте почту" in response.text
    [reg] = _regs(db, event)
    assert (reg.status, reg.full_name, reg.phone, reg.gender) == (
        "confirmed",
        "Айгуль Осмонова",
        "+996702174107",
        "female",
    )
    assert "персональных данных" in reg.consent_text
    [message] = mailbox.wait_for(1)
    assert message["To"] == "aigul@example.org"
    assert message["Subject"].startswith("Регистрация подтверждена")
    link = re.search(r"http://testserver(/r/[\w-]+)", message.get_body(("plain",)).get_content()).group(1)
    assert link not in response.text
    page = client.get(link)
    assert page.status_code == 200
    assert "Подтверждена" in page.text


def test_full_event_puts_the_next_people_on_the_waiting_list(client, db, clock, mailbox) -> None:
    event = open_event(db, capacity=1)
    db.commit()

    client.post(f"/events/{event.slug}/register", data=form(email="first@example.org"))
    client.post(f"/events/{event.slug}/register", data=form(email="second@example.org"))
    client.post(f"/events/{event.slug}/register", data=form(email="third@example.org"))

    assert [(r.email, r.status, r.waitlist_position) for r in _regs(db, event)] == [
        ("first@example.org", "confirmed", None),
        ("second@example.org", "waitlisted", 1),
        ("third@example.org", "waitlisted", 2),
    ]
    mailbox.wait_for(3)
    assert mailbox.to("third@example.org")[0]["Subject"].startswith("Вы в листе ожидания")
    assert "номер в очереди: 2" in mailbox.to("third@example.org")[0].get_body(("plain",)).get_content()


def test_approval_mode_keeps_registrations_pending(client, db, clock, mailbox) -> None:
    event = open_event(db, registration_mode="approval")
    db.commit()

    client.post(f"/events/{event.slug}/register", data=form())

    assert [r.status for r in _regs(db, event)] == ["pending"]
    assert mailbox.wait_for(1)[0]["Subject"].startswith("Заявка получена")


def test_same_email_again_creates_no_duplicate_and_mails_the_link_only_to_that_address(
    client, db, clock, mailbox
) -> None:
    event = open_event(db)
    db.commit()
    first = client.post(f"/events/{event.slug}/register", data=form())
    [confirmation] = mailbox.wait_for(1)

    again = client.post(
        f"/events/{event.slug}/register", data=form(email="AIGUL@Example.org", full_name="Кто-то другой")
    )

    assert again.status_code == 200
    assert again.text.replace("AIGUL@example.org", "aigul@example.org") == first.text  # the same neutral page
    [reg] = _regs(db, event)
    assert reg.full_name == "Айгуль Осмонова"  # nothing overwritten by whoever typed the address
    messages = mailbox.wait_for(2)
    assert [m["To"] for m in messages] == ["aigul@example.org", "aigul@example.org"]
    assert messages[1]["Subject"].startswith("Ваша регистрация")
    link = re.search(r"/r/[\w-]+", confirmation.get_body(("plain",)).get_content()).group(0)
    assert link in messages[1].get_body(("plain",)).get_content()  # the same link, still working
    assert link not in again.text


def test_api_registers_and_answers_the_same_for_new_and_known_addresses(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    payload = {
        "full_name": "Бакыт Асанов",
        "email": "bakyt@example.org",
        "phone": "+996 555 077 764",
        "organisation": "ИПР",
        "category": "press",
        "outlet": "Кабар",
        "consent": True,
    }

    new = client.post(f"/api/v1/events/{event.slug}/registrations", json=payload)
    known = client.post(f"/api/v1/events/{event.slug}/registrations", json=payload | {"full_name": "Другой"})

    assert new.status_code == known.status_code == 202
    assert new.json() == known.json()
    assert set(new.json()) == {"accepted", "message"}
    assert "bakyt" not in new.text and "555" not in new.text
    [reg] = _regs(db, event)
    assert (reg.category, reg.outlet, reg.organisation_name) == ("press", "Кабар", "ИПР")


def test_dry_run_validates_and_stores_nothing(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()
    url = f"/api/v1/events/{event.slug}/registrations?dry_run=true"

    ok = client.post(url, json={"full_name": "Бакыт Асанов", "email": "bakyt@example.org", "consent": True})
    bad = client.post(url, json={"full_name": "Б", "email": "nope", "consent": False})

    assert ok.status_code == 200 and ok.json()["valid"] is True
    assert bad.status_code == 422
    assert set(bad.json()["error"]["fields"]) == {"full_name", "email", "consent"}
    assert _regs(db, event) == []
    assert db.exec(select(OutboxMessage)).all() == []


def test_directory_organisation_is_recognised_by_its_label_or_short_name(client, db, clock) -> None:
    from tests.factories import make_organisation

    ipr = make_organisation(db, short_name="ИПР", name="Институт политики развития", kind="cso")
    event = open_event(db, capacity=None)
    db.commit()

    client.post(
        f"/events/{event.slug}/register",
        data=form(email="a@example.org", organisation="ИПР — Институт политики развития", organisation_other=None),
    )
    client.post(
        f"/events/{event.slug}/register", data=form(email="b@example.org", organisation="ипр", organisation_other=None)
    )
    client.post(
        f"/events/{event.slug}/register",
        data=form(email="c@example.org", organisation="Новая НКО", organisation_other=None),
    )

    assert [(r.organisation_id, r.organisation_name) for r in _regs(db, event)] == [
        (ipr.id, None),
        (ipr.id, None),
        (None, "Новая НКО"),
    ]


def test_form_shows_the_consent_text_the_directory_and_a_hidden_honeypot(client, db, clock) -> None:
    from tests.factories import make_organisation

    make_organisation(db, short_name="АРИС", name="Агентство развития и инвестирования сообществ")
    event = open_event(db)
    db.commit()

    html = client.get(f"/events/{event.slug}/register").text

    assert "даю согласие" in html and 'name="consent"' in html
    assert '<option value="АРИС — Агентство развития и инвестирования сообществ">' in html
    assert 'name="website"' in html and 'class="hp" aria-hidden="true"' in html
    assert "Свободных мест: 2" in html


def test_honeypot_filled_looks_accepted_but_stores_nothing(client, db, clock, mailbox) -> None:
    event = open_event(db)
    db.commit()

    response = client.post(f"/events/{event.slug}/register", data=form(website="http://spam.example"))

    assert response.status_code == 200 and "Проверьте почту" in response.text
    assert _regs(db, event) == []
    assert db.exec(select(OutboxMessage)).all() == []


BAD_INPUT = [
    ({"email": "not-an-email"}, "email", "неверный адрес"),
    ({"email": "a@b"}, "email", "неверный адрес"),
    ({"phone": "12345"}, "phone", "неверный номер"),
    ({"phone": "+996 702 174 107 8888"}, "phone", "неверный номер"),
    ({"consent": None}, "consent", "без согласия"),
    ({"full_name": ""}, "full_name", "обязательное поле"),
    ({"full_name": "Я" * 201}, "full_name", "не длиннее 200"),
    ({"position": "x" * 301}, "position", "не длиннее 300"),
    ({"accessibility_needs": "x" * 1001}, "accessibility_needs", "не длиннее 1000"),
    ({"full_name": "<script>alert(1)</script>"}, "full_name", "HTML-теги"),
    ({"organisation_other": "<img src=x onerror=alert(1)>"}, "organisation_other", "HTML-теги"),
    ({"gender": "other"}, "gender", "выберите значение"),
    ({"category": "vip"}, "category", "выберите значение"),
    ({"region": "moon"}, "region", "выберите значение"),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD_INPUT)
def test_bad_input_is_explained_beside_the_field_and_nothing_is_stored(
    client, db, clock, change, field, message
) -> None:
    event = open_event(db)
    db.commit()

    page = client.post(f"/events/{event.slug}/register", data=form(**change))
    api = client.post(
        f"/api/v1/events/{event.slug}/registrations", json=form(**change) | {"consent": change.get("consent", "on")}
    )

    assert page.status_code == 422
    assert f'id="err-{field}"' in page.text and message in page.text
    assert "Айгуль Осмонова" in page.text or field == "full_name"  # typed values kept
    assert "<script>alert" not in page.text
    if field != "consent":
        assert api.status_code == 422
        assert message in api.json()["error"]["fields"][field]
    assert _regs(db, event) == []
    assert db.exec(select(OutboxMessage)).all() == []


def test_api_refuses_a_body_that_is_not_a_json_object(client, db, clock) -> None:
    event = open_event(db)
    db.commit()
    url = f"/api/v1/events/{event.slug}/registrations"

    assert client.post(url, content=b"{not json", headers={"content-type": "application/json"}).status_code == 422
    assert client.post(url, json=[1, 2]).json()["error"]["fields"] == {"request": "ожидается объект JSON"}
    assert client.post(url, json={"full_name": 5, "email": ["x"], "consent": True}).json()["error"]["fields"] == {
        "full_name": "нужна строка",
        "email": "нужна строка",
    }


CLOSED = [
    ({"registration_mode": "closed"}, "Регистрация на это мероприятие закрыта"),
    ({"status": "cancelled"}, "Мероприятие отменено"),
    ({"start_at": datetime(2029, 1, 1, tzinfo=UTC)}, "Мероприятие уже прошло"),
    ({"registration_deadline_at": datetime(2030, 1, 31, tzinfo=UTC)}, "Срок регистрации истёк"),
    ({"registration_opens_at": datetime(2030, 2, 10, tzinfo=UTC)}, "Регистрация ещё не открыта"),
]


@pytest.mark.parametrize(("overrides", "message"), CLOSED)
def test_closed_or_past_events_refuse_registration_with_a_reason(client, db, clock, overrides, message) -> None:
    event = open_event(db, **overrides)
    db.commit()

    shown = client.get(f"/events/{event.slug}/register")
    page = client.post(f"/events/{event.slug}/register", data=form())
    api = client.post(f"/api/v1/events/{event.slug}/registrations", json=form(consent=True))

    assert message in shown.text and 'name="full_name"' not in shown.text
    assert page.status_code == 409 and message in page.text
    assert api.status_code == 409 and api.json()["error"]["code"] == "registration_closed"
    assert _regs(db, event) == []


def test_event_page_shows_the_register_button_only_while_registration_is_open(client, db, clock) -> None:
    open_ = open_event(db)
    closed = open_event(db, registration_mode="closed")
    db.commit()

    assert f'href="/events/{open_.slug}/register"' in client.get(f"/events/{open_.slug}").text
    html = client.get(f"/events/{closed.slug}").text
    assert "/register" not in html and "Регистрация на это мероприятие закрыта" in html


def test_staff_list_of_registrations_is_a_page(client, db, clock, bearer_as) -> None:
    organiser = make_organisation(db)
    event = open_event(db, organiser=organiser, capacity=10)
    db.commit()
    for name, address in [("Бакыт Асанов", "b@example.org"), ("Айгуль Осмонова", "a@example.org"),
                          ("Жылдыз Токтогулова", "j@example.org")]:  # fmt: skip
        assert (
            client.post(f"/events/{event.slug}/register", data=form(full_name=name, email=address)).status_code == 200
        )
    url = f"/api/v1/events/{event.slug}/registrations"
    headers = bearer_as("organiser", (organiser.slug,))

    first = client.get(url, params={"limit": 2}, headers=headers).json()
    second = client.get(url, params={"offset": 2, "limit": 2}, headers=headers).json()

    assert [r["full_name"] for r in first["items"]] == ["Айгуль Осмонова", "Бакыт Асанов"]
    assert (first["total"], first["offset"], first["limit"]) == (3, 0, 2)
    assert ([r["full_name"] for r in second["items"]], second["total"], second["offset"]) == (
        ["Жылдыз Токтогулова"],
        3,
        2,
    )
    found = client.get(url, params={"q": "бакыт"}, headers=headers).json()
    assert ([r["email"] for r in found["items"]], found["total"]) == (["b@example.org"], 1)


def test_forty_re_sends_queue_at_most_the_limit(app, client, db, clock, mailbox) -> None:
    """Issue 21, item 5: anyone typing a stranger's address 40 times makes at most a few
    e-mails go there; the answer is the same neutral page every time."""
    from sqlmodel import select

    from eventhub.core.models import OutboxMessage
    from eventhub.registrations import resend

    app.state.settings = app.state.settings.model_copy(update={"rate_limit_registrations": 0})
    event = open_event(db, capacity=5)
    other = open_event(db, capacity=5)
    db.commit()
    answers = set()
    for _ in range(40):
        response = client.post(f"/events/{event.slug}/register", data=form(email="victim@example.org"))
        answers.add((response.status_code, "Спасибо! Мы отправили письмо" in response.text))
    assert answers == {(200, True)}
    sent = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == "victim@example.org")).all()
    assert len(sent) == 1 + resend.PER_EVENT.count  # the confirmation, then the limit of re-sends
    for _ in range(20):  # other events: the daily limit of the address holds across them
        client.post(f"/events/{other.slug}/register", data=form(email="victim@example.org"))
    total = db.exec(select(OutboxMessage).where(OutboxMessage.to_address == "victim@example.org")).all()
    assert len(total) <= 2 + resend.PER_DAY.count


def test_dry_runs_do_not_count_against_the_registration_limit(app, client, db, clock) -> None:
    """Issue 21, item 5: a form checking itself (?dry_run=true) uses up no registrations."""
    import json as _json

    app.state.settings = app.state.settings.model_copy(update={"rate_limit_registrations": 3})
    event = open_event(db, capacity=50)
    db.commit()
    url = f"/api/v1/events/{event.slug}/registrations"
    body = {"full_name": "Айгуль Осмонова", "email": "dry@example.org", "consent": True}
    for _ in range(10):
        assert (
            client.post(
                f"{url}?dry_run=true", content=_json.dumps(body), headers={"content-type": "application/json"}
            ).status_code
            != 429
        )
    real = client.post(url, json=body | {"email": "real@example.org"})
    assert real.status_code != 429
