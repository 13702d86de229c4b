"""Crash test: the server is killed (SIGKILL) in the middle of a stream of registrations and
started again on the same SQLite file; nothing it acknowledged is lost, nothing is half-stored."""

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import httpx
from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from tests.factories import add_organisation_role, make_event, make_organisation
from tools.live_server import free_port, server_env, server_process

CAPACITY = 15


def _serve(db_path, data_dir, port: int):
    """`eventhub serve` on the file; mail waits (nobody listens on its SMTP port)."""
    base = f"http://127.0.0.1:{port}"
    env = server_env(f"sqlite:///{db_path}", data_dir, base, smtp_host="127.0.0.1", smtp_port=str(free_port()))
    command = [sys.executable, "-m", "eventhub.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return server_process(command, env, base, startup_timeout=20, output=subprocess.DEVNULL)


def _person(i: int) -> dict:
    return {"full_name": f"Участник {i}", "email": f"p{i}@example.org", "category": "participant", "consent": True}


def test_registrations_acknowledged_before_a_sigkill_survive_it(tmp_path) -> None:
    db_path = tmp_path / "crash.sqlite3"
    settings = Settings(database_url=f"sqlite:///{db_path}", data_dir=tmp_path, secret_key="crash-secret")
    upgrade(settings)
    engine = make_engine(settings)
    with Session(engine) as db:
        event = make_event(db, registration_mode="open", capacity=CAPACITY)
        add_organisation_role(db, event, make_organisation(db), "organiser")
        slug = event.slug
        db.commit()
    engine.dispose()

    port = free_port()
    acknowledged: list[str] = []
    stop = threading.Event()

    def stream() -> None:
        with httpx.Client(timeout=5) as client:
            for i in range(2000):  # bounded; ends when the server is gone
                if stop.is_set():
                    return
                try:
                    r = client.post(f"http://127.0.0.1:{port}/api/v1/events/{slug}/registrations", json=_person(i))
                except httpx.HTTPError:
                    return
                if 200 <= r.status_code < 300:
                    acknowledged.append(f"p{i}@example.org")

    with _serve(db_path, tmp_path, port) as server:
        sender = threading.Thread(target=stream)
        sender.start()
        try:
            deadline = time.monotonic() + 20
            while len(acknowledged) < CAPACITY + 10 and time.monotonic() < deadline:
                time.sleep(0.01)
            os.killpg(server.pid, signal.SIGKILL)  # in the middle of the stream
            server.wait(timeout=10)
        finally:
            stop.set()
            sender.join(timeout=15)
    assert len(acknowledged) >= CAPACITY + 10

    with _serve(db_path, tmp_path, port):  # the same file, after the crash
        after = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/events/{slug}/registrations", json=_person(99_999), timeout=10
        )
        assert after.status_code == 202

    con = sqlite3.connect(db_path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {
            email: (status, reg_id)
            for reg_id, email, status in con.execute(
                "SELECT r.id, r.email, r.status FROM registration r JOIN event e ON e.id = r.event_id WHERE e.slug = ?",
                (slug,),
            )
        }
        assert set(acknowledged) <= set(stored)  # every 2xx is there
        without_mail = con.execute(
            "SELECT count(*) FROM registration r WHERE NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.registration_id = r.id)"
        ).fetchone()[0]
        assert without_mail == 0  # no half-stored registration: each has its e-mail
        held = [s for s, _ in stored.values() if s in ("confirmed", "attended")]
        assert len(held) <= CAPACITY
        waiting = sorted(
            p for (p,) in con.execute("SELECT waitlist_position FROM registration WHERE status = 'waitlisted'")
        )
        assert waiting == list(range(1, len(waiting) + 1))  # the waiting list has no gaps or doubles
    finally:
        con.close()
