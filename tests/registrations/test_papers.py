"""The papers of the day, read back with pypdf: names, columns, totals; and the certificate's
verification address."""

import io
import os
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlmodel import select

from eventhub.core.models import Registration
from eventhub.registrations.mail import Site
from eventhub.registrations.papers_admin import certificate_code
from tests.factories import add_organisation_role, make_organisation
from tests.registrations.conftest import NOW, form, open_event

LONG = "Абдыкадыровакызыгүлнарабдыкадыровакызыбекова"


def text_of(body: bytes, name: str = "") -> list[str]:
    if name and os.environ.get("EVENTHUB_DUMP_PAPERS"):  # to look at them: pdftoppm -png -r 60
        Path(os.environ["EVENTHUB_DUMP_PAPERS"], name).write_bytes(body)
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


@pytest.fixture()
def forum(db):
    org = make_organisation(db, slug="forum-org", name="Форум НКО", short_name="ФНКО")
    start = NOW + timedelta(days=30)
    event = open_event(db, organiser=org, capacity=100, start_at=start, end_at=start + timedelta(days=1, hours=6))
    add_organisation_role(db, event, make_organisation(db, name="Фонд Развития", short_name="ФР"), "funder")
    db.commit()
    return event


@pytest.fixture()
def filled(app, client, db, clock, forum, login_as):
    """20 people registered (one with a very long name); 19 came on day 1, 5 also on day 2."""
    _user, csrf = login_as("organiser", organisations=("forum-org",), email="org@example.org")
    client.post(
        f"/admin/events/{forum.slug}/registrations/form/settings",
        data={"csrf_token": csrf, "attendance_per_day": "on", "per_diem_rate": "1500", "field_travel_from": "on"},
    )
    for n in range(20):
        name = LONG if n == 0 else f"Участник Номер{n:02d}"
        data = form(email=f"p{n}@example.org", full_name=name, travel_region="naryn", travel_district="Ат-Башы")
        assert client.post(f"/events/{forum.slug}/register", data=data).status_code == 200
    db.expire_all()
    regs = list(db.exec(select(Registration).order_by(Registration.id)))
    day1 = (forum.start_at + timedelta(hours=6)).date()
    base = f"/admin/events/{forum.slug}/registrations/checkin"
    for n, reg in enumerate(regs):
        if n < 19:
            client.post(base, data={"csrf_token": csrf, "registration": reg.id, "day": day1.isoformat()})
        if n < 5:
            client.post(
                base, data={"csrf_token": csrf, "registration": reg.id, "day": (day1 + timedelta(days=1)).isoformat()}
            )
    return {"csrf": csrf, "regs": regs, "day1": day1, "site": Site.from_settings(app.state.settings)}


def test_the_sign_in_sheet_of_day_two_has_the_chosen_columns_and_no_phones(client, forum, filled) -> None:
    day2 = filled["day1"] + timedelta(days=1)
    base = f"/admin/events/{forum.slug}/registrations/papers"
    assert "Лист регистрации (PDF)" in client.get(base).text
    body = client.get(f"{base}/sign-in.pdf?day={day2.isoformat()}&cols=gender&cols=region&cols=organisation").content
    text = "\n".join(text_of(body, "sign-in.pdf"))
    assert "день 2" in text and day2.strftime("%d.%m.%Y") in text
    assert "Пол" in text and "Регион" in text and "Подпись" in text and "Телефон" not in text
    flat = " ".join(text.split())
    assert "Участник Номер19" in flat and "Нарынская область" in flat and "Женский" in flat
    assert LONG[:20] in text.replace("\n", "")  # wrapped, not cut
    assert "702" not in text  # the phones stay off
    with_phone = "\n".join(text_of(client.get(f"{base}/sign-in.pdf?day={day2.isoformat()}&cols=phone").content))
    assert "0702 174 107" in with_phone
    assert "При поддержке: ФР" in text and "Организаторы: ФНКО" in text


def test_the_per_diem_sheet_totals_per_page_and_overall(client, forum, filled) -> None:
    base = f"/admin/events/{forum.slug}/registrations/papers"
    pages = text_of(client.get(f"{base}/per-diem.pdf").content, "per-diem.pdf")
    assert len(pages) == 2  # 19 who came, 18 to a page
    assert "Итого по странице" in pages[0] and "Итого по странице" in pages[1]
    # 5 came on both days (2 × 1500), 14 on one: 5 × 3000 + 14 × 1500 = 36 000.
    assert "Итого по ведомости" in pages[1] and "36 000,00" in pages[1]
    assert "Нарынская область, Ат-Башы" in " ".join(pages[0].split())
    sheet = load_workbook(io.BytesIO(client.get(f"{base}/per-diem.xlsx").content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    people = [v for v in values if isinstance(v[0], int)]
    assert len(people) == 19 and sum(v[5] for v in people) == 36000
    assert values[-1][5] == "=SUM(F5:F23)"


def test_a_rate_is_needed_for_the_per_diem_sheet(client, db, clock, login_as) -> None:
    org = make_organisation(db, slug="other-org")
    event = open_event(db, organiser=org)
    db.commit()
    login_as("organiser", organisations=("other-org",), email="o2@example.org")
    response = client.get(f"/admin/events/{event.slug}/registrations/papers/per-diem.pdf")
    assert response.status_code == 409 and "суточные" in response.text


def test_badges_tents_and_certificates(client, db, forum, filled) -> None:
    base = f"/admin/events/{forum.slug}/registrations/papers"
    badges = text_of(client.get(f"{base}/badges.pdf").content, "badges.pdf")
    assert len(badges) == 3  # 20 people, 8 a page
    assert "Номер01" in badges[0] and "УЧАСТНИК" in badges[0]
    tents = text_of(client.get(f"{base}/tents.pdf").content, "tents.pdf")
    assert len(tents) == 20 and tents[5].count("Номер05") == 2
    certificates = text_of(client.get(f"{base}/certificates.pdf").content, "certificates.pdf")
    assert len(certificates) == 19  # those who came
    first = filled["regs"][1]
    cert = next(t for t in certificates if "Номер01" in t)
    code = certificate_code(filled["site"], first.id)
    assert "СЕРТИФИКАТ УЧАСТНИКА" in cert and code in cert.replace("\n", "")
    assert "Дни участия" in cert
    client.cookies.clear()
    page = client.get(f"/certificates/{code.lower()}")
    assert page.status_code == 200 and "подлинный" in page.text
    assert "У. Н." in page.text and "Номер01" not in page.text  # initials only
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert client.get(f"/certificates/{forged}").status_code == 404
    absent = filled["regs"][19]  # registered, never came
    assert client.get(f"/certificates/{certificate_code(filled['site'], absent.id)}").status_code == 404
