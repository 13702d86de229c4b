"""At the door: attendance per day of a two-day forum, a second scan, walk-ins, codes read aloud."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import select

from eventhub.core.models import Attendance, Registration, StaffSession
from eventhub.registrations import service
from eventhub.registrations.mail import Site, read_crockford
from tests.factories import make_organisation
from tests.registrations.conftest import NOW, form, open_event


@pytest.fixture()
def forum(db):
    org = make_organisation(db, slug="forum-org", name="Форум НКО")
    start = NOW + timedelta(days=30)  # 12:00 in Bishkek; two days
    event = open_event(db, organiser=org, capacity=50, start_at=start, end_at=start + timedelta(days=1, hours=6))
    db.commit()
    return event


@pytest.fixture()
def staff(app, client, db, forum, login_as, clock):
    user, csrf = login_as("organiser", organisations=("forum-org",), email="door@example.org")
    # The tests travel a month ahead to the forum's days: a staff session that lasts that long.
    app.state.settings = app.state.settings.model_copy(update={"session_idle_minutes": 60 * 24 * 40})
    for row in db.exec(select(StaffSession).where(StaffSession.user_id == user.id)).all():
        row.expires_at = row.expires_at + timedelta(days=40)
        db.add(row)
    user.full_name = "Нургуль Токтосунова"
    db.add(user)
    db.commit()
    data = {"csrf_token": csrf, "attendance_per_day": "on"}
    assert client.post(f"/admin/events/{forum.slug}/registrations/form/settings", data=data).status_code == 200
    return csrf


def _reg(db, email):
    db.expire_all()
    return db.exec(select(Registration).where(Registration.email == email)).one()


def test_crockford_codes_read_aloud_in_any_case_and_with_look_alikes(app, db, forum, client, clock) -> None:
    client.post(f"/events/{forum.slug}/register", data=form())
    reg = _reg(db, "aigul@example.org")
    site = Site.from_settings(app.state.settings)
    code = site.checkin_code(reg)
    assert read_crockford(code) == (reg.id, code.split("-")[1])
    assert all(c not in code for c in "ILOU")
    typed = code.lower().replace("0", "o").replace("1", "l").replace("-", " ")
    assert service.registration_by_code(db, event=forum, code=typed, site=site).id == reg.id
    assert service.registration_by_code(db, event=forum, code=site.legacy_checkin_code(reg.id), site=site).id == reg.id
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(service.NotFound):
        service.registration_by_code(db, event=forum, code=wrong, site=site)


def test_day_two_of_a_forum_a_second_scan_says_when_and_by_whom(app, client, db, clock, forum, staff) -> None:
    client.post(f"/events/{forum.slug}/register", data=form())
    reg = _reg(db, "aigul@example.org")
    code = Site.from_settings(app.state.settings).checkin_code(reg)
    base = f"/admin/events/{forum.slug}/registrations/checkin"
    day1 = (forum.start_at + timedelta(hours=6)).date()
    day2 = day1 + timedelta(days=1)
    clock["now"] = forum.start_at + timedelta(days=1, hours=-3)  # 09:00 Bishkek, day 2
    page = client.get(f"{base}?code={code}")
    assert "День 2" in page.text and "Уже отмечен" not in page.text
    marked = client.post(base, data={"csrf_token": staff, "code": code, "day": day2.isoformat()})
    assert marked.status_code == 200 and "отмечен(а)" in marked.text
    again = client.get(f"{base}?code={code}&day={day2.isoformat()}")
    assert "Уже отмечен(а) в 09:00" in again.text and "Нургуль Токтосунова" in again.text
    twice = client.post(base, data={"csrf_token": staff, "code": code, "day": day2.isoformat()})
    assert twice.status_code == 200
    assert db.exec(select(Attendance)).all().__len__() == 1
    # Day one is its own list: not marked there.
    assert "Уже отмечен" not in client.get(f"{base}?code={code}&day={day1.isoformat()}").text

    stats = client.get(f"/admin/events/{forum.slug}/registrations/stats").text
    assert "Явка по дням" in stats
    exported = client.get(f"/admin/events/{forum.slug}/registrations/export.csv").content.decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(exported), delimiter=";"))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells[f"День 2 · {day2.strftime('%d.%m.%Y')}"] == "09:00"
    assert cells[f"День 1 · {day1.strftime('%d.%m.%Y')}"] == ""
    assert _reg(db, "aigul@example.org").status == "attended"

    undone = client.post(base, data={"csrf_token": staff, "registration": reg.id, "day": day2.isoformat(), "undo": "1"})
    assert undone.status_code == 200
    assert _reg(db, "aigul@example.org").status == "confirmed"


def test_a_walk_in_is_registered_and_marked_at_once_and_counted(client, db, clock, forum, staff) -> None:
    base = f"/admin/events/{forum.slug}/registrations/checkin"
    clock["now"] = forum.start_at + timedelta(hours=1)
    bad = client.post(f"{base}/walk-in", data={"csrf_token": staff, "full_name": "", "phone": "12"})
    assert bad.status_code == 422
    assert "неверный номер телефона" in bad.text and 'value="12"' in bad.text
    added = client.post(
        f"{base}/walk-in",
        data={
            "csrf_token": staff,
            "full_name": "Эрмек Жумабаев",
            "organisation_other": "Айыл окмоту Кара-Суу",
            "position": "специалист",
            "phone": "0555 123 456",
            "category": "participant",
            "gender": "male",
            "region": "osh",
        },
    )
    assert added.status_code == 200 and "Эрмек Жумабаев" in added.text
    db.expire_all()
    reg = db.exec(select(Registration).where(Registration.full_name == "Эрмек Жумабаев")).one()
    assert (reg.status, reg.phone, reg.email, reg.gender, reg.region) == (
        "attended",
        "+996555123456",
        "",
        "male",
        "osh",
    )
    # The same phone again: the same person, no second registration.
    client.post(f"{base}/walk-in", data={"csrf_token": staff, "full_name": "Эрмек Жумабаев", "phone": "+996555123456"})
    db.expire_all()
    assert len(db.exec(select(Registration)).all()) == 1
    stats = client.get(f"/admin/events/{forum.slug}/registrations/stats").text
    assert "Мужской" in stats
    assert "Эрмек Жумабаев" in client.get(f"/admin/events/{forum.slug}/registrations/export.csv").content.decode(
        "utf-8-sig"
    )


def test_a_whole_phone_or_a_latin_name_at_the_door_is_not_taken_for_a_code(client, db, clock, forum, staff) -> None:
    client.post(f"/events/{forum.slug}/register", data=form(full_name="Johnson Smith", phone="0702 174 107"))
    base = f"/admin/events/{forum.slug}/registrations/checkin"
    for q in ("0702174107", "Johnson"):
        page = client.get(base, params={"q": q})
        assert "Johnson Smith" in page.text and "QR-код не подходит" not in page.text, q


def test_a_session_keeps_its_own_check_in_list(client, db, clock, forum, staff) -> None:
    from tests.factories import make_session

    panel = make_session(
        db, forum, title="Панель: вода и земля", start_at=forum.start_at, end_at=forum.start_at + timedelta(hours=2)
    )
    db.commit()
    client.post(f"/events/{forum.slug}/register", data=form())
    reg = _reg(db, "aigul@example.org")
    base = f"/admin/events/{forum.slug}/registrations/checkin"
    page = client.get(base)
    assert "Панель: вода и земля" in page.text  # the session's own list is one tap away
    client.post(base, data={"csrf_token": staff, "registration": reg.id, "session": panel.id})
    at_session = client.get(base, params={"session": panel.id, "q": "Айгуль"})
    assert "Уже отмечен(а)" in at_session.text and "Пришли: <strong>1</strong>" in at_session.text
    day_list = client.get(base, params={"q": "Айгуль"})
    assert "Уже отмечен(а)" not in day_list.text  # the day's list is its own
    db.expire_all()
    assert [(a.session_id, a.registration_id) for a in db.exec(select(Attendance))] == [(panel.id, reg.id)]
    bad = client.get(base, params={"session": 999999})
    assert "Такой сессии у мероприятия нет" in bad.text
