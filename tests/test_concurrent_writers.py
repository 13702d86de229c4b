"""Writers of every domain at once against a real server: event PATCHes (API), public
registrations, press release edits (API) and check-ins at the door (admin page), from several
client threads for a few seconds. No request may fail with a 5xx (on SQLite, before the unit
of work, a read transaction upgraded to a write answered 500 `database is locked`); every
write is either done (and readable at once) or a clear 4xx. On SQLite, and on PostgreSQL where
EVENTHUB_TEST_DATABASE_URL names one."""

import itertools
import threading
import time
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlmodel import Session, select

from eventhub.accounts.service import create_token
from eventhub.core.models import PressRelease, Registration, RegistrationStatus, StaffUser, utcnow
from tests.conftest import PG_URL
from tests.factories import make_release, staff_cookie
from tests.registrations.conftest import open_event
from tools.live_server import LIVE_SECRET, live_server

THREADS = 6
SECONDS = 4.0  # each thread writes for this long, and at least ROUNDS of each kind (bounded by LIMIT)
ROUNDS = 3
LIMIT = 90.0


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("set EVENTHUB_TEST_DATABASE_URL to run this on PostgreSQL")
    if request.param == "sqlite" and PG_URL:
        pytest.skip("the SQLite variant runs in the SQLite suite")
    with live_server(tmp_path, pg_url=PG_URL or None) as live:  # no SMTP server: mail waits
        yield live


def test_mixed_concurrent_writers_never_get_a_5xx(server, password_hash) -> None:
    base_url, _settings, engine = server
    with Session(engine) as db:
        event = open_event(db, capacity=10_000, start_at=utcnow() + timedelta(days=30))
        admin = StaffUser(email="admin@example.org", password_hash=password_hash, role="admin")
        db.add(admin)
        db.flush()
        _, token = create_token(db, admin)
        release = make_release(db, status="published", published_at=utcnow() - timedelta(days=1))
        # People already registered, to be checked in at the door.
        arrivals = [
            Registration(
                event_id=event.id,
                full_name=f"Гость {i}",
                email=f"guest{i}@example.org",
                email_normalised=f"guest{i}@example.org",
                token_hash=f"hash-{i}",
                status=RegistrationStatus.confirmed,
                consent_text="согласие",
                consent_at=utcnow(),
            )
            for i in range(400)
        ]
        db.add_all(arrivals)
        db.commit()
        cookie = staff_cookie(db, admin, LIVE_SECRET, csrf="csrf-live")
        slug, release_slug = event.slug, release.slug
        arrival_ids = [r.id for r in arrivals]

    bearer = {"Authorization": f"Bearer {token}"}
    numbers = itertools.count()
    arrivals_left = iter(arrival_ids)
    lock = threading.Lock()
    counts: Counter[str] = Counter()
    failures: list[str] = []
    done: dict[str, list] = {"patch": [], "register": [], "press": [], "checkin": []}
    start = time.monotonic()

    def one(client: httpx.Client, kind: str) -> None:
        n = next(numbers)
        if kind == "patch":
            title = f"Форум под нагрузкой {n}"
            r = client.patch(f"/api/v1/events/{slug}", json={"title": title}, headers=bearer)
            ok = r.status_code == 200 and r.json()["title"] == title
            outcome = title
        elif kind == "register":
            email = f"p{n}@example.org"
            body = {"full_name": f"Участник {n}", "email": email, "consent": True}
            r = client.post(f"/api/v1/events/{slug}/registrations", json=body)
            ok = r.status_code == 202
            outcome = email
        elif kind == "press":
            lead = f"Вводка номер {n}"
            r = client.patch(f"/api/v1/press-releases/{release_slug}", json={"lead": lead}, headers=bearer)
            ok = r.status_code == 200 and r.json()["lead"] == lead
            outcome = lead
        else:
            with lock:
                reg_id = next(arrivals_left, None)
            if reg_id is None:
                return
            r = client.post(
                f"/admin/events/{slug}/registrations/checkin",
                data={"registration": str(reg_id), "csrf_token": "csrf-live"},
                headers={"Cookie": f"eventhub_session={cookie}"},
            )
            ok = r.status_code == 303
            outcome = reg_id
        with lock:
            counts[f"{kind} {r.status_code}"] += 1
            if r.status_code >= 500 or not (ok or 400 <= r.status_code < 500):
                failures.append(f"{kind}: {r.status_code} {r.text[:300]}")
            elif ok:
                done[kind].append(outcome)

    def worker(i: int) -> None:
        order = ["patch", "register", "press", "checkin"]
        kinds = itertools.cycle(order[i % 4 :] + order[: i % 4])  # each thread starts with another kind
        with httpx.Client(base_url=base_url, timeout=60, follow_redirects=False) as client:
            n = 0
            while (time.monotonic() - start < SECONDS or n < 4 * ROUNDS) and time.monotonic() - start < LIMIT:
                one(client, next(kinds))
                n += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=LIMIT + 60)
    print("\nrequests per kind and status:", dict(sorted(counts.items())))

    assert failures == []
    assert all(done[kind] for kind in done), counts  # every kind of writer got through
    with Session(engine) as db:
        registered = set(db.exec(select(Registration.email).where(Registration.event_id == event.id)))
        attended = set(
            db.exec(
                select(Registration.id).where(
                    Registration.event_id == event.id, Registration.status == RegistrationStatus.attended
                )
            )
        )
        lead = db.exec(select(PressRelease.lead).where(PressRelease.slug == release_slug)).one()
    assert set(done["register"]) <= registered
    assert set(done["checkin"]) <= attended
    assert lead in done["press"]  # the last edit that answered 200 is the one stored
