"""Import of XLSX/CSV lists (preview, row-by-row report, all or nothing) and exports."""

import csv
import io
import json
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlmodel import select

from eventhub.core.models import OutboxMessage, Registration
from eventhub.registrations.exports import ExportRow, StatsTable, to_csv, to_xlsx
from tests.factories import make_organisation
from tests.registrations.conftest import form, open_event


@pytest.fixture()
def setup(client, db, clock, login_as):
    org = make_organisation(db, slug="ipr", short_name="ИПР", name="Институт политики развития")
    make_organisation(db, slug="minfin", short_name="МФ", name="Министерство финансов", kind="ministry")
    event = open_event(db, organiser=org, capacity=3)
    db.commit()
    _, csrf = login_as("organiser", organisations=("ipr",), email="org@example.org")
    return event, csrf, f"/admin/events/{event.slug}/registrations"


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


GOOD = [
    ["ФИО", "E-mail", "Телефон", "Организация", "Должность", "Пол", "Регион"],
    ["Асанов Бакыт", "bakyt@minfin.kg", "0555 077 764", "МФ", "специалист", "м", "Бишкек"],
    ["Осмонова Айгуль", "aigul@minfin.kg", "", "Министерство финансов", "", "Ж", "Нарынская область"],
]


def _count(db) -> int:
    db.expire_all()
    return len(db.exec(select(Registration)).all())


def test_xlsx_list_is_previewed_then_imported_on_confirmation(client, db, setup, mailbox) -> None:
    event, csrf, base = setup

    preview = client.post(
        f"{base}/import",
        data={"csrf_token": csrf},
        files={"file": ("список.xlsx", _xlsx(GOOD), "application/octet-stream")},
    )

    assert preview.status_code == 200
    assert "Ошибок нет" in preview.text and "Импортировать 2" in preview.text
    assert _count(db) == 0  # nothing stored before confirmation
    preview_id = re.search(r'name="preview" value="(\d+)"', preview.text).group(1)  # the rows stay on the server

    confirmed = client.post(
        f"{base}/import/confirm", data={"csrf_token": csrf, "preview": preview_id, "consent": "on", "send_mail": "on"}
    )

    assert confirmed.status_code == 200 and "Список импортирован" in confirmed.text, re.sub(
        r"\s+", " ", confirmed.text
    )[-2500:]
    regs = {r.email: r for r in db.exec(select(Registration))}
    assert set(regs) == {"bakyt@minfin.kg", "aigul@minfin.kg"}
    assert (regs["bakyt@minfin.kg"].gender, regs["bakyt@minfin.kg"].region, regs["bakyt@minfin.kg"].phone) == (
        "male",
        "bishkek",
        "+996555077764",
    )
    assert regs["aigul@minfin.kg"].region == "naryn" and regs["aigul@minfin.kg"].organisation_id is not None
    assert all(r.status == "confirmed" for r in regs.values())
    assert "org@example.org" in regs["aigul@minfin.kg"].consent_text
    assert len(mailbox.wait_for(2)) == 2


def test_half_bad_csv_reports_every_row_and_stores_nothing(client, db, setup) -> None:
    event, csrf, base = setup
    client.post(f"/events/{event.slug}/register", data=form(email="known@example.org"))
    text = (
        "ФИО;E-mail;Организация\n"
        "Асанов Бакыт;bakyt@minfin.kg;МФ\n"
        "Без почты;not-an-email;МФ\n"
        "Неизвестный;x@example.org;Министерство чудес\n"
        "Повтор;BAKYT@minfin.kg;МФ\n"
        "Уже есть;known@example.org;\n"
    )

    preview = client.post(
        f"{base}/import", data={"csrf_token": csrf}, files={"file": ("list.csv", text.encode("utf-8-sig"), "text/csv")}
    )
    forced = client.post(
        f"{base}/import/confirm",
        data={
            "csrf_token": csrf,
            "consent": "on",
            "rows": json.dumps(
                [{"full_name": "Асанов Бакыт", "email": "bakyt@minfin.kg"}, {"full_name": "X", "email": "bad"}]
            ),
        },
    )

    assert preview.status_code == 422
    assert "Ошибок: <strong>4</strong> из 5" in preview.text
    for message in (
        "неверный адрес",
        "организации «Министерство чудес» нет в справочнике",
        "повтор: этот адрес уже в строке 2",
        "уже зарегистрирован(а)",
    ):
        assert message in preview.text
    assert "Импортировать" not in preview.text.split("Загрузить другой файл")[0].split("</table>")[-1]
    assert forced.status_code == 422 and "загрузите файл ещё раз" in forced.text  # rows in the form are not read
    assert _count(db) == 1  # only the registration made through the form


def test_import_refuses_files_it_cannot_read(client, db, setup) -> None:
    _event, csrf, base = setup
    cases = [
        (("list.pdf", b"%PDF-1.4", "application/pdf"), "нужен файл .xlsx или .csv"),
        (("list.xlsx", b"PK\x03\x04broken", "application/octet-stream"), "файл повреждён"),
        (("list.csv", "Имя;Город\nА;Б\n".encode(), "text/csv"), "обязательны «ФИО» и «E-mail»"),
        (("list.csv", b"", "text/csv"), "выберите файл"),
    ]
    for upload, message in cases:
        response = client.post(f"{base}/import", data={"csrf_token": csrf}, files={"file": upload})
        assert response.status_code == 422 and message in response.text, upload[0]
    assert _count(db) == 0


def test_import_needs_the_organisers_consent_confirmation(client, db, setup) -> None:
    _event, csrf, base = setup
    rows = json.dumps([{"full_name": "Асанов Бакыт", "email": "bakyt@minfin.kg"}])

    response = client.post(f"{base}/import/confirm", data={"csrf_token": csrf, "rows": rows})

    assert response.status_code == 422 and "дали согласие" in response.text
    assert _count(db) == 0


def test_csv_export_opens_in_excel_and_neutralises_formulas(client, db, setup) -> None:
    event, csrf, base = setup
    client.post(
        f"/events/{event.slug}/register",
        data=form(
            email="a@example.org",
            full_name="=HYPERLINK(1)",
            position="+7 дней",
            organisation_other="@коалиция",
            accessibility_needs="-инвалидная коляска",
        ),
    )

    response = client.get(f"{base}/export.csv")

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["№", "ФИО", "E-mail", "Телефон"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["ФИО"] == "'=HYPERLINK(1)"
    assert record["Должность"] == "'+7 дней"
    assert record["Организация"] == "'@коалиция"
    assert record["Особые потребности"] == "'-инвалидная коляска"
    assert record["Телефон"] == "0702 174 107"
    assert record["Пол"] == "Женский" and record["Статус"] == "Подтверждена"


def test_xlsx_export_has_participants_and_statistics_sheets(client, db, setup) -> None:
    event, csrf, base = setup
    client.post(f"/events/{event.slug}/register", data=form(email="a@example.org", full_name="=1+2"))
    client.post(
        f"/events/{event.slug}/register", data=form(email="b@example.org", full_name="Бакыт Асанов", gender="male")
    )

    response = client.get(f"{base}/export.xlsx")

    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Участники", "Статистика"]
    sheet = wb["Участники"]
    assert [c.value for c in sheet[1]][:3] == ["№", "ФИО", "E-mail"]
    formula_cell = sheet["B2"] if sheet["B2"].value == "=1+2" else sheet["B3"]
    assert (formula_cell.value, formula_cell.data_type, formula_cell.quotePrefix) == ("=1+2", "s", True)
    stats = [[c.value for c in row] for row in wb["Статистика"].iter_rows()]
    assert ["Пол", "Зарегистрированы", "Пришли", "Явка, %"] in stats
    assert ["Женский", 1, 0, 0] in stats and ["Мужской", 1, 0, 0] in stats


def test_exporters_are_pure_functions_of_rows() -> None:
    row = ExportRow(1, "@evil", "e@x.org", "", "", "", "", "", "", "", "", "", "", "", "", "")
    assert to_csv([row]).decode("utf-8-sig").splitlines()[1].startswith("1;'@evil;e@x.org")
    book = load_workbook(io.BytesIO(to_xlsx([row], [StatsTable("Пол", [("Женский", 3, 2)])], title="T")))
    assert book["Статистика"]["D4"].value == 67


def test_sign_in_sheet_lists_confirmed_people_with_a_signature_column_and_prints(client, db, setup) -> None:
    event, csrf, base = setup
    for i, name in enumerate(("Чынара Жусупова", "Айгуль Осмонова", "Бакыт Асанов", "Жазгуль Токтогулова")):
        client.post(f"/events/{event.slug}/register", data=form(email=f"p{i}@example.org", full_name=name))

    html = client.get(f"{base}/sign-in").text

    for head in ("№", "ФИО", "Организация", "Должность", "Телефон", "Подпись"):
        assert f">{head}</th>" in html
    assert html.index("Айгуль Осмонова") < html.index("Бакыт Асанов") < html.index("Чынара Жусупова")
    assert "Жазгуль" not in html  # capacity 3: she is on the waiting list
    assert "0702 174 107" in html
    css = client.get("/static/style.css").text
    assert "@page signin { size: A4 landscape" in css and ".sign-sheet" in css
    assert db.exec(select(OutboxMessage)).all()  # mails written for the four registrations
