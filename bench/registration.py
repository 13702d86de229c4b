"""Benchmark: registrations per second against a real server on loopback.

Starts eventhub (uvicorn, temporary SQLite file, or a PostgreSQL schema with --pg URL) and a
loopback SMTP sink, then sends a burst of registrations with bounded concurrency and, in the
same run, the same forms to the validate-only endpoint (`?dry_run=true`) as the baseline.
Prints rates, error counts and the ratio. Run: .venv/bin/python -m bench.registration"""

import argparse
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from eventhub.core.models import Event, EventOrganisation, Organisation, Registration, utcnow
from tools.live_server import free_port, live_server


class CountingSink:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.count += 1
        return "250 OK"


def make_event(engine, capacity: int) -> str:
    with Session(engine) as db:
        org = Organisation(slug="bench-org", name="Бенчмарк", kind="cso", search_text="bench")
        start = utcnow() + timedelta(days=30)
        event = Event(
            slug="bench-event",
            kind="dialogue",
            status="published",
            title="Диалог для бенчмарка",
            start_at=start,
            end_at=start + timedelta(hours=6),
            registration_mode="open",
            capacity=capacity,
            search_text="bench",
        )
        db.add(org)
        db.add(event)
        db.flush()
        db.add(EventOrganisation(event_id=event.id, organisation_id=org.id, role="organiser"))
        db.commit()
        return event.slug


def body(i: int, run: str) -> dict:
    return {
        "full_name": f"Участник {run} {i:04d}",
        "email": f"{run}-{i:04d}@example.org",
        "phone": "0702 174 107",
        "organisation_other": "ОО «Бенчмарк»",
        "position": "эксперт",
        "category": "participant",
        "region": "naryn",
        "gender": "female",
        "consent": True,
    }


def burst(url: str, bodies: list[dict], concurrency: int, timeout: float) -> tuple[float, int, dict[int, int]]:
    """Send all bodies with `concurrency` threads (one HTTP connection each); (seconds, errors, statuses)."""
    local = threading.local()
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def post(b: dict) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = httpx.Client(timeout=timeout)
        try:
            code = client.post(url, json=b).status_code
        except httpx.HTTPError:
            code = 0
        with lock:
            statuses[code] = statuses.get(code, 0) + 1

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(post, bodies))
    elapsed = time.perf_counter() - start
    ok = sum(n for code, n in statuses.items() if 200 <= code < 300)
    return elapsed, len(bodies) - ok, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=500, help="registrations in the burst")
    parser.add_argument("-c", "--concurrency", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=250, help="places (the rest go to the waiting list)")
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--pg", help="PostgreSQL URL (a temporary schema is created and dropped)")
    args = parser.parse_args()
    n = min(max(args.n, 1), 5000)
    concurrency = min(max(args.concurrency, 1), 100)

    sink = CountingSink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            live_server(Path(tmp), pg_url=args.pg, smtp_port=smtp_port, workers=args.workers) as (
                base_url,
                _settings,
                engine,
            ),
        ):
            slug = make_event(engine, args.capacity)
            url = f"{base_url}/api/v1/events/{slug}/registrations"
            burst(url + "?dry_run=true", [body(i, "warm") for i in range(min(50, n))], concurrency, 60)
            base_s, base_err, base_codes = burst(
                url + "?dry_run=true", [body(i, "base") for i in range(n)], concurrency, 60
            )
            reg_s, reg_err, reg_codes = burst(url, [body(i, "reg") for i in range(n)], concurrency, 120)
            with Session(engine) as db:
                regs = list(db.exec(select(Registration.status)))
            deadline = time.monotonic() + 60  # mail goes out after the responses: wait for it, bounded
            while sink.count < n and time.monotonic() < deadline:
                time.sleep(0.2)
    finally:
        controller.stop()

    confirmed = sum(1 for s in regs if s == "confirmed")
    waitlisted = sum(1 for s in regs if s == "waitlisted")
    base_rate, reg_rate = n / base_s, n / reg_s
    db_name = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"eventhub registration benchmark: {n} requests, concurrency {concurrency}, {db_name}, {args.workers} worker(s)"
    )
    print(
        f"  baseline  POST …/registrations?dry_run=true (validate only): {base_rate:8.1f} req/s  errors {base_err}  {base_codes}"
    )
    print(
        f"  register  POST …/registrations (lock, count, insert, outbox): {reg_rate:8.1f} req/s  errors {reg_err}  {reg_codes}"
    )
    print(f"  ratio register/baseline: {reg_rate / base_rate:.2f}")
    print(
        f"  stored: {len(regs)} ({confirmed} confirmed, {waitlisted} waitlisted; capacity {args.capacity});"
        f" e-mails received by the SMTP sink: {sink.count}"
    )


if __name__ == "__main__":
    main()
