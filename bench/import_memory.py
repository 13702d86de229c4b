"""Benchmark: a worker's peak memory while it checks the largest allowed participant list,
next to its resting memory, in the same run (issue 21: target under 1.5× resting).

One uvicorn worker over a temporary SQLite file; resting = its resident memory after a
warm-up (a staff page and a small import, so the import code and openpyxl are loaded);
peak = the kernel's high-water mark (VmHWM) after it previewed a 2,000-row Cyrillic XLSX
(and, separately, refused a zip bomb). Linux only (/proc).
Run: .venv/bin/python -m bench.import_memory"""

import base64
import io
import json
import re
import tempfile
import zipfile
from datetime import timedelta
from pathlib import Path

import httpx
import itsdangerous
from openpyxl import Workbook
from sqlmodel import Session

from eventhub.accounts import sessions
from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import Event, EventOrganisation, Organisation, StaffUser, utcnow
from eventhub.registrations import importer
from tools.live_server import LIVE_SECRET, free_port, fresh_database, server_env, server_process, uvicorn_command


def _kib(pid: int, field: str) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.M).group(1))  # type: ignore[union-attr]


def _xlsx(rows: int) -> bytes:
    wb = Workbook()
    wb.active.append(["ФИО", "E-mail", "Должность", "Организация"])
    for n in range(rows):
        wb.active.append([f"Абдыкадырова Гүлнара Жумабековна {n}", f"p{n}@example.org", "главный специалист", ""])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<row>" + b"0" * (200 * 1024 * 1024) + b"</row>")
    return out.getvalue()


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    with fresh_database(data_dir) as url:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        settings = Settings(database_url=url, data_dir=data_dir, secret_key=LIVE_SECRET, base_url=base)
        upgrade(settings)
        engine = make_engine(settings)
        with Session(engine) as db:
            org = Organisation(slug="ipr", name="Институт политики развития")
            admin = StaffUser(email="bench@example.org", password_hash="-", role="admin")
            event = Event(
                slug="forum", title="Форум", kind="forum", status="published", registration_mode="open",
                start_at=utcnow() + timedelta(days=30), end_at=utcnow() + timedelta(days=30, hours=8),
            )  # fmt: skip
            db.add_all([org, admin, event])
            db.flush()
            db.add(EventOrganisation(event_id=event.id, organisation_id=org.id, role="organiser"))
            sid = sessions.start(db, admin, now=utcnow(), lifetime=timedelta(hours=12))
            db.commit()
        engine.dispose()
        payload = base64.b64encode(json.dumps({"sid": sid, "csrf": "bench"}).encode())
        cookie = itsdangerous.TimestampSigner(LIVE_SECRET).sign(payload).decode()
        command = uvicorn_command("eventhub.main:app_factory", port)
        largest = _xlsx(importer.MAX_ROWS)
        with (
            server_process(command, server_env(url, data_dir, base), base) as proc,
            httpx.Client(base_url=base, cookies={"eventhub_session": cookie}, timeout=300) as client,
        ):
            page = "/admin/events/forum/registrations/import"

            def post(name: str, content: bytes) -> int:
                files = {"file": (name, content, "application/octet-stream")}
                return client.post(page, data={"csrf_token": "bench"}, files=files).status_code

            assert client.get("/admin").status_code == 200
            assert post("small.xlsx", _xlsx(20)) == 200  # loads the import code and openpyxl
            resting = _kib(proc.pid, "VmRSS")
            bomb_status = post("bomb.xlsx", _bomb())
            after_bomb = _kib(proc.pid, "VmHWM")
            status = post("largest.xlsx", largest)
            peak = _kib(proc.pid, "VmHWM")
    print(f"largest allowed list: {importer.MAX_ROWS} rows, {len(largest) / 1024:.0f} KiB (answer {status})")
    print(f"zip bomb refused: answer {bomb_status}, high-water mark {after_bomb / 1024:.1f} MiB")
    print(
        f"resting {resting / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB: {peak / resting:.2f}x resting (target < 1.5x)"
    )


if __name__ == "__main__":
    main()
