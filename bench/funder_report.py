"""Benchmark: the funders' report of a project with 100,000 registrations across 1,000 events,
against a plain COUNT(*) over the same rows, in the same run.

In one process, over a temporary SQLite file (or a PostgreSQL schema with --pg URL): a project
of 1,000 events and N registrations of about N/3 people, who come back under other e-mail
cases, by phone only, with names spelled otherwise (so matching has work to do). Measured, the
fastest of --repeat runs each:

* COUNT(*): the registrations the report counts (the project's events, holding a place);
* report: the whole report (matching, persons, every breakdown, all 15 cross-tabs);
* the report page (`/admin/projects/{slug}/report`) first viewed, and with another cross-tab
  (the build reused: nothing changed), beside the admin event list (`/admin/events`), all
  through the app (TestClient, a signed staff session);
* the XLSX export.

Run: .venv/bin/python -m bench.funder_report [--pg URL] [-n 100000] [--events 1000] [--repeat 3]"""

import argparse
import base64
import json
import random
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import itsdangerous
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.db import make_engine, upgrade
from eventhub.core.models import Event, EventOrganisation, Organisation, Project, Registration, StaffUser, table_of
from eventhub.main import create_app
from eventhub.reports import exports, service
from eventhub.reports.service import ReportFilters

FIRST = ["Айгуль", "Бакыт", "Нурлан", "Азамат", "Гульнара", "Эльмира", "Жылдыз", "Таалай", "Чолпон", "Эрлан"]
LAST = ["Асанов", "Токтогулов", "Исаев", "Беков", "Осмонов", "Садыков", "Маматов", "Жумабаев", "Ибраимов", "Алиев"]
KINDS = ["ministry", "cso", "media", "local_government", "academia", "business", "donor", "international_org"]
REGIONS = ["bishkek", "osh_city", "chuy", "talas", "issyk_kul", "naryn", "jalal_abad", "osh", "batken", None]


def _letters(p: int) -> str:
    """A second surname of its own for person p (names have no digits)."""
    syllables = ["ка", "ли", "мо", "ну", "ра", "се", "ту", "жа", "бе", "ды", "го", "ча", "ши", "ок", "ум", "ыр"]
    out = ""
    while True:
        out += syllables[p % 16]
        p //= 16
        if not p:
            return out


def build(db: Session, n: int, events: int) -> StaffUser:
    rnd = random.Random(17)
    user = StaffUser(email="bench@example.org", password_hash="x", role="admin")
    project = Project(slug="bench-project", name="Проект")
    db.add_all([user, project])
    db.flush()
    orgs = [Organisation(slug=f"org-{i}", name=f"Организация {i}", kind=KINDS[i % len(KINDS)]) for i in range(200)]
    db.add_all(orgs)
    db.flush()
    start = datetime(2025, 1, 6, 4, tzinfo=UTC)
    ids = []
    for i in range(events):
        at = start + timedelta(hours=9 * i)
        event = Event(slug=f"e-{i}", kind="training", status="published", title=f"Тренинг {i}", start_at=at,
                      end_at=at + timedelta(hours=4), project_id=project.id)  # fmt: skip
        db.add(event)
        db.flush()
        db.add(EventOrganisation(event_id=event.id, organisation_id=orgs[0].id, role="organiser"))
        ids.append(event.id)
    people = []
    for p in range(max(1, n // 3)):
        female = p % 2 == 0
        last = LAST[p % len(LAST)] + ("а" if female else "")
        people.append(
            {"name": f"{FIRST[(p // 10) % len(FIRST)]} {last}-{_letters(p)}", "email": f"person{p}@example.kg",
             "phone": f"+996555{p:06d}" if p % 3 else None, "org": orgs[p % len(orgs)].id,
             "gender": (None, "female", "male")[p % 3], "region": REGIONS[p % len(REGIONS)],
             "age": (None, "18_29", "30_44", "45_59", "60_plus", "under_18")[p % 6],
             "disability": (None, "no", "no", "yes", "prefer_not_to_say")[p % 5]}
        )  # fmt: skip
    rows = []
    per_event = -(-n // len(ids))
    # each event: distinct people (one registration per address and event), drawn from the pool
    picks = [(ids[e], person) for e in range(len(ids)) for person in rnd.sample(people, per_event)][:n]
    for i, (event_id, person) in enumerate(picks):
        variant = i % 4  # the same person as typed on another day
        email = person["email"].upper() if variant == 1 else person["email"]
        if variant == 2 and person["phone"]:
            email = f"other{i}@example.kg"  # matched by phone
        name = person["name"].replace("Гульнара", "Гулнара") if variant == 3 else person["name"]
        at = start
        rows.append(
            {"event_id": event_id, "token_hash": uuid.uuid4().hex * 2, "full_name": name, "email": email,
             "email_normalised": email.lower(), "phone": person["phone"], "organisation_id": person["org"],
             "gender": person["gender"], "region": person["region"], "age_group": person["age"],
             "disability": person["disability"], "category": "participant", "language": "ru", "consent_at": at,
             "consent_text": "да", "status": "attended" if i % 3 else "confirmed", "status_changed_at": at,
             "created_at": at, "updated_at": at, "checked_in_at": at if i % 3 else None}
        )  # fmt: skip
    for chunk in range(0, len(rows), 5000):
        db.execute(sa.insert(table_of(Registration)), rows[chunk : chunk + 5000])
    db.commit()
    return user


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def run(url: str, data_dir: Path, n: int, events: int, repeat: int) -> dict[str, float]:
    settings = Settings(database_url=url, data_dir=data_dir, secret_key="bench", base_url="https://eventhub.kg")
    upgrade(settings)
    engine = make_engine(settings)
    try:
        with Session(engine) as db:
            started = time.perf_counter()
            user = build(db, n, events)
            user_id = user.id
            built = time.perf_counter() - started
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
        now = datetime.now(UTC)
        filters = ReportFilters(project="bench-project")
        with Session(engine) as db:
            user = db.get_one(StaffUser, user_id)
            conditions, _title = service.events_clause(db, user, filters)
            count_query = (
                sa.select(sa.func.count())
                .where(
                    sa.column("event_id").in_(sa.select(Event.id).where(*conditions).scalar_subquery()),
                    sa.column("status").in_(("confirmed", "attended")),
                )
                .select_from(table_of(Registration))
            )
            counted = db.execute(count_query).scalar_one()
            assert counted == n, counted
            t_count = best(lambda: db.execute(count_query).scalar_one(), repeat)

            def report() -> object:
                service._BUILT.clear()  # cold: nothing built before
                r = service.build(db, user, filters, now=now)
                r.all_crosstabs("persons")
                [r.one_way(k) for k in service.DIMS]
                return r

            t_report = best(report, repeat)
            rep = service.build(db, user, filters, now=now)
            persons = rep.totals["persons"]
            t_xlsx = best(lambda: exports.to_xlsx(rep), 1)
        app = create_app(settings)
        payload = base64.b64encode(json.dumps({"user_id": user_id, "csrf": "x"}).encode())
        cookie = itsdangerous.TimestampSigner(settings.get_secret_key()).sign(payload).decode()
        with TestClient(app) as client:
            client.cookies.set("eventhub_session", cookie)
            assert client.get("/admin/events").status_code == 200
            assert client.get("/admin/projects/bench-project/report").status_code == 200
            t_list = best(lambda: client.get("/admin/events"), repeat)

            def cold() -> object:
                service._BUILT.clear()
                return client.get("/admin/projects/bench-project/report")

            t_page = best(cold, repeat)
            # another cross-tab of the same report: the build is reused while nothing changed
            t_warm = best(
                lambda: client.get("/admin/projects/bench-project/report?rows=age_group&cols=disability"), repeat
            )
        app.state.engine.dispose()
    finally:
        engine.dispose()
    return {"built": built, "count": t_count, "report": t_report, "xlsx": t_xlsx, "list": t_list,
            "page": t_page, "warm": t_warm, "persons": persons}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", help="PostgreSQL URL (a schema of its own is made and dropped)")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp)
        admin = None
        if args.pg:
            schema = f"bench_report_{uuid.uuid4().hex[:8]}"
            admin = make_engine(Settings(database_url=args.pg, data_dir=data_dir, secret_key="x"))
            with admin.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
            url = f"{args.pg}{'&' if '?' in args.pg else '?'}options={quote(f'-csearch_path={schema}')}"
        else:
            url = f"sqlite:///{data_dir / 'bench.sqlite3'}"
        try:
            r = run(url, data_dir, args.n, args.events, args.repeat)
        finally:
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    db = "PostgreSQL" if args.pg else "SQLite"
    print(
        f"{db}: {args.n} registrations, {args.events} events, {r['persons']:.0f} unique persons (built in {r['built']:.0f} s)"
    )
    print(f"COUNT(*) of the same rows        {r['count'] * 1000:9.1f} ms")
    print(f"report (all cross-tabs)          {r['report'] * 1000:9.1f} ms   ratio {r['report'] / r['count']:8.0f}")
    print(f"XLSX export                      {r['xlsx'] * 1000:9.1f} ms   ratio {r['xlsx'] / r['count']:8.0f}")
    print(f"admin event list page            {r['list'] * 1000:9.1f} ms")
    for key, label in (("page", "report page, first view        "), ("warm", "report page, another cross-tab ")):
        print(f"{label}   {r[key] * 1000:9.1f} ms   ratio to the event list {r[key] / r['list']:5.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
