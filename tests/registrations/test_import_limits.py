"""Imports that cannot exhaust the server (issue 21, item 6).

The review's files: a 27 KiB XLSX costing half a gigabyte, a 1.3 MiB one a gigabyte, and a
list of more than ~650 Cyrillic rows that could never be confirmed (the preview travelled in
a hidden field and the confirmation hit the body limit). Memory is measured in the test
process with tracemalloc."""

import io
import re
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from eventhub.core.errors import Invalid
from eventhub.registrations import importer
from tests.registrations.test_import_export import _count, setup  # noqa: F401  (the fixture)

BUDGET = 40 * 1024 * 1024  # bytes a worker may allocate to refuse or read any uploaded list


def _zip_bomb(member: str, size: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, b"<row>" + b"0" * size + b"</row>")
    return out.getvalue()


def _peak(call) -> tuple[int, object]:
    tracemalloc.start()
    try:
        try:
            result: object = call()
        except Invalid as exc:
            result = exc
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


def _wide_xlsx() -> bytes:
    """A few rows each with a value in the last column Excel has (XFD)."""
    wb = Workbook(write_only=False)
    ws = wb.active
    ws.append(["ФИО", "E-mail"])
    for n in range(50):
        ws.cell(row=n + 2, column=1, value=f"Иванов {n}")
        ws.cell(row=n + 2, column=2, value=f"u{n}@example.org")
        ws.cell(row=n + 2, column=16384, value="x")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"])
def test_a_zip_bomb_is_refused_from_the_zip_directory_within_the_budget(member) -> None:
    bomb = _zip_bomb(member, 200 * 1024 * 1024)  # 200 MiB of XML in a file of a few hundred KiB
    assert len(bomb) < importer.MAX_BYTES
    peak, result = _peak(lambda: importer.read_table("bomb.xlsx", bomb))
    assert isinstance(result, Invalid) and "после распаковки" in result.message
    assert peak < 2 * 1024 * 1024  # refused before anything was unpacked


def test_a_cell_far_to_the_right_does_not_widen_every_row() -> None:
    peak, rows = _peak(lambda: importer.read_table("wide.xlsx", _wide_xlsx()))
    assert isinstance(rows, list) and len(rows) == 50 and peak < BUDGET


def test_truncated_and_oversized_cells_are_a_clear_422(client, setup) -> None:  # noqa: F811
    _event, csrf, base = setup
    good = io.BytesIO()
    wb = Workbook()
    wb.active.append(["ФИО", "E-mail"])
    wb.active.append(["Асанов Бакыт", "b@example.org"])
    wb.save(good)
    long_cell = io.BytesIO()
    wb.active.append(["Я" * 3000, "c@example.org"])
    wb.save(long_cell)
    cases = [
        (("cut.xlsx", good.getvalue()[: len(good.getvalue()) // 2], "application/octet-stream"), "файл повреждён"),
        (("long.xlsx", long_cell.getvalue(), "application/octet-stream"), "ячейка длиннее 2000 символов"),
        (("long.csv", ("ФИО;E-mail\n" + "Я" * 3000 + ";a@example.org\n").encode(), "text/csv"), "ячейка длиннее"),
        (("huge.csv", ("ФИО;E-mail\n\"" + "x" * 200_000 + "\";a@example.org\n").encode(), "text/csv"), "строка"),
        (("bomb.xlsx", _zip_bomb("xl/worksheets/sheet1.xml", 50 * 1024 * 1024), "application/octet-stream"), "больше данных"),
    ]  # fmt: skip
    for upload, message in cases:
        response = client.post(f"{base}/import", data={"csrf_token": csrf}, files={"file": upload})
        assert response.status_code == 422 and message in response.text, upload[0]


def test_two_thousand_cyrillic_rows_are_previewed_and_imported(app, client, db, setup) -> None:  # noqa: F811
    event, csrf, base = setup
    event.capacity = None
    db.add(event)
    db.commit()
    wb = Workbook()
    wb.active.append(["ФИО", "E-mail", "Должность"])
    for n in range(importer.MAX_ROWS):
        wb.active.append([f"Абдыкадырова Гүлнара Жумабековна {n}", f"p{n}@example.org", "главный специалист отдела"])
    content = io.BytesIO()
    wb.save(content)
    peak, rows = _peak(lambda: importer.read_table("big.xlsx", content.getvalue()))
    assert isinstance(rows, list) and len(rows) == importer.MAX_ROWS and peak < BUDGET

    preview = client.post(
        f"{base}/import",
        data={"csrf_token": csrf},
        files={"file": ("big.xlsx", content.getvalue(), "application/octet-stream")},
    )
    assert preview.status_code == 200
    preview_id = re.search(r'name="preview" value="(\d+)"', preview.text).group(1)
    confirmed = client.post(f"{base}/import/confirm", data={"csrf_token": csrf, "preview": preview_id, "consent": "on"})
    assert confirmed.status_code == 200 and "Список импортирован" in confirmed.text
    assert _count(db) == importer.MAX_ROWS
    again = client.post(f"{base}/import/confirm", data={"csrf_token": csrf, "preview": preview_id, "consent": "on"})
    assert again.status_code == 422 and _count(db) == importer.MAX_ROWS  # a preview is used once
