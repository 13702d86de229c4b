"""`eventhub worker`: several processes send the outbox, each mail exactly once, to a real
SMTP server on loopback; a claim left by a crashed sender is taken again; SIGTERM stops cleanly."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import OutboxMessage, OutboxStatus, utcnow
from tests.conftest import PG_URL
from tools.live_server import ROOT

N = 60


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """A migrated database of its own (committed rows, seen by other processes)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        schema = None
    else:
        if not PG_URL:
            pytest.skip("set EVENTHUB_TEST_DATABASE_URL to run this on PostgreSQL")
        schema = f"worker_{uuid.uuid4().hex[:12]}"
        admin = make_engine(Settings(database_url=PG_URL, data_dir=tmp_path, secret_key="x"))
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}"
    settings = Settings(database_url=url, data_dir=tmp_path, secret_key="worker-secret")
    upgrade(settings)
    engine = make_engine(settings)
    yield url, engine
    engine.dispose()
    if schema:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _wait_until_started(proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until the worker says it runs (its SIGTERM handler is set by then): a SIGTERM before
    that would kill it mid-import, which is no test of a clean stop."""
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line or line.startswith(b"worker: sending the outbox"):
            return
    raise AssertionError("the worker did not start")


def _start_worker(url: str, data_dir, smtp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "EVENTHUB_DATABASE_URL": url,
        "EVENTHUB_DATA_DIR": str(data_dir),
        "EVENTHUB_SECRET_KEY": "worker-secret",
        "EVENTHUB_SMTP_HOST": "127.0.0.1",
        "EVENTHUB_SMTP_PORT": str(smtp_port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "eventhub.cli", "worker", "--batch", "5", "--idle", "0.1"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_two_workers_send_every_mail_exactly_once(database, tmp_path, mailbox) -> None:
    url, engine = database
    now = utcnow()
    with Session(engine) as db:
        for i in range(N):
            crashed = i % 10 == 0  # claimed by a sender that died: its lease has run out
            db.add(OutboxMessage(
                to_address=f"p{i}@example.org", subject=f"mail {i}", body_text=f"Здравствуйте, {i}",
                status=OutboxStatus.sending if crashed else OutboxStatus.pending,
                locked_until=now - timedelta(seconds=1) if crashed else None,
            ))  # fmt: skip
        db.commit()

    workers = [_start_worker(url, tmp_path, mailbox.port) for _ in range(2)]
    try:
        mailbox.wait_for(N, timeout=45)
        time.sleep(0.5)  # a duplicate would arrive now
        for proc in workers:  # on a loaded machine one may send everything before the other has started
            _wait_until_started(proc)
    finally:
        for proc in workers:
            proc.send_signal(signal.SIGTERM)
        outputs = [proc.communicate(timeout=20) for proc in workers]

    assert [proc.returncode for proc in workers] == [0, 0], outputs
    subjects = sorted(str(m["Subject"]) for m in mailbox.messages)
    assert subjects == sorted(f"mail {i}" for i in range(N))  # each once, none lost
    with Session(engine) as db:
        statuses = db.exec(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.sent} and len(statuses) == N
    assert all(b"worker stopped: sent" in err for _out, err in outputs)


def test_a_stopping_sender_gives_back_what_it_has_not_sent(database, tmp_path) -> None:
    from eventhub.core.outbox import deliver
    from eventhub.core.uow import Units

    url, engine = database
    with Session(engine) as db:
        for i in range(3):
            db.add(OutboxMessage(to_address=f"p{i}@example.org", subject=f"mail {i}", body_text="Текст"))
        db.commit()
        settings = Settings(database_url=url, data_dir=tmp_path, secret_key="worker-secret", smtp_port=1)
        report = deliver(Units(engine), settings, force=True, stop=lambda: True)  # SIGTERM came before the first send
        rows = db.exec(select(OutboxMessage.status, OutboxMessage.locked_until, OutboxMessage.attempts)).all()
    assert report.sent == [] and report.retrying == []
    assert rows == [(OutboxStatus.pending, None, 0)] * 3  # due again at once for the next worker
