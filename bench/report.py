"""The benchmark report: one table of every figure, `make bench` or `python -m bench`.

    .venv/bin/python -m bench [--seconds 2] [--connections 16] [--burst 120] [--budget 1200]
                              [--sizes 1k,100k] [--workers 1,2] [--no-pg] [--malloc-arena-max 2]

For each database kind (SQLite; PostgreSQL when 127.0.0.1:5432 answers, database
``test_bench``, one schema per dataset), each dataset size and 1 and 2 uvicorn workers
(uvloop, httptools), it starts eventhub on loopback (``bench.feeds.serve``: the app plus
bare endpoints of the same framework answering the very same bytes from memory) and
measures, with wrk (``bench.feeds.wrk_stats``) and in the same run as each baseline:

* feed: ``/calendar.ics?project=…&from=2024-01-01`` (125 events, the same bytes at every size), full 200;
* feed 304: the same with If-None-Match, against a bare 304;
* event page: ``/events/{slug}`` of the event with 60 agenda sessions;
* API list: ``/api/v1/events`` (first page, filters and total over the whole database);
* registration burst (``bench.registration.burst``): N registrations against the
  validate-only endpoint (``?dry_run=true``); a loopback SMTP sink takes the mail.

Datasets: 1k = 1,000 events and 10,000 registrations; 100k = 100,000 events and 1,000,000
registrations. The bulk rows are generated once into CSV files under ``.bench/dataset/``;
each database is built once (SQLite file ``.bench/report/``, PostgreSQL schema
``bench_<size>``) and reused by later runs and by both worker counts (only migrated to head).
Growth: the latency of one request at a time at 100k over 1k, the fastest of 31 (target ≤ 1.5;
the fastest is the figure least disturbed by other work on a shared machine, and still every
query and render the request needs; the wrk median under load is shown too, but is mostly queueing); peak RSS (VmHWM) of a worker
(target ≤ 150 MB at 100k). Every wrk run, request and server start is bounded in time, and
configurations past the time budget are skipped (and said so).
"""

import argparse
import csv
import http.client
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.feeds import AGENDA_SLUG, ROOT, _get, build_database, ensure_wrk, serve, serve_bare, wrk_stats

DATASET_VERSION = "1"
SIZES = {"1k": (1_000, 10_000), "100k": (100_000, 1_000_000)}
PG_URL = "postgresql://postgres@127.0.0.1:5432/test_bench"
FEED_PROJECT = "uspeshnyy-aymak-3"  # 125 of bench.feeds' 500 events; bulk events have no project
BULK_EVENT_ID = 10_000  # bulk event ids start above the hand-built ones
# Ratios to the bare Starlette process (issue 22's targets).
TARGETS = {
    "feed": 0.5,
    "agenda .ics": 0.6,
    "schedule JSON": 0.6,
    "schedule XML": 0.6,
    "feed 304": 0.8,
    "event page": 0.6,
    "API event": 0.3,
    "API list": 0.3,
}
GROWTH_TARGET = 1.5
COLD_TARGET_MS = 50
RSS_TARGET_MB = 150
CASES = (
    "feed",
    "agenda .ics",
    "schedule JSON",
    "schedule XML",
    "feed 304",
    "event page",
    "API event",
    "API list",
    "registration burst",
)
WORK = ROOT / ".bench"


# --- datasets ---


def _ts(value: datetime) -> str:
    """How SQLAlchemy stores UTCDateTime on SQLite (naive UTC); PostgreSQL reads it in a UTC session."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate_dataset(size: str) -> Path:
    """Bulk rows as CSV (written once, then reused): events, their organiser, registrations."""
    n_events, n_regs = SIZES[size]
    folder = WORK / "dataset" / f"{size}-v{DATASET_VERSION}"
    if (folder / "done").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    t0 = time.perf_counter()
    bulk = n_events - 501  # bench.feeds.build_database makes 500 events and the 60-session forum
    kinds = ["round_table", "focus_group", "forum", "dialogue", "seminar", "conference", "training"]
    regions = ["bishkek", "osh", "naryn", "issyk_kul", "jalal_abad", "batken", "talas", "chuy"]
    start = datetime(2020, 1, 1, 4, tzinfo=UTC)
    created = _ts(datetime(2026, 1, 1, tzinfo=UTC))
    span_hours = 16 * 365 * 24  # 2020–2035: past and upcoming events at every size
    with open(folder / "event.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "id",
                "slug",
                "kind",
                "status",
                "title",
                "summary",
                "goals",
                "start_at",
                "end_at",
                "timezone",
                "all_day",
                "venue_name",
                "city",
                "venue_region",
                "languages",
                "registration_mode",
                "capacity",
                "sequence",
                "published_at",
                "search_text",
                "original_language",
                "translations",
                "created_at",
                "updated_at",
            ]
        )
        for i in range(bulk):
            begins = start + timedelta(hours=(i * 7919) % span_hours)
            title = f"Диалог №{i}: местные бюджеты и услуги айылных аймаков"
            w.writerow(
                [
                    BULK_EVENT_ID + i,
                    f"bulk-{i}",
                    kinds[i % len(kinds)],
                    "published",
                    title,
                    "Обсуждение планирования развития с участием граждан.",
                    "[]",
                    _ts(begins),
                    _ts(begins + timedelta(hours=3)),
                    "Asia/Bishkek",
                    0,
                    "Конференц-зал",
                    "Бишкек",
                    regions[i % len(regions)],
                    '["ru"]',
                    "open",
                    200,
                    0,
                    _ts(begins - timedelta(days=30)),
                    f"диалог {i} местные бюджеты",
                    "ru",
                    "{}",
                    created,
                    created,
                ]
            )
    with open(folder / "event_organisation.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "organisation_id", "role", "position"])
        for i in range(bulk):
            w.writerow([BULK_EVENT_ID + i, i % 12 + 1, "organiser", 0])
    with open(folder / "registration.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "id",
                "event_id",
                "token_hash",
                "full_name",
                "email",
                "email_normalised",
                "phone",
                "organisation_name",
                "position",
                "category",
                "region",
                "gender",
                "language",
                "consent_at",
                "consent_text",
                "status",
                "status_changed_at",
                "created_at",
                "updated_at",
            ]
        )
        for i in range(n_regs):
            email = f"p{i}@example.org"
            w.writerow(
                [
                    i + 1,
                    BULK_EVENT_ID + i % bulk,
                    f"{i:064x}",
                    f"Участник Номер {i}",
                    email,
                    email,
                    "+996702174107",
                    "ОО «Развитие»",
                    "эксперт",
                    "participant",
                    regions[i % len(regions)],
                    "female" if i % 2 else "male",
                    "ru",
                    created,
                    "Согласие на обработку данных",
                    "confirmed" if i % 10 else "waitlisted",
                    created,
                    created,
                    created,
                ]
            )
    (folder / "done").write_text(DATASET_VERSION)
    print(f"  dataset {size}: generated in {time.perf_counter() - t0:.1f} s ({folder})", flush=True)
    return folder


def _check_columns(folder: Path) -> None:
    """Fail clearly if a migration added a NOT NULL column without a default that the CSV lacks."""
    from eventhub.core.models import SQLModel

    for name in ("event", "event_organisation", "registration"):
        with open(folder / f"{name}.csv", newline="") as f:
            header = set(next(csv.reader(f)))
        table = SQLModel.metadata.tables[name]
        missing = [
            c.name
            for c in table.columns
            if not c.nullable and c.server_default is None and not c.primary_key and c.name not in header
        ]
        if missing:
            raise SystemExit(f"bench dataset lacks NOT NULL columns of {name}: {missing}; bump DATASET_VERSION")


def _load_sqlite(path: Path, folder: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        for name in ("event", "event_organisation", "registration"):
            with open(folder / f"{name}.csv", newline="") as f:
                reader = csv.reader(f)
                header = next(reader)
                sql = f"INSERT INTO {name} ({', '.join(header)}) VALUES ({', '.join('?' * len(header))})"
                conn.executemany(sql, ([v if v != "" else None for v in row] for row in reader))
        conn.commit()
        conn.execute("ANALYZE")
    finally:
        conn.close()


def _pg_url(schema: str) -> str:
    return f"{PG_URL}?options={quote(f'-csearch_path={schema}')}"


def _load_pg(schema: str, folder: Path) -> None:
    import psycopg

    with psycopg.connect(PG_URL, options=f"-csearch_path={schema}") as conn, conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'UTC'")
        for name in ("event", "event_organisation", "registration"):
            with open(folder / f"{name}.csv", "rb") as f:
                header = f.readline().decode().strip()
                with cur.copy(f"COPY {name} ({header}) FROM STDIN WITH (FORMAT csv)") as copy:
                    while data := f.read(1 << 20):
                        copy.write(data)
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        conn.commit()
    # As autovacuum leaves a table in production: statistics and a visibility map (index-only scans).
    with psycopg.connect(PG_URL, options=f"-csearch_path={schema}", autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def pg_reachable() -> bool:
    """Whether PostgreSQL answers; the bench database is created on a fresh server."""
    try:
        import psycopg

        try:
            with psycopg.connect(PG_URL, connect_timeout=3):
                return True
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise
        server, database = PG_URL.rsplit("/", 1)
        with psycopg.connect(f"{server}/postgres", connect_timeout=3, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        return True
    except Exception:
        return False


def prepare_database(kind: str, size: str) -> str:
    """The database URL of this kind and size, built once (from the cached CSV) and migrated to head."""
    from eventhub.core.config import Settings
    from eventhub.core.db import upgrade

    folder = generate_dataset(size)
    _check_columns(folder)
    n_events, n_regs = SIZES[size]
    data_dir = WORK / "report"
    data_dir.mkdir(parents=True, exist_ok=True)
    marker = data_dir / f"{kind}-{size}-v{DATASET_VERSION}.built"
    if kind == "sqlite":
        path = data_dir / f"{size}.sqlite3"
        url = f"sqlite:///{path}"
        if not marker.exists():
            for p in data_dir.glob(f"{size}.sqlite3*"):
                p.unlink()
    else:
        schema = f"bench_{size}"
        url = _pg_url(schema)
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone()
            if not (exists and marker.exists()):
                marker.unlink(missing_ok=True)
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                conn.execute(f'CREATE SCHEMA "{schema}"')
    if not marker.exists():
        t0 = time.perf_counter()
        build_database(url, data_dir)  # upgrade + the hand-built part (500 events, the 60-session forum)
        if kind == "sqlite":
            _load_sqlite(path, folder)
        else:
            _load_pg(schema, folder)
        marker.write_text(DATASET_VERSION)
        print(
            f"  {kind} {size}: {n_events:,} events and {n_regs:,} registrations loaded in "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    else:
        upgrade(Settings(database_url=url, data_dir=data_dir, secret_key="bench"))
    return url


def make_burst_event(url: str, capacity: int) -> str:
    """A fresh open event for one registration burst (unique slug: databases are reused)."""
    from sqlmodel import Session

    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine
    from eventhub.core.models import Event, utcnow

    engine = make_engine(Settings(database_url=url, data_dir=WORK / "report", secret_key="bench"))
    slug = f"burst-{uuid.uuid4().hex[:10]}"
    start = utcnow() + timedelta(days=30)
    with Session(engine) as db:
        db.add(
            Event(
                slug=slug,
                kind="dialogue",
                status="published",
                title="Диалог для бенчмарка",
                start_at=start,
                end_at=start + timedelta(hours=6),
                registration_mode="open",
                capacity=capacity,
                search_text="bench",
            )
        )
        db.commit()
    engine.dispose()
    return slug


# --- one configuration ---


@dataclass
class Result:
    app: float = 0.0  # req/s
    bare: float = 0.0  # the bare Starlette process (bench.bare): the limit; burst: the dry run
    in_app: float = 0.0  # bare endpoints inside eventhub's own app, behind its middleware
    p50: float = 0.0  # ms under load (wrk median; burst: mean, concurrency / rate)
    alone: float = 0.0  # ms of one request at a time (the fastest of n): what growth compares
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.app / self.bare if self.bare else 0.0


@dataclass
class Run:
    db: str
    size: str
    workers: int
    results: dict[str, Result] = field(default_factory=dict)
    rss_mb: float = 0.0
    rss_start_mb: float = 0.0  # right after start-up, before any request but the health check
    cold_ms: float = 0.0  # the 60-session agenda .ics, first request after an edit (median of 5)
    skipped: str = ""


def _rss_mb(pid: int, workers: int, field: str = "VmHWM") -> float:
    """Peak RSS (VmHWM; or VmRSS now) of the largest worker: the process itself with one worker, else its children."""
    pids = [pid]
    if workers > 1:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == pid]
    peak = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(f"{field}:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            continue
    return peak / 1024


def _server_pids(pid: int) -> list[int]:
    return [pid] + [int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(int(p)) == pid]


def _cpu_ticks(pids: list[int]) -> int:
    total = 0
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            continue
    return total


def wait_idle(pid: int, limit: float = 30.0, *, database: bool = False) -> None:
    """Wait (bounded) until the server stops using CPU: requests that wrk left in flight when it
    stopped are still being served, and would fall on the next measurement. With ``database``
    the local PostgreSQL processes count too (other work on the machine may keep them busy:
    then this waits its whole limit)."""
    pids = _server_pids(pid)
    if database:
        pids += [int(p) for p in os.listdir("/proc") if p.isdigit() and _comm(int(p)) == "postgres"]
    deadline = time.monotonic() + limit
    before = _cpu_ticks(pids)
    while time.monotonic() < deadline:
        time.sleep(0.25)
        now = _cpu_ticks(pids)
        if now - before <= 2:  # clock ticks (1/100 s) in a quarter of a second: idle
            return
        before = now


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


def latency_alone(
    url: str, headers: dict[str, str] | None, *, n: int = 31, limit: float = 20.0, bodies: list[dict] | None = None
) -> float:
    """Fastest of n requests sent one at a time over one keep-alive connection, in ms (bounded).
    With ``bodies``, each request POSTs the next one as JSON (n = len(bodies))."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=limit)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    times: list[float] = []
    deadline = time.monotonic() + limit
    try:
        for i in range(len(bodies) if bodies else n):
            t0 = time.perf_counter()
            if bodies:
                conn.request(
                    "POST",
                    target,
                    body=json.dumps(bodies[i]).encode(),
                    headers={"Content-Type": "application/json", **(headers or {})},
                )
            else:
                conn.request("GET", target, headers=headers or {})
            response = conn.getresponse()
            response.read()
            if response.status >= 400:
                raise RuntimeError(f"{target} answered {response.status}")
            times.append((time.perf_counter() - t0) * 1000)
            if time.monotonic() > deadline:
                break
    finally:
        conn.close()
    return min(times)


def cold_after_edit(db_url: str, agenda_url: str, rounds: int = 5) -> float:
    """ms of the first request for the agenda .ics after its event was edited (by another
    process, as an organiser's edit in another worker is): the median of `rounds`."""
    from sqlmodel import Session, select

    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine
    from eventhub.core.models import Event

    engine = make_engine(Settings(database_url=db_url, data_dir=WORK / "report", secret_key="bench"))
    times = []
    try:
        for n in range(rounds):
            with Session(engine) as db:
                event = db.exec(select(Event).where(Event.slug == AGENDA_SLUG)).one()
                event.summary = f"Правка {n} {uuid.uuid4().hex[:6]}"  # bumps the content version
                db.add(event)
                db.commit()
            time.sleep(1.2)  # a write elsewhere is seen within a second (core.cache)
            started = time.perf_counter()
            status, _, _ = _get(agenda_url)
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200
    finally:
        engine.dispose()
    return sorted(times)[len(times) // 2]


def measure(run: Run, url: str, args: argparse.Namespace, wrk: str, smtp_port: int) -> None:
    from bench.registration import body, burst

    bodies = WORK / "report" / "bodies" / f"{run.db}-{run.size}-{run.workers}"
    shutil.rmtree(bodies, ignore_errors=True)
    bodies.mkdir(parents=True)
    slug = make_burst_event(url, capacity=args.burst // 2)
    env = {"EVENTHUB_SMTP_HOST": "127.0.0.1", "EVENTHUB_SMTP_PORT": str(smtp_port)}
    if args.malloc_arena_max:
        env["MALLOC_ARENA_MAX"] = str(args.malloc_arena_max)
    with serve(url, WORK / "report", bodies, workers=run.workers, env=env) as (base, pid):
        run.rss_start_mb = _rss_mb(pid, run.workers, "VmRSS")
        feed_url = f"{base}/calendar.ics?project={FEED_PROJECT}&from=2024-01-01"  # all 125, past the default window
        status, headers, feed = _get(feed_url)
        assert status == 200 and feed.count(b"BEGIN:VEVENT") == 125, (status, feed[:200])
        status, _, page = _get(f"{base}/events/{AGENDA_SLUG}")
        assert status == 200 and page.count(b"\xd0\xa1\xd0\xb5\xd1\x81\xd1\x81\xd0\xb8\xd1\x8f ") >= 60, status
        status, _, listing = _get(f"{base}/api/v1/events")
        assert status == 200 and json.loads(listing)["total"] >= SIZES[run.size][0], status
        (bodies / "feed.ics").write_bytes(feed)
        (bodies / "page.html").write_bytes(page)
        (bodies / "list.json").write_bytes(listing)
        (bodies / "etag").write_text(headers["etag"])
        extra = {
            "agenda.ics": f"{base}/events/{AGENDA_SLUG}/agenda.ics",
            "schedule.json": f"{base}/events/{AGENDA_SLUG}/schedule.json",
            "schedule.xml": f"{base}/events/{AGENDA_SLUG}/schedule.xml",
            "event.json": f"{base}/api/v1/events/{AGENDA_SLUG}",
        }
        for name, extra_url in extra.items():
            status, _, extra_body = _get(extra_url)
            assert status == 200, (extra_url, status)
            (bodies / name).write_bytes(extra_body)
        assert _get(f"{base}/_bench/bare/page.html")[2] == page
        # (name, eventhub URL, headers, in-app bare URL, bare-process path)
        cases = [
            ("feed", feed_url, None, f"{base}/_bench/bare/feed.ics", "/bare/feed.ics"),
            ("agenda .ics", extra["agenda.ics"], None, f"{base}/_bench/bare/agenda.ics", "/bare/agenda.ics"),
            ("schedule JSON", extra["schedule.json"], None, f"{base}/_bench/bare/schedule.json", "/bare/schedule.json"),
            ("schedule XML", extra["schedule.xml"], None, f"{base}/_bench/bare/schedule.xml", "/bare/schedule.xml"),
            ("feed 304", feed_url, {"If-None-Match": headers["etag"]}, f"{base}/_bench/not-modified", "/not-modified"),
            ("event page", f"{base}/events/{AGENDA_SLUG}", None, f"{base}/_bench/bare/page.html", "/bare/page.html"),
            ("API event", extra["event.json"], None, f"{base}/_bench/bare/event.json", "/bare/event.json"),
            ("API list", f"{base}/api/v1/events", None, f"{base}/_bench/bare/list.json", "/bare/list.json"),
        ]
        c = args.connections
        for name, app_url, hdrs, *_ in cases:  # fill every worker's caches, open its connections
            _get(app_url, hdrs)
            if name != "API list":  # nothing to warm there, and a backlog of slow requests would linger
                wrk_stats(wrk, app_url, seconds=1, connections=c, headers=hdrs)
                wait_idle(pid)
        alone = {name: latency_alone(app_url, hdrs) for name, app_url, hdrs, *_ in cases}
        with serve_bare(bodies, workers=run.workers) as bare_base:
            for name, app_url, hdrs, in_app_url, bare_path in cases:  # the API list last: its backlog may linger
                rate, p50 = wrk_stats(wrk, app_url, seconds=args.seconds, connections=c, headers=hdrs)
                wait_idle(pid)
                in_app, _ = wrk_stats(wrk, in_app_url, seconds=args.seconds, connections=c)
                wait_idle(pid)
                bare, _ = wrk_stats(wrk, bare_base + bare_path, seconds=args.seconds, connections=c)
                run.results[name] = Result(rate, bare, in_app, p50, alone[name])
        wait_idle(pid, database=True)  # on PostgreSQL the slow list's backlog runs in the database's processes
        run.cold_ms = cold_after_edit(url, extra["agenda.ics"])
        reg_url = f"{base}/api/v1/events/{slug}/registrations"
        tag = uuid.uuid4().hex[:6]
        n, conc = args.burst, args.burst_concurrency
        burst(reg_url + "?dry_run=true", [body(i, f"w{tag}") for i in range(min(30, n))], conc, 30)
        base_s, base_err, _ = burst(reg_url + "?dry_run=true", [body(i, f"b{tag}") for i in range(n)], conc, 60)
        reg_s, reg_err, codes = burst(reg_url, [body(i, f"r{tag}") for i in range(n)], conc, 60)
        note = f"errors {reg_err}/{base_err}" if reg_err or base_err else ""
        if reg_err:
            note += f" {codes}"
        wait_idle(pid)  # the burst's e-mails go out after their responses
        one = latency_alone(reg_url, None, bodies=[body(i, f"s{tag}") for i in range(15)])
        run.results["registration burst"] = Result(n / reg_s, n / base_s, 0.0, conc / (n / reg_s) * 1000, one, note)
        run.rss_mb = _rss_mb(pid, run.workers)


# --- the table ---


def _growth(runs: list[Run], run: Run, case: str) -> str:
    if run.size != "100k":
        return ""
    small = next(
        (r for r in runs if (r.db, r.workers, r.size) == (run.db, run.workers, "1k") and case in r.results), None
    )
    if small is None or case not in run.results:
        return ""
    g = run.results[case].alone / small.results[case].alone
    return f"{g:.2f} {'ok' if g <= GROWTH_TARGET else 'MISSED'}"


def print_table(runs: list[Run], args: argparse.Namespace, started: float) -> list[str]:
    lines = [
        f"eventhub benchmark · {datetime.now(UTC):%Y-%m-%d} · {platform.node()} · {os.cpu_count()} CPU"
        f" · load average {os.getloadavg()[0]:.1f} · Python {platform.python_version()}"
        f" · uvicorn (uvloop, httptools) · wrk -t1 -c{args.connections} -d{args.seconds}s"
        f" · burst {args.burst} registrations, concurrency {args.burst_concurrency}"
        f" · MALLOC_ARENA_MAX={args.malloc_arena_max or 'unset'}"
        f" · took {time.perf_counter() - started:.0f} s",
        "",
        "| database | workers | events | case | app req/s | bare req/s | ratio | target "
        "| in-app bare req/s | ÷ in-app | p50 ms under load | ms alone | alone 100k/1k (≤ 1.5) |",
        "| --- | ---: | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    failed = []
    for run in runs:
        head = f"| {run.db} | {run.workers} | {run.size} "
        if run.skipped:
            lines.append(head + f"| skipped: {run.skipped} | | | | | | | | | |")
            continue
        for case in CASES:
            r = run.results.get(case)
            if r is None:
                continue
            target = TARGETS.get(case)
            verdict = "" if target is None else f"≥ {target} {'ok' if r.ratio >= target else 'MISSED'}"
            if target is not None and r.ratio < target:
                failed.append(f"{run.db}/{run.workers}w/{run.size} {case} ratio")
            growth = _growth(runs, run, case)
            if "MISSED" in growth:
                failed.append(f"{run.db}/{run.workers}w {case} growth")
            if r.note.startswith("errors"):
                failed.append(f"{run.db}/{run.workers}w/{run.size} {case} errors")
            bare_label = "dry run" if case == "registration burst" else "bare process"
            in_app = f"| {r.in_app:.0f} | {r.app / r.in_app:.2f} " if r.in_app else "| | "
            lines.append(
                head + f"| {case}{' ' + r.note if r.note else ''} | {r.app:.0f} | {r.bare:.0f} ({bare_label}) "
                f"| {r.ratio:.2f} | {verdict} {in_app}| {r.p50:.1f} | {r.alone:.1f} | {growth} |"
            )
        cold_ok = run.cold_ms <= COLD_TARGET_MS
        if not cold_ok:
            failed.append(f"{run.db}/{run.workers}w/{run.size} agenda after an edit")
        lines.append(
            head + f"| agenda .ics, first request after an edit | {run.cold_ms:.1f} ms | | "
            f"| ≤ {COLD_TARGET_MS} ms {'ok' if cold_ok else 'MISSED'} | | | | | |"
        )
        rss_ok = run.size != "100k" or run.rss_mb <= RSS_TARGET_MB
        if not rss_ok:
            failed.append(f"{run.db}/{run.workers}w/{run.size} RSS")
        target = f"≤ {RSS_TARGET_MB} {'ok' if rss_ok else 'MISSED'}" if run.size == "100k" else ""
        lines.append(
            head + f"| peak RSS of a worker (after start-up: {run.rss_start_mb:.0f} MB) | {run.rss_mb:.0f} MB "
            f"| | | {target} | | | | | |"
        )
    lines.append("")
    lines.append("targets missed: " + (", ".join(failed) if failed else "none"))
    print("\n".join(lines), flush=True)
    return failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=2, help="duration of each wrk run (app and bare)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--burst", type=int, default=120, help="registrations per burst (and as many dry runs)")
    parser.add_argument("--burst-concurrency", type=int, default=16)
    parser.add_argument("--budget", type=int, default=1200, help="seconds; later configurations are skipped")
    parser.add_argument("--sizes", default="1k,100k")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument(
        "--malloc-arena-max",
        type=int,
        default=2,
        help="MALLOC_ARENA_MAX of the server (glibc: fewer per-thread heaps, less RSS); 0 leaves it unset",
    )
    args = parser.parse_args(argv)
    args.seconds = min(max(args.seconds, 1), 30)
    args.burst = min(max(args.burst, 10), 2000)
    started = time.perf_counter()
    deadline = time.monotonic() + args.budget

    from aiosmtpd.controller import Controller

    from bench.registration import CountingSink
    from tools.live_server import free_port

    wrk = ensure_wrk()
    kinds = ["sqlite"]
    if not args.no_pg:
        if pg_reachable():
            kinds.append("postgresql")
        else:
            print(f"PostgreSQL not reachable at {PG_URL}: SQLite only", flush=True)
    sizes = [s for s in args.sizes.split(",") if s in SIZES]
    workers = [int(w) for w in args.workers.split(",")]
    smtp_port = free_port()
    controller = Controller(CountingSink(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    runs: list[Run] = []
    try:
        for kind in kinds:
            for size in sizes:
                if time.monotonic() > deadline:
                    runs += [Run(kind, size, w, skipped="time budget spent") for w in workers]
                    continue
                url = prepare_database(kind, size)
                for w in workers:
                    run = Run(kind, size, w)
                    runs.append(run)
                    if time.monotonic() > deadline:
                        run.skipped = "time budget spent"
                        continue
                    t0 = time.perf_counter()
                    try:
                        measure(run, url, args, wrk, smtp_port)
                    except Exception as exc:
                        run.skipped = f"failed: {type(exc).__name__}: {str(exc)[:160]}"
                    print(
                        f"  {kind} {size} {w} worker(s): {time.perf_counter() - t0:.0f} s "
                        + (run.skipped or " · ".join(f"{k} {v.app:.0f}/{v.bare:.0f}" for k, v in run.results.items())),
                        flush=True,
                    )
    finally:
        controller.stop()
    print()
    failed = print_table(runs, args, started)
    return 1 if failed or any(r.skipped for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
