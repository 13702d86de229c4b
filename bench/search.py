"""Benchmark of search against an indexed lookup by slug, at 1,000 and 100,000 events.

    .venv/bin/python -m bench.search [--sizes 1k,100k] [--repeat 31] [--pg]

For each size it builds a scratch database once (SQLite under .bench/search/; with --pg also
PostgreSQL, database ``test_bench``, schema ``search_<size>``) through the migrations, bulk
inserts that many published events (titles and summaries from a vocabulary, 20 of them — at
every size — in the Джети-Огуз district) and builds the search index with
``eventhub.core.search.rebuild``. Then, in the same process and the same run, it times:

* baseline: the event with a given slug (the unique index on ``event.slug``);
* search: ``/search``'s work for events — count, rank and the first page of hits for
  «Джети-Огуз» (20 matches at every size), then those events loaded;
* common word: the same for «аймаков», which every event has (shown for scale: its cost
  grows with the matches, as any ranking of all matches must).

Each figure is the fastest of --repeat calls (the least disturbed by other work on a shared
machine). Prints the ratio search/baseline at each size and the growth of the search from 1k
to 100k (target ≤ 1.5).
"""

import argparse
import os
import random
import shutil
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / ".bench" / "search"
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
RARE = 20  # events in the district searched for, at every size
PG_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/test_bench")
GROWTH_TARGET = 1.5

WORDS = (
    "бюджет услуги водоснабжение планирование развитие граждане участие совет депутаты кенеш "
    "муниципальный собственность тариф школа дорога мост клуб женщины молодежь здоровье "
    "экология отходы туризм пастбище ирригация инвестиции налог прозрачность отчет закупки"
).split()
DISTRICTS = ["Ак-Талаа", "Алай", "Кочкор", "Сузак", "Ноокат", "Тонский", "Аксы", "Панфилов"]


def _events(n: int) -> list[dict[str, Any]]:
    rng = random.Random(n)
    start = datetime(2020, 1, 1, 4, tzinfo=UTC)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rare = set(rng.sample(range(n), RARE))
    rows = []
    for i in range(n):
        begins = start + timedelta(hours=(i * 7919) % (16 * 365 * 24))
        district = "Джети-Огузский" if i in rare else rng.choice(DISTRICTS)
        words = " ".join(rng.sample(WORDS, 4))
        rows.append(
            {
                "id": i + 1,
                "slug": f"bulk-{i}",
                "kind": "round_table",
                "status": "published",
                "title": f"Круглый стол №{i}: {words} айылных аймаков",
                "summary": f"{district} район: обсуждение ({words}) с участием граждан.",
                "goals": [],
                "start_at": begins,
                "end_at": begins + timedelta(hours=3),
                "timezone": "Asia/Bishkek",
                "all_day": False,
                "city": "Бишкек",
                "languages": ["ru"],
                "registration_mode": "closed",
                "sequence": 0,
                "search_text": "",
                "original_language": "ru",
                "translations": {},
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def build(url: str, size: str) -> None:
    """Migrate, insert the events and index them (once: reused when the count is right)."""
    from eventhub.core import search
    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine, upgrade
    from eventhub.core.models import Event, table_of
    from eventhub.core.uow import Units

    settings = Settings(database_url=url, data_dir=WORKDIR)
    upgrade(settings)
    engine = make_engine(settings)
    n = SIZES[size]
    with Units(engine).write() as db:
        have = db.execute(sa.select(sa.func.count()).select_from(table_of(Event))).scalar_one()
        if have == n:
            engine.dispose()
            return
        t0 = time.perf_counter()
        rows = _events(n)
        for start in range(0, n, 5000):
            db.execute(sa.insert(table_of(Event)), rows[start : start + 5000])
        search.rebuild(db)
        print(f"  {size}: {n} events inserted and indexed in {time.perf_counter() - t0:.1f} s", flush=True)
    engine.dispose()


def fastest(fn: Callable[[], Any], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def measure(url: str, size: str, repeat: int) -> dict[str, float]:
    from sqlmodel import col, select

    import eventhub.labels  # noqa: F401  (region names, as in the app)
    from eventhub.core import search
    from eventhub.core.config import Settings
    from eventhub.core.db import make_engine
    from eventhub.core.models import PUBLIC_EVENT_STATUSES, Event
    from eventhub.core.uow import Units

    engine = make_engine(Settings(database_url=url, data_dir=WORKDIR))
    now = datetime(2026, 1, 1, tzinfo=UTC)
    slug = f"bulk-{SIZES[size] // 2}"
    out = {}
    with Units(engine).read() as db:

        def by_slug() -> None:
            db.execute(select(Event).where(Event.slug == slug)).scalar_one()

        def searching(q: str, expect: int | None) -> Callable[[], None]:
            def run() -> None:
                visible = select(Event.id).where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
                hits, total = search.search(db, "event", q, now=now, visible=visible, limit=10)
                assert expect is None or total == expect, (q, total)
                db.execute(select(Event).where(col(Event.id).in_([h.ref_id for h in hits]))).all()

            return run

        for fn in (by_slug, searching("Джети-Огуз", RARE)):
            fn()  # warm the caches once
        out["slug"] = fastest(by_slug, repeat)
        out["search"] = fastest(searching("Джети-Огуз", RARE), repeat)
        out["common"] = fastest(searching("аймаков", SIZES[size]), max(3, repeat // 5))
    engine.dispose()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,100k")
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--pg", action="store_true", help=f"also PostgreSQL ({PG_URL})")
    args = parser.parse_args(argv)
    sizes = args.sizes.split(",")
    WORKDIR.mkdir(parents=True, exist_ok=True)
    targets: list[tuple[str, str]] = [("SQLite", f"sqlite:///{WORKDIR}/{{size}}.sqlite3")]
    if args.pg:
        targets.append(("PostgreSQL", PG_URL + "?options=-csearch_path%3Dsearch_{size}"))
    failed = False
    for name, template in targets:
        results = {}
        for size in sizes:
            url = template.format(size=size)
            if name == "PostgreSQL":
                _pg_schema(f"search_{size}")
            build(url, size)
            results[size] = measure(url, size, args.repeat)
        print(f"\n{name}: fastest of {args.repeat} (ms)")
        print(f"  {'size':>6} {'slug':>8} {'search':>8} {'ratio':>7} {'common word':>12}")
        for size, r in results.items():
            print(
                f"  {size:>6} {r['slug'] * 1e3:8.3f} {r['search'] * 1e3:8.3f} {r['search'] / r['slug']:7.1f}"
                f" {r['common'] * 1e3:12.1f}"
            )
        if len(sizes) >= 2:
            first, last = results[sizes[0]], results[sizes[-1]]
            growth = last["search"] / first["search"]
            ratio_growth = (last["search"] / last["slug"]) / (first["search"] / first["slug"])
            ok = growth <= GROWTH_TARGET
            failed |= not ok
            print(
                f"  growth {sizes[0]} → {sizes[-1]}: search ×{growth:.2f} (target ≤ {GROWTH_TARGET}: "
                f"{'met' if ok else 'MISSED'}), ratio to the slug lookup ×{ratio_growth:.2f}"
            )
    return 1 if failed else 0


def _pg_schema(schema: str) -> None:
    engine = sa.create_engine("postgresql+psycopg://" + PG_URL.removeprefix("postgresql://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    engine.dispose()


def clean() -> None:
    shutil.rmtree(WORKDIR, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
