"""A 1,000-person event is cancelled: 1,000 e-mails are queued in the cancellation's own
transaction, and two `eventhub worker` processes send each exactly once (SQLite and
PostgreSQL, where workers claim rows with SKIP LOCKED)."""

import signal
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from eventhub.core.config import Settings
from eventhub.core.hooks import ChangeNotice
from eventhub.core.models import Event, OutboxMessage, OutboxStatus, Registration, StaffUser, utcnow
from eventhub.events.editing import cancel_event
from eventhub.events.schemas import Cancel
from tests.registrations import test_worker

database, _start_worker = test_worker.database, test_worker._start_worker  # the fixture: a database of its own

N = 1000


def _big_event(db: Session) -> Event:
    start = datetime(2030, 6, 1, 4, 0, tzinfo=UTC)
    event = Event(
        slug="forum-1000", kind="forum", status="published", title="Форум аймаков", start_at=start,
        end_at=start + timedelta(hours=8), registration_mode="open", contact_email="aijan@ipr.kg",
        translations={"en": {"title": "Forum of Aimaks"}, "ky": {"title": "Аймактар форуму"}},
    )  # fmt: skip
    db.add(event)
    db.add(StaffUser(email="admin@example.org", password_hash="x", role="admin"))
    db.flush()
    statuses = ["confirmed"] * 8 + ["waitlisted", "pending"]
    db.execute(
        sa.insert(Registration.__table__),
        [
            {
                "event_id": event.id, "token_hash": f"{i:064d}", "full_name": f"Участник {i}",
                "email": f"p{i}@example.org", "email_normalised": f"p{i}@example.org",
                "language": ("ru", "ky", "en")[i % 3], "consent_at": start, "consent_text": "Согласен",
                "status": statuses[i % 10], "status_changed_at": start, "created_at": start, "updated_at": start,
                "category": "participant", "ics_sequence": 0 if statuses[i % 10] == "confirmed" else None,
            }
            for i in range(N)
        ],
    )  # fmt: skip
    db.commit()
    return event


def test_a_cancellation_of_1000_queues_1000_in_its_transaction_and_two_workers_send_each_once(
    database, tmp_path, mailbox
) -> None:
    url, engine = database
    settings = Settings(database_url=url, data_dir=tmp_path, secret_key="worker-secret", base_url="https://eventhub.kg")
    with Session(engine) as db:
        event = _big_event(db)
        user = db.exec(select(StaffUser)).one()
        notice = ChangeNotice(settings, utcnow())
        started = time.perf_counter()
        cancel_event(db, event=event, data=Cancel(reason="Площадка закрыта"), user=user, notice=notice)
        queued_in = time.perf_counter() - started
        with Session(engine) as other:  # not visible before the commit: all or nothing
            assert other.exec(select(sa.func.count()).select_from(OutboxMessage)).one() == 0
        assert notice.results[0].queued == N
        db.commit()
    print(f"\n1,000 notifications composed and queued in {queued_in * 1000:.0f} ms")  # speed: bench.notify

    workers = [_start_worker(url, tmp_path, mailbox.port) for _ in range(2)]
    try:
        mailbox.wait_for(N, timeout=120)
        time.sleep(0.5)  # a duplicate would arrive now
        for proc in workers:
            test_worker._wait_until_started(proc)
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        outputs = [proc.communicate(timeout=30) for proc in workers]

    assert [proc.returncode for proc in workers] == [0, 0], outputs
    assert sorted(m["To"] for m in mailbox.messages) == sorted(f"p{i}@example.org" for i in range(N))
    both = [int(err.decode().rsplit("worker stopped: sent ", 1)[1].split(",")[0]) for _out, err in outputs]
    assert sum(both) == N
    calendars = [m for m in mailbox.messages if m.get_content_type() == "multipart/mixed"]
    assert len(calendars) == 800  # the confirmed: with the calendar cancellation; the others the news
    with Session(engine) as db:
        assert set(db.exec(select(OutboxMessage.status)).all()) == {OutboxStatus.sent}
        assert set(db.exec(select(Registration.ics_sequence).where(Registration.status == "confirmed"))) == {1}
