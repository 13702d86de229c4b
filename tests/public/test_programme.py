"""The printable programme: what organisers hand out at the table."""

import re
from datetime import UTC, datetime, timedelta
from html import unescape

from tests.factories import (
    add_organisation_role,
    add_speaker,
    make_event,
    make_organisation,
    make_panel,
    make_person,
    make_session,
)


def text_of(html: str) -> str:
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).strip()  # keeps CLDR's no-break spaces


def test_cso_dialogue_programme_has_goals_panels_results_and_contacts(client, demo) -> None:
    response = client.get("/events/dialog-vklad-ogo-v-razvitie-regionov/programme")
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Вклад организаций гражданского общества в развитие регионов Кыргызской Республики" in text
    assert "1 марта 2019\u202fг." in text
    assert "Место Бишкек" in text
    assert "Организаторы Оргкомитет диалога" in text
    assert "Укрепление доверия между партнерами." in text
    for n, title in enumerate(
        (
            "Планирование развития регионов с участием граждан и ОГО",
            "Коалиции и сети ОГО как «кровеносная система» развития регионов",
            "Данные, цифровые услуги и цифровые формы участия граждан",
            "Вклад региональных ОГО в решение местных проблем",
        ),
        start=1,
    ):
        assert f"Панельная дискуссия {n}. {title}" in text
    assert text.count("Ожидаемый результат:") == 4
    assert "0702 174 107" in text and "0555 935 193" in text and "+996 702" not in text
    assert "Примечание к дате:" in text  # the year is an editorial guess, and the page says so


def test_programme_shows_times_moderators_panellists_and_funders(client, db) -> None:
    start = datetime(2030, 6, 10, 4, tzinfo=UTC)  # 10:00 in Bishkek
    event = make_event(
        db, title="Форум аймаков – 2030", start_at=start, end_at=start + timedelta(hours=6), goals=["Обменяться опытом"]
    )
    add_organisation_role(
        db, event, make_organisation(db, name="Институт политики развития", short_name="ИПР"), "organiser"
    )
    add_organisation_role(
        db, event, make_organisation(db, name="Агентство США по международному развитию", short_name="USAID"), "funder"
    )
    opening = make_session(
        db,
        event,
        kind="opening",
        title="Приветственное слово",
        start_at=start,
        end_at=start + timedelta(minutes=30),
        position=1,
    )
    add_speaker(db, opening, make_person(db, name="Жетиген Бакиров", position="заместитель начальника"), "speaker")
    panel = make_session(
        db,
        event,
        kind="panel",
        title="Услуги на местах",
        start_at=start + timedelta(minutes=30),
        end_at=start + timedelta(hours=2),
        room="Зал «Ала-Тоо»",
        position=2,
    )
    add_speaker(db, panel, make_person(db, name="Нургуль Джаманкулова"), "moderator")
    add_speaker(db, panel, make_person(db, name="Айбек Токтоматов", position="глава аймака"), "panellist")
    add_speaker(db, panel, make_person(db, name="Бурул Исаева", position="депутат"), "panellist")
    make_panel(db, panel, guiding_questions=["Кто платит за воду?"], expected_result="предложения по тарифам")
    db.commit()

    text = text_of(client.get(f"/events/{event.slug}/programme").text)

    assert "10 июня 2030\u202fг., 10:00–16:00" in text
    assert "Организаторы Институт политики развития (ИПР)" in text
    assert "При финансовой поддержке Агентство США по международному развитию (USAID)" in text
    assert "10:00 – 10:30 Открытие. Приветственное слово Выступает: Жетиген Бакиров, заместитель начальника" in text
    assert "10:30 – 12:00 Зал «Ала-Тоо» Панельная дискуссия 1. Услуги на местах" in text
    assert "Модератор: Нургуль Джаманкулова" in text
    assert "Панелисты: Айбек Токтоматов, глава аймака; Бурул Исаева, депутат" in text
    assert "Вопросы для обсуждения: Кто платит за воду?" in text
    assert "Ожидаемый результат: предложения по тарифам" in text
    assert "Обменяться опытом" in text


def test_cancelled_event_programme_says_so(client, db) -> None:
    event = make_event(db, status="cancelled", status_note="Перенесено на осень из-за выборов.")
    db.commit()
    assert "Отменено. Перенесено на осень из-за выборов." in text_of(client.get(f"/events/{event.slug}/programme").text)


def test_draft_has_no_programme(client, db) -> None:
    event = make_event(db, status="draft")
    db.commit()
    assert client.get(f"/events/{event.slug}/programme").status_code == 404
    assert client.get("/events/no-such-event/programme").status_code == 404


def test_panels_are_numbered_among_panels_on_the_event_page_and_the_programme(client, db) -> None:
    event = make_event(db)
    make_session(db, event, kind="opening", title="Открытие", position=1)
    make_session(db, event, kind="panel", title="Вода", position=2)
    make_session(db, event, kind="break", title="Кофе", position=3)
    make_session(db, event, kind="panel", title="Дороги", position=4)
    db.commit()

    page = text_of(client.get(f"/events/{event.slug}").text)
    assert "Панельная дискуссия 1 Вода" in page and "Панельная дискуссия 2 Дороги" in page
    programme = text_of(client.get(f"/events/{event.slug}/programme").text)
    assert "Панельная дискуссия 1. Вода" in programme and "Панельная дискуссия 2. Дороги" in programme
