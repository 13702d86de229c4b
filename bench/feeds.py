"""Benchmark of the calendar feeds against a bare endpoint of the same framework.

    .venv/bin/python -m bench.feeds [--seconds 5] [--rounds 3] [--connections 16] [--workers 1]

Builds a scratch SQLite database (.bench/feeds/) with 500 published events and one event
with 60 timed sessions, starts eventhub on loopback with uvicorn (uvloop, httptools), adds —
in this process's app factory only — bare FastAPI endpoints that return the very bytes of
the feeds (and a bare 304 for the conditional case), and measures with wrk, in rounds that alternate feed and bare so that noise from
other work on the machine falls on both:

* /calendar.ics?from=2024-01-01 (all 500 events: the window reaches back to the first), full 200 response;
* the same with If-None-Match, answered 304;
* /events/{slug}/agenda.ics of the 60-session event.

Prints requests per second (median over rounds) and the ratios feed/bare; targets: full
feed ≥ 0.5, 304 ≥ 0.8 (the agenda has no target: it is shown for scale).
"""

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tools.live_server import free_port, server_process, uvicorn_command

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / ".bench" / "feeds"
AGENDA_SLUG = "forum-aymakov-2031-programma"
CALENDAR = "/calendar.ics?from=2024-01-01"  # every event (the default window starts 12 months ago)
TARGETS = {"calendar.ics": 0.5, "calendar.ics 304": 0.8}


# --- the app the server runs (uvicorn --factory bench.feeds:bench_app) ---


def bench_app():
    """eventhub's app plus bare endpoints returning the feeds' bytes (read once from files)."""
    from fastapi import APIRouter  # imported here: only the server process needs these
    from fastapi.responses import Response

    from eventhub.feeds import api as feeds_api
    from eventhub.main import create_app

    app = create_app()
    bodies_dir = Path(os.environ["BENCH_BODIES_DIR"])
    bodies: dict[str, bytes] = {}

    def body(name: str) -> bytes:
        if name not in bodies:
            bodies[name] = (bodies_dir / name).read_bytes()
        return bodies[name]

    bare = APIRouter()
    media_types = {
        "ics": "text/calendar; charset=utf-8",
        "html": "text/html; charset=utf-8",
        "json": "application/json",
        "xml": "application/xml",
    }

    @bare.get("/_bench/bare/{name}", include_in_schema=False)
    async def bare_body(name: str) -> Response:
        """The very bytes a page, feed or API answer gave, from memory (bench.report fills the folder)."""
        return Response(body(name), media_type=media_types[name.rsplit(".", 1)[-1]])

    @bare.get("/_bench/not-modified", include_in_schema=False)
    async def bare_not_modified() -> Response:
        """A bare 304: what a conditional GET answered with no work at all costs."""
        return Response(status_code=304, headers={"ETag": body("etag").decode()})

    # Routed from the same place as the feeds (just before their router): routing costs both the same.
    app.include_router(bare)
    included = app.router.routes.pop()
    feeds = next(i for i, r in enumerate(app.router.routes) if getattr(r, "original_router", None) is feeds_api.router)
    app.router.routes.insert(feeds, included)
    return app


# --- data ---


def build_database(url: str, data_dir: Path) -> None:
    """500 published events over three years, and one forum with 60 timed sessions in 3 rooms."""
    from sqlmodel import Session  # imported here: the parent process only needs this once

    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine, upgrade
    from eventhub.core.models import (
        AgendaSession,
        Event,
        EventOrganisation,
        EventRegion,
        Organisation,
        Panel,
        Person,
        Project,
        SessionSpeaker,
    )

    settings = Settings(database_url=url, data_dir=data_dir, secret_key="bench")
    upgrade(settings)
    engine = make_engine(settings)
    kinds = ["round_table", "focus_group", "forum", "dialogue", "seminar", "conference", "training", "village_assembly"]
    regions = ["bishkek", "osh", "naryn", "issyk_kul", "jalal_abad", "batken", "talas", "chuy"]
    with Session(engine) as db:
        orgs = [
            Organisation(
                slug=f"org-{i}", short_name=f"ОРГ{i}", name=f"Общественное объединение «Развитие {i}»", kind="cso"
            )
            for i in range(12)
        ]
        project = Project(slug="uspeshnyy-aymak-3", short_name="УА-3", name="Успешный аймак 3")
        db.add_all([*orgs, project])
        db.flush()
        start = datetime(2024, 1, 15, 4, tzinfo=UTC)
        for i in range(500):
            begins = start + timedelta(days=2 * i, hours=i % 5)
            event = Event(
                slug=f"meropriyatie-{i:03d}",
                kind=kinds[i % len(kinds)],
                status="cancelled" if i % 50 == 7 else "postponed" if i % 40 == 3 else "published",
                title=f"Круглый стол №{i}: местное самоуправление, бюджеты айылных аймаков и услуги на местах",
                summary="Представители государственных органов, органов МСУ и гражданского общества обсудят "
                "планирование развития регионов с участием граждан.",
                goals=["Обсудить бюджеты айылных аймаков.", "Сформулировать предложения по местным услугам."],
                start_at=begins,
                end_at=begins + timedelta(hours=3),
                timezone="Asia/Bishkek" if i % 10 else "Europe/Berlin",
                all_day=i % 7 == 0,
                venue_name="Конференц-зал",
                venue_address=f"ул. Токтогула, {i + 1}",
                city="Бишкек",
                venue_region=regions[i % len(regions)],
                latitude=42.87 if i % 3 == 0 else None,
                longitude=74.59 if i % 3 == 0 else None,
                project_id=project.id if i % 4 == 0 else None,
                published_at=begins - timedelta(days=30),
            )
            if event.all_day:
                local = begins.astimezone(ZoneInfo(event.timezone)).replace(hour=0, minute=0)
                event.start_at, event.end_at = local, local + timedelta(days=1)
            db.add(event)
            db.flush()
            db.add(EventRegion(event_id=event.id, region=regions[i % len(regions)]))
            db.add(EventOrganisation(event_id=event.id, organisation_id=orgs[i % len(orgs)].id, role="organiser"))
            db.add(
                AgendaSession(
                    event_id=event.id,
                    position=0,
                    kind="opening",
                    title="Открытие",
                    start_at=begins,
                    end_at=begins + timedelta(minutes=20),
                )
            )
            db.add(AgendaSession(event_id=event.id, position=1, kind="discussion", title="Обсуждение"))
        forum_start = datetime(2031, 9, 8, 3, tzinfo=UTC)
        forum = Event(
            slug=AGENDA_SLUG,
            kind="forum",
            status="published",
            title="Форум аймаков – 2031: программа",
            summary="Ежегодный форум по обмену опытом в местном управлении.",
            start_at=forum_start,
            end_at=forum_start + timedelta(days=1, hours=10),
            timezone="Asia/Bishkek",
            city="Бишкек",
            venue_name="Конгресс-холл",
            venue_region="bishkek",
        )
        db.add(forum)
        db.flush()
        people = [
            Person(
                slug=f"spiker-{i}",
                name=f"Спикер Номер {i}",
                position="глава айыл окмоту",
                organisation_id=orgs[i % 12].id,
            )
            for i in range(20)
        ]
        db.add_all(people)
        db.flush()
        for i in range(60):
            begins = forum_start + timedelta(days=i // 30, minutes=45 * ((i % 30) // 3))
            session = AgendaSession(
                event_id=forum.id,
                position=i,
                kind="panel" if i % 3 == 0 else "presentation",
                title=f"Сессия {i + 1}: опыт муниципалитетов в организации местных услуг",
                description="Представители айылных аймаков поделятся опытом улучшения услуги питьевого водоснабжения.",
                start_at=begins,
                end_at=begins + timedelta(minutes=40),
                room=f"Зал {i % 3 + 1}",
            )
            db.add(session)
            db.flush()
            db.add(SessionSpeaker(session_id=session.id, person_id=people[i % 20].id, role="moderator", position=0))
            db.add(
                SessionSpeaker(session_id=session.id, person_id=people[(i + 1) % 20].id, role="panellist", position=1)
            )
            if i % 3 == 0:
                db.add(
                    Panel(
                        session_id=session.id,
                        guiding_questions=["Что работает?", "Что мешает?"],
                        expected_result="будут сформулированы предложения.",
                    )
                )
        db.commit()
    engine.dispose()


# --- server and wrk ---


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@contextmanager
def serve(
    db_url: str,
    data_dir: Path,
    bodies_dir: Path,
    *,
    workers: int,
    env: dict[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[tuple[str, int]]:
    """eventhub with the bare endpoints under uvicorn (uvloop, httptools) on loopback: yields (base URL, pid).

    The server runs in its own process group (master and workers stop together)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_env = dict(
        os.environ,
        EVENTHUB_DATABASE_URL=db_url,
        EVENTHUB_DATA_DIR=str(data_dir),
        EVENTHUB_BASE_URL=base,
        EVENTHUB_SECRET_KEY="bench",
        BENCH_BODIES_DIR=str(bodies_dir),
        EVENTHUB_RATE_LIMIT_REGISTRATIONS="0",  # every request comes from 127.0.0.1
        **(env or {}),
    )
    command = uvicorn_command(
        "bench.feeds:bench_app", port, workers=workers, extra=("--loop", "uvloop", "--http", "httptools")
    )
    with server_process(command, server_env, base, startup_timeout=startup_timeout) as server:
        yield base, server.pid


@contextmanager
def serve_bare(bodies_dir: Path, *, workers: int, startup_timeout: float = 60.0) -> Iterator[str]:
    """bench.bare (a bare Starlette app over the bodies in `bodies_dir`) under the very uvicorn
    command eventhub runs under, in its own process: yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = uvicorn_command(
        "bench.bare:app", port, workers=workers, extra=("--loop", "uvloop", "--http", "httptools")
    )
    with server_process(
        command, dict(os.environ, BENCH_BODIES_DIR=str(bodies_dir)), base, startup_timeout=startup_timeout
    ):
        yield base


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk missing: installing Debian's wrk")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, stdout=subprocess.DEVNULL)
        wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("bench.feeds needs wrk (Debian package 'wrk'); install it or run as root with apt-get")
    return wrk


def wrk_stats(
    wrk: str, url: str, *, seconds: int, connections: int, headers: dict[str, str] | None = None
) -> tuple[float, float]:
    """(requests per second, median latency in ms) of one wrk run, bounded in time."""
    cmd = [wrk, "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        print(out)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    if not rate or not p50:
        raise RuntimeError(f"no rate or latency in wrk output:\n{out}")
    return float(rate.group(1)), float(p50.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]


def run_wrk(wrk: str, url: str, *, seconds: int, connections: int, headers: dict[str, str] | None = None) -> float:
    return wrk_stats(wrk, url, seconds=seconds, connections=connections, headers=headers)[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=5, help="duration of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="rounds alternating feed and bare; medians are reported")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    wrk = ensure_wrk()
    shutil.rmtree(WORKDIR, ignore_errors=True)
    (WORKDIR / "bodies").mkdir(parents=True)
    db_url = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
    t0 = time.perf_counter()
    build_database(db_url, WORKDIR)
    print(f"database: 500 events + a 60-session agenda in {time.perf_counter() - t0:.1f} s ({db_url})")

    with serve(db_url, WORKDIR, WORKDIR / "bodies", workers=args.workers) as (base, _pid):
        t0 = time.perf_counter()
        status, headers, calendar = _get(f"{base}{CALENDAR}")
        cold = time.perf_counter() - t0
        assert status == 200 and calendar.count(b"BEGIN:VEVENT") == 501, (status, calendar[:200])
        status, _, agenda = _get(f"{base}/events/{AGENDA_SLUG}/agenda.ics")
        assert status == 200 and agenda.count(b"BEGIN:VEVENT") == 60
        (WORKDIR / "bodies" / "calendar.ics").write_bytes(calendar)
        (WORKDIR / "bodies" / "agenda.ics").write_bytes(agenda)
        etag = headers["etag"]
        (WORKDIR / "bodies" / "etag").write_text(etag)
        assert _get(f"{base}{CALENDAR}", {"If-None-Match": etag})[0] == 304
        assert _get(f"{base}/_bench/bare/calendar.ics")[2] == calendar
        assert _get(f"{base}/_bench/bare/agenda.ics")[2] == agenda
        print(
            f"/calendar.ics: {len(calendar) / 1024:.0f} KB, first (cold) render {cold * 1000:.0f} ms; "
            f"agenda.ics: {len(agenda) / 1024:.0f} KB"
        )

        cases = [
            ("calendar.ics", f"{base}{CALENDAR}", None, f"{base}/_bench/bare/calendar.ics"),
            ("calendar.ics 304", f"{base}{CALENDAR}", {"If-None-Match": etag}, f"{base}/_bench/not-modified"),
            (
                "agenda.ics (60 sessions)",
                f"{base}/events/{AGENDA_SLUG}/agenda.ics",
                None,
                f"{base}/_bench/bare/agenda.ics",
            ),
        ]
        for _, url, hdrs, bare in cases:  # warm up both
            run_wrk(wrk, url, seconds=1, connections=args.connections, headers=hdrs)
            run_wrk(wrk, bare, seconds=1, connections=args.connections)
        rates: dict[str, dict[str, list[float]]] = {name: {"feed": [], "bare": []} for name, *_ in cases}
        for r in range(args.rounds):
            for name, url, hdrs, bare in cases:
                first, second = (("feed", url, hdrs), ("bare", bare, None))[:: 1 if r % 2 == 0 else -1]
                for which, target, h in (first, second):
                    rates[name][which].append(
                        run_wrk(wrk, target, seconds=args.seconds, connections=args.connections, headers=h)
                    )
                feed, bare_rate = rates[name]["feed"][-1], rates[name]["bare"][-1]
                print(f"  round {r + 1}: {name}: feed {feed:.0f}/s, bare {bare_rate:.0f}/s")

        print()
        machine = platform.processor() or platform.machine()
        print(
            f"{datetime.now(UTC):%Y-%m-%d} · {platform.node()} · {os.cpu_count()} CPU · {machine}"
            f" · load average {os.getloadavg()[0]:.1f} · Python {platform.python_version()}"
            f" · uvicorn (uvloop, httptools), {args.workers} worker(s)"
            f" · wrk -t1 -c{args.connections}, {args.rounds}×{args.seconds} s per case"
        )
        print(f"{'case':<26} {'feed req/s':>11} {'bare req/s':>11} {'ratio':>6}  target")
        failed = False
        for name, *_ in cases:
            feed, bare = statistics.median(rates[name]["feed"]), statistics.median(rates[name]["bare"])
            ratio = feed / bare
            target = TARGETS.get(name)
            verdict = "" if target is None else f"≥ {target:.1f} {'ok' if ratio >= target else 'MISSED'}"
            failed |= target is not None and ratio < target
            print(f"{name:<26} {feed:>11.0f} {bare:>11.0f} {ratio:>6.2f}  {verdict}")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
