"""Benchmark: the whole-site feed stays the size of its window as the archive grows (issue 19).

    .venv/bin/python -m bench.calendar_window [--sizes 1000,100000] [--renders 5] [--window 500]

For each size builds a scratch SQLite database (.bench/calendar_window/) holding ``--window``
published events in the default window of /calendar.ics (the last 12 months and ahead) and the
rest in the archive before it (2000 on), written with bulk inserts. Then, in this process
(eventhub's app under Starlette's test client, the same for every size):

* first: the first GET /calendar.ics of a process (every entry rendered);
* cold: GET /calendar.ics right after a write (the content version moves, so the feed is
  rendered again: the query, entries from the per-event cache, gzip), median of ``--renders``;
* warm: the same address from the render cache, median of 50.

Prints the feed's size and both latencies per size and the growth from the smallest size to
the largest; targets: size and cold latency grow ≤ 1.5×, a cold render at the largest size
takes under a second. Exit status 1 when a target is missed.
"""

import argparse
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / ".bench" / "calendar_window"
TARGET_GROWTH = 1.5
TARGET_COLD_S = 1.0


def build(url: str, data_dir: Path, n_events: int, in_window: int, now: datetime) -> None:
    import sqlalchemy as sa
    from sqlmodel import Session

    from eventhub.core.changes import bump_content_version
    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine, upgrade
    from eventhub.core.models import Event, table_of

    settings = Settings(database_url=url, data_dir=data_dir, secret_key="bench")
    upgrade(settings)
    engine = make_engine(settings)
    kinds = ["round_table", "focus_group", "forum", "dialogue", "seminar", "conference", "training"]
    archive_end = now - timedelta(days=400)  # before the window's first day
    archive_start = datetime(2000, 1, 1, 4, tzinfo=UTC)
    archive_span = (archive_end - archive_start).total_seconds()
    rows = []
    for i in range(n_events):
        if i < in_window:  # from eleven months ago to two years ahead
            begins = now - timedelta(days=330) + timedelta(hours=(i * 7919) % (3 * 365 * 24))
        else:
            k = i - in_window
            begins = archive_start + timedelta(
                seconds=archive_span * ((k * 7919) % (n_events - in_window)) / max(1, n_events - in_window)
            )
        begins = begins.replace(minute=0, second=0, microsecond=0)
        rows.append(
            {
                "slug": f"e-{i}",
                "kind": kinds[i % len(kinds)],
                "status": "published",
                "title": f"Круглый стол №{i}: местное самоуправление, бюджеты айылных аймаков и услуги",
                "summary": "Представители госорганов, МСУ и гражданского общества обсудят планирование развития.",
                "goals": ["Обсудить бюджеты айылных аймаков."],
                "start_at": begins,
                "end_at": begins + timedelta(hours=3),
                "timezone": "Asia/Bishkek" if i % 10 else "Europe/Berlin",
                "all_day": False,
                "venue_name": "Конференц-зал",
                "city": "Бишкек",
                "languages": ["ru"],
                "registration_mode": "closed",
                "sequence": 0,
                "published_at": begins - timedelta(days=30),
                "search_text": f"круглый стол {i}",
                "original_language": "ru",
                "translations": {},
                "created_at": begins - timedelta(days=30),
                "updated_at": begins - timedelta(days=30),
            }
        )
    with Session(engine) as db:
        for chunk in range(0, len(rows), 5000):
            db.execute(sa.insert(table_of(Event)), rows[chunk : chunk + 5000])
        bump_content_version(db)
        db.commit()
    engine.dispose()


def measure(url: str, data_dir: Path, renders: int) -> tuple[int, int, float, float, float]:
    """(events in the feed, bytes, cold median s, warm median s, first render s)."""
    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from sqlmodel import Session

    from eventhub.core.changes import bump_content_version
    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine
    from eventhub.feeds import ical
    from eventhub.main import create_app

    settings = Settings(database_url=url, data_dir=data_dir, secret_key="bench", base_url="https://events.example.kg")
    engine = make_engine(settings)
    cold, warm = [], []
    with TestClient(create_app(settings)) as client:
        client.get("/healthz")
        ical._EVENT_BYTES.clear()  # a process that never rendered these events
        t0 = time.perf_counter()
        body = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"}).content
        first = time.perf_counter() - t0
        for _ in range(renders):
            with Session(engine) as db:  # a write: the next GET renders again
                bump_content_version(db)
                db.commit()
            time.sleep(1.1)  # the version is re-read at most once a second
            t0 = time.perf_counter()
            response = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
            cold.append(time.perf_counter() - t0)
            assert response.status_code == 200, response.status_code
            body = response.content
        for _ in range(50):
            t0 = time.perf_counter()
            client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
            warm.append(time.perf_counter() - t0)
    engine.dispose()
    del sa
    return body.count(b"BEGIN:VEVENT"), len(body), statistics.median(cold), statistics.median(warm), first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000", help="events in the database, comma-separated")
    parser.add_argument("--window", type=int, default=500, help="events in the default window at every size")
    parser.add_argument("--renders", type=int, default=5, help="cold renders per size (median reported)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    now = datetime.now(UTC)
    results = {}
    for n in sizes:
        folder = WORKDIR / str(n)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        t0 = time.perf_counter()
        build(url, folder, n, args.window, now)
        print(f"{n} events ({args.window} in the window): built in {time.perf_counter() - t0:.1f} s")
        results[n] = measure(url, folder, args.renders)
        count, size, cold, warm, first = results[n]
        print(
            f"  /calendar.ics: {count} events, {size / 1024:.0f} KB; first render in the process {first * 1000:.0f} ms,"
            f" after a write {cold * 1000:.0f} ms, from the cache {warm * 1000:.1f} ms"
        )
    small, large = results[sizes[0]], results[sizes[-1]]
    size_growth, cold_growth = large[1] / small[1], large[2] / small[2]
    print()
    print(f"{'':<10}" + "".join(f"{n:>12}" for n in sizes) + f"{'growth':>9}  target")
    print(
        f"{'KB':<10}"
        + "".join(f"{results[n][1] / 1024:>12.0f}" for n in sizes)
        + f"{size_growth:>9.2f}  ≤ {TARGET_GROWTH}"
    )
    print(
        f"{'cold ms':<10}"
        + "".join(f"{results[n][2] * 1000:>12.0f}" for n in sizes)
        + f"{cold_growth:>9.2f}  ≤ {TARGET_GROWTH}; < {TARGET_COLD_S * 1000:.0f} ms at {sizes[-1]}"
    )
    print(
        f"{'warm ms':<10}" + "".join(f"{results[n][3] * 1000:>12.1f}" for n in sizes) + f"{large[3] / small[3]:>9.2f}"
    )
    missed = size_growth > TARGET_GROWTH or cold_growth > TARGET_GROWTH or large[2] >= TARGET_COLD_S
    print("targets " + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
