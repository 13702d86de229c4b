"""Benchmark: change notifications of a 1,000-person event, against plain outbox mail.

In one process, over a temporary SQLite file (or a PostgreSQL schema with --pg URL) and a
loopback SMTP sink: (1) the baseline — 1,000 plain outbox rows inserted in one transaction,
then sent by `outbox.deliver`; (2) a 1,000-person event cancelled — the notifications composed
(per language and group, calendar part per person) and queued in the cancellation's
transaction, then sent the same way. Prints both and the ratios (queue, send).
Run: .venv/bin/python -m bench.notify [--pg URL] [-n 1000]"""

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

import eventhub.registrations  # noqa: F401  (subscribes to event changes)
from eventhub.core import outbox
from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.hooks import ChangeNotice
from eventhub.core.models import Event, OutboxMessage, Registration, StaffUser, utcnow
from eventhub.core.uow import Units
from eventhub.events.editing import cancel_event
from eventhub.events.schemas import Cancel
from tools.live_server import free_port


class CountingSink:
    count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def _event(db: Session, slug: str, n: int) -> Event:
    start = datetime(2030, 6, 1, 4, 0, tzinfo=UTC)
    event = Event(
        slug=slug, kind="forum", status="published", title="Форум аймаков", start_at=start,
        end_at=start + timedelta(hours=8), registration_mode="open", contact_email="aijan@ipr.kg",
        contact_name="Айжан Бекова", translations={"en": {"title": "Forum of Aimaks"}, "ky": {"title": "Аймактар форуму"}},
    )  # fmt: skip
    db.add(event)
    db.flush()
    statuses = ["confirmed"] * 8 + ["waitlisted", "pending"]
    db.execute(
        sa.insert(Registration.__table__),
        [
            {
                "event_id": event.id, "token_hash": uuid.uuid4().hex * 2, "full_name": f"Участник {i}",
                "email": f"p{i}@{slug}.example.org", "email_normalised": f"p{i}@{slug}.example.org",
                "language": ("ru", "ky", "en")[i % 3], "consent_at": start, "consent_text": "Согласен",
                "status": statuses[i % 10], "status_changed_at": start, "created_at": start, "updated_at": start,
                "category": "participant", "ics_sequence": 0 if statuses[i % 10] == "confirmed" else None,
            }
            for i in range(n)
        ],
    )  # fmt: skip
    db.commit()
    return event


def _send_all(engine, settings: Settings) -> float:
    started = time.perf_counter()
    units = Units(engine)
    while outbox.deliver(units, settings, limit=500).sent:
        pass
    return time.perf_counter() - started


def run(url: str, data_dir: Path, n: int) -> dict[str, float]:
    sink = CountingSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings = Settings(
        database_url=url, data_dir=data_dir, secret_key="bench", base_url="https://eventhub.kg", smtp_port=port
    )
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with Session(engine) as db:
            user = StaffUser(email="bench@example.org", password_hash="x", role="admin")
            db.add(user)
            db.commit()
            warm = _event(db, "warm-up", 9)  # a server is warm: locale data, templates, VTIMEZONE
            cancel_event(db, event=warm, data=Cancel(reason="—"), user=user, notice=ChangeNotice(settings, utcnow()))
            db.commit()
        _send_all(engine, settings)

        with Session(engine) as db:
            started = time.perf_counter()
            db.execute(
                sa.insert(OutboxMessage.__table__),
                [
                    {
                        "to_address": f"plain{i}@example.org", "subject": f"Письмо {i}", "body_text": f"Здравствуйте, {i}!",
                        "status": "pending", "attempts": 0, "attachments": [], "kind": "other",
                        "created_at": utcnow(), "next_attempt_at": utcnow(),
                    }
                    for i in range(n)
                ],
            )  # fmt: skip
            db.commit()
            plain_queue = time.perf_counter() - started
        plain_send = _send_all(engine, settings)

        with Session(engine) as db:
            event = _event(db, "forum", n)
            user = db.exec(select(StaffUser)).one()
            started = time.perf_counter()
            notice = ChangeNotice(settings, utcnow())
            cancel_event(db, event=event, data=Cancel(reason="Площадка закрыта"), user=user, notice=notice)
            db.commit()
            notify_queue = time.perf_counter() - started
            assert notice.results[0].queued == n
        notify_send = _send_all(engine, settings)
        assert sink.count == 9 + 2 * n, sink.count
    finally:
        engine.dispose()
        controller.stop()
    return {
        "plain_queue": plain_queue,
        "plain_send": plain_send,
        "notify_queue": notify_queue,
        "notify_send": notify_send,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", help="PostgreSQL URL (a schema of its own is made and dropped)")
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        if args.pg:
            schema = f"bench_notify_{uuid.uuid4().hex[:8]}"
            admin = make_engine(Settings(database_url=args.pg, data_dir=data_dir, secret_key="x"))
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            url = f"{args.pg}{'&' if '?' in args.pg else '?'}options={quote(f'-csearch_path={schema}')}"
        else:
            url, admin = f"sqlite:///{data_dir / 'bench.sqlite3'}", None
        try:
            r = run(url, data_dir, args.n)
        finally:
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    db = "PostgreSQL" if args.pg else "SQLite"
    print(f"{db}, {args.n} messages    plain outbox      notifications     ratio")
    print(
        f"queue (one transaction)   {r['plain_queue'] * 1000:8.0f} ms   {r['notify_queue'] * 1000:8.0f} ms   {r['notify_queue'] / r['plain_queue']:6.1f}"
    )
    print(
        f"send (SMTP on loopback)   {r['plain_send'] * 1000:8.0f} ms   {r['notify_send'] * 1000:8.0f} ms   {r['notify_send'] / r['plain_send']:6.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
