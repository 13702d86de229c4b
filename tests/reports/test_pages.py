"""The report's pages, the confirm/split flow through them, the XLSX and CSV exports read
back with openpyxl and csv, and the SVG charts' accessible text."""

import csv
import io
from datetime import datetime

import openpyxl
from lxml import etree, html
from sqlmodel import select

from eventhub.core.models import MatchDecision
from tests.reports.conftest import PERSONS

SVG = "{http://www.w3.org/2000/svg}"


def test_project_report_page_with_crosstab_and_charts(client, login_as, project_data):
    login_as("admin")
    r = client.get("/admin/projects/gesi-project/report?rows=age_group&cols=disability")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"
    doc = html.fromstring(r.text)
    figures = [" ".join(li.text_content().split()) for li in doc.cssselect("ul.figures li")]
    assert "8 уникальных участников" in figures
    assert "12 регистраций" in figures
    caption = doc.cssselect("table.crosstab caption")[0].text_content()
    assert caption == "Уникальные участники: Возрастная группа × Инвалидность"
    head = [th.text_content() for th in doc.cssselect("table.crosstab")[0].cssselect("thead th")]
    assert head[-2:] == ["Не указано", "Итого"]
    # three charts, each an SVG with a title and a description, and a table beside it
    svgs = doc.xpath("//*[local-name()='svg']")
    assert len(svgs) == 3
    for svg in svgs:
        assert svg.get("role") == "img"
        labelled = svg.get("aria-labelledby").split()
        texts = {
            el.get("id"): el.text_content() for el in svg.xpath("./*[local-name()='title' or local-name()='desc']")
        }
        assert set(labelled) == set(texts) and all(texts.values())
    desc = svgs[0].xpath("./*[local-name()='desc']")[0].text_content()
    # persons by their latest region: Айгуль moved to Osh; Нурлан is two people before a decision
    assert "г. Бишкек: 0; г. Ош: 1 (Женский 1);" in desc and "Ошская область: 2 (Мужской 2)" in desc
    assert len(doc.cssselect("section.report-chart table")) == 3
    # linked from the project's admin page and from an event's registration pages
    assert 'href="/admin/projects/gesi-project/report"' in client.get("/admin/projects/gesi-project").text
    assert 'href="/admin/projects/gesi-project/report"' in client.get("/admin/events/gesi-1/registrations/stats").text
    assert 'href="/admin/reports"' in client.get("/admin").text


def test_bad_report_filters_are_said_on_the_page(client, login_as, project_data):
    login_as("admin")
    r = client.get("/admin/reports?from=2026-05-01&to=2026-04-01")
    assert r.status_code == 422
    doc = html.fromstring(r.text)
    assert doc.cssselect("#e-to")[0].text_content() == "период заканчивается раньше, чем начинается"
    assert doc.cssselect("#r-from")[0].get("value") == "2026-05-01"  # what was typed stays
    r = client.get("/admin/reports?rows=religion")
    assert r.status_code == 422 and "неизвестный разрез: religion" in r.text
    assert client.get("/admin/reports/export.xlsx?rows=religion").status_code == 422


def test_confirm_and_split_through_the_page(client, login_as, db, project_data):
    _user, csrf = login_as("admin")
    page = client.get("/admin/reports/matches?project=gesi-project")
    doc = html.fromstring(page.text)
    forms = doc.cssselect("form[action='/admin/reports/matches']")
    assert len(forms) == 3
    regs = project_data["regs"]
    names = [[dd.text_content() for dd in li.cssselect("dl dd:first-of-type")] for li in doc.cssselect("li.match")]
    assert ["Бакыт Токтогулов", "Бакыт  Токтогулов"] in names
    for a, b, decision in (("r2", "r7", "same"), ("r3", "r11", "same"), ("r4", "r8", "different")):
        r = client.post(
            "/admin/reports/matches",
            data={
                "a": regs[a].id,
                "b": regs[b].id,
                "decision": decision,
                "query": "project=gesi-project",
                "csrf_token": csrf,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/admin/reports/matches?project=gesi-project"
    after = client.get("/admin/reports/matches?project=gesi-project")
    assert "Неясных совпадений нет." in after.text
    assert len(db.exec(select(MatchDecision)).all()) == 3
    report = html.fromstring(client.get("/admin/projects/gesi-project/report").text)
    assert "7 уникальных участников" in [
        " ".join(li.text_content().split()) for li in report.cssselect("ul.figures li")
    ]
    # a decision that is not one: nothing stored
    r = client.post(
        "/admin/reports/matches", data={"a": regs["r4"].id, "b": "x", "decision": "same", "csrf_token": csrf}
    )
    assert r.status_code == 422
    assert len(db.exec(select(MatchDecision)).all()) == 3


def test_xlsx_export(client, login_as, project_data):
    login_as("admin")
    r = client.get("/admin/reports/export.xlsx?project=gesi-project")
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    names = wb.sheetnames
    assert names[:2] == ["Сводка", "Мероприятия"]
    assert {"Пол", "Вид организации", "Регион", "Возрастная группа", "Инвалидность", "Категория"} <= set(names)
    crosstabs = [n for n in names if " × " in n]
    assert len(crosstabs) == 15  # every pair of the six dimensions
    assert names[-1] == "Участники"
    summary = {row[0]: row[1] for row in wb["Сводка"].iter_rows(min_row=4, values_only=True)}
    assert summary["Уникальных участников"] == 8 and summary["Регистраций"] == 12
    events = wb["Мероприятия"]
    assert events.auto_filter.ref == "A1:E4"
    assert [c.value for c in events[1]] == ["Мероприятие", "Дата", "Регистрации", "Пришли", "Новые участники"]
    assert isinstance(events["B2"].value, datetime) and events["B2"].value.date().isoformat() == "2026-02-10"
    assert events["B2"].number_format == "DD.MM.YYYY"
    assert [events.cell(row=r, column=3).value for r in (2, 3, 4)] == [5, 4, 3]
    assert len(events._charts) == 1
    sheet = wb["Пол × Регион"]
    assert sheet.auto_filter.ref.startswith("A2:")
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert rows[-1][0] == "Итого" and rows[-1][-1] == 8
    assert [r[0] for r in rows] == ["Женский", "Мужской", "Не указано", "Итого"]
    assert all(isinstance(v, int) for r in rows for v in r[1:])
    assert len(sheet._charts) == 1
    for n in ("Пол", "Регион"):
        assert len(wb[n]._charts) == 1
    people = wb["Участники"]
    header = [c.value for c in people[1]]
    assert header[:5] == ["№", "ФИО", "E-mail", "Телефон", "Организация"]
    body = list(people.iter_rows(min_row=2, values_only=True))
    assert len(body) == 8  # one row per person
    aigul = next(r for r in body if r[1] == "Асанова Айгуль")
    assert aigul[2] == "aigul@mail.kg, AIGUL@mail.kg, aigul.a@gmail.com" and aigul[3] == "0555 123 456"
    assert aigul[header.index("Мероприятий")] == 3 and aigul[header.index("Регион")] == "г. Ош"
    assert isinstance(aigul[header.index("Первое мероприятие")], datetime)
    assert people.auto_filter.ref == f"A1:{people.cell(row=1, column=len(header)).column_letter}9"


def test_csv_export_is_the_flat_sheet(client, login_as, db, project_data):
    login_as("admin")
    regs = project_data["regs"]
    for a, b, same in (("r2", "r7", True), ("r3", "r11", True), ("r4", "r8", False)):
        db.add(MatchDecision(registration_a_id=regs[a].id, registration_b_id=regs[b].id, same=same))
    db.flush()
    r = client.get("/admin/reports/export.csv?project=gesi-project")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 1 + len(PERSONS)
    header = rows[0]
    bakyt = next(row for row in rows if row[1].startswith("Бакыт"))
    assert bakyt[header.index("Мероприятий")] == "2"
    assert bakyt[header.index("Первое мероприятие")] == "10.02.2026"
    assert bakyt[header.index("Инвалидность")] == "Без инвалидности"
    elmira = next(row for row in rows if row[1] == "Эльмира Садыкова")
    assert elmira[header.index("Вид организации")] == "Не указано"
    assert elmira[header.index("Организация")] == "Фермерское хозяйство «Ак-Жол»"


def test_report_pages_need_an_organiser(client, login_as, project_data):
    client.cookies.clear()
    r = client.get("/admin/reports", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/login")
    login_as("press_officer")
    assert client.get("/admin/reports").status_code == 403
    assert client.get("/admin/reports/export.csv").status_code == 403


def test_svg_is_well_formed_xml(client, login_as, project_data):
    login_as("admin")
    doc = html.fromstring(client.get("/admin/reports?project=gesi-project").text)
    for svg in doc.xpath("//*[local-name()='svg']"):
        root = etree.fromstring(html.tostring(svg))
        assert root.tag in ("svg", SVG + "svg")
