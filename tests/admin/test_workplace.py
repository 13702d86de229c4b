"""The admin as a workplace, page by page: each role's sections of an event, the history as a
person reads it, messages written as people write them, no raw enum values."""

import html
import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from eventhub.admin import sections
from eventhub.admin.history import readable_history
from eventhub.core.audit import event_history
from eventhub.core.models import Event
from tests.admin import workplace
from tests.admin.test_reachable import _sign_in

NOW = datetime.now(UTC)
NAV = re.compile(r'<nav class="tabs workspace"[^>]*>(.*?)</nav>', re.S)


@pytest.fixture()
def week(db, password_hash):
    event = workplace.build(db, password_hash, NOW)
    db.commit()
    return event


def _sections(page: str) -> list[str]:
    match = NAV.search(page)
    assert match, "no workspace navigation"
    return [html.unescape(t) for t in re.findall(r">([^<]+)</a>", match.group(1))][:-1]  # less the public page


def test_each_role_sees_the_sections_it_may_open(client, settings, db, week) -> None:
    base = f"/admin/events/{workplace.SLUG}"
    _sign_in(client, settings, db, "organiser")
    editor = ["Описание", "Программа", "Организации", "Переводы", "Регистрации", "Отметка на входе",
              "Приглашения", "Сообщения", "Пресса", "Итоги"]  # fmt: skip
    for path in ("", "/agenda", "/registrations", "/registrations/stats", "/registrations/messages"):
        assert _sections(client.get(base + path).text) == editor, path
    page = client.get(f"{base}/registrations/reminders").text
    assert 'aria-current="page">Сообщения<' in page and 'aria-current="page">Напоминания<' in page
    press = client.get("/admin/press", params={"event": workplace.SLUG}).text
    assert 'aria-current="page">Пресса<' in press and "Форум «Завтра» открывается" in html.unescape(press)

    _sign_in(client, settings, db, "admin")
    assert _sections(client.get(base).text) == [*editor, "История"]

    _sign_in(client, settings, db, "checkin")
    assert _sections(client.get(f"{base}/registrations/checkin").text) == ["Отметка на входе"]
    sheet = client.get(f"{base}/registrations/sign-in").text
    assert 'aria-current="page">Лист регистрации<' in sheet
    assert client.get(f"{base}/registrations").status_code == 403

    _sign_in(client, settings, db, "press_officer")
    assert _sections(client.get("/admin/press/accreditation", params={"event": workplace.SLUG}).text) == ["Пресса"]


def test_a_new_section_is_one_entry(client, settings, db, week, monkeypatch) -> None:
    monkeypatch.setattr(sections, "SECTIONS", list(sections.SECTIONS))
    sections.add(
        sections.Section("results", "Итоги", "/admin/events/{slug}/results", sections.editor), before="history"
    )
    _sign_in(client, settings, db, "admin")
    assert _sections(client.get(f"/admin/events/{workplace.SLUG}").text)[-2:] == ["Итоги", "История"]


def test_the_history_reads_as_a_person_writes(db, week) -> None:
    [entry] = readable_history(db, week, event_history(db, week.id))
    assert entry.what == "Изменение: мероприятие" and entry.who == "Organiser (organiser@ipr.kg)"
    changes = {c.label: (c.before, c.after) for c in entry.changes}
    assert changes["Город или село"] == ("Бишкек", "Ош")
    start = changes["Начало"][1]
    assert start.endswith(", 10:00")  # 10:00 in Bishkek, not 04:00 UTC
    assert changes["Регистрация"] == ("Регистрация закрыта", "Открытая регистрация")
    assert changes["Модераторы"] == ("—", "Айбек Осмонов")  # a name, not the slug


def test_history_in_english(client, settings, db, week) -> None:
    _sign_in(client, settings, db, "admin")
    page = html.unescape(client.get(f"/admin/events/{workplace.SLUG}/history", headers={"Accept-Language": "en"}).text)
    assert "Change: event" in page and "moderator-wp" not in page and "registration_mode" not in page


def test_publishing_says_what_happened(client, settings, db, week) -> None:
    _sign_in(client, settings, db, "organiser")
    draft = db.exec(select(Event).where(Event.slug == "seminar-chernovik")).one()
    response = client.post(f"/admin/events/{draft.slug}/publish", data={"csrf_token": "x"})
    assert response.status_code == 200
    assert "Мероприятие опубликовано" in response.text and "Готово" not in response.text


def test_accreditation_names_the_status(client, settings, db, week) -> None:
    _sign_in(client, settings, db, "press_officer")
    page = client.get("/admin/press/accreditation").text
    assert "Гульнара Садыкова" in page and "<td>Подтверждена</td>" in page and ">confirmed<" not in page
