"""No overbooking under load: many simultaneous registrations against a real server process,
on SQLite and on PostgreSQL (where EVENTHUB_TEST_DATABASE_URL names one)."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from eventhub.core.models import Registration, utcnow
from eventhub.registrations import service
from eventhub.registrations.mail import Site
from tests.conftest import PG_URL
from tests.factories import make_organisation
from tests.registrations.conftest import open_event
from tools.live_server import live_server


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path, smtp_server):
    if request.param == "postgresql" and not PG_URL:
        pytest.skip("set EVENTHUB_TEST_DATABASE_URL to run this on PostgreSQL")
    if request.param == "sqlite" and PG_URL:
        pytest.skip("the SQLite variant runs in the SQLite suite")
    with live_server(tmp_path, pg_url=PG_URL or None, smtp_port=smtp_server.port, workers=2) as live:
        yield live


def _burst(url: str, bodies: list[dict]) -> list[int]:
    """Send every body at once (a barrier releases the threads together)."""
    barrier = threading.Barrier(len(bodies), timeout=60)

    def post(body: dict) -> int:
        with httpx.Client(timeout=120) as client:
            barrier.wait()
            return client.post(url, json=body).status_code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


def _person(i: int, **kw) -> dict:
    return {"full_name": f"Участник {i:03d}", "email": f"p{i:03d}@example.org", "consent": True} | kw


def test_200_simultaneous_registrations_for_50_places_confirm_exactly_50(server) -> None:
    base_url, settings, engine = server
    with Session(engine) as db:
        event = open_event(db, capacity=50, start_at=utcnow() + timedelta(days=30))
        db.commit()
        event_id, slug = event.id, event.slug

    statuses = _burst(f"{base_url}/api/v1/events/{slug}/registrations", [_person(i) for i in range(200)])

    assert statuses == [202] * 200
    with Session(engine) as db:
        regs = list(db.exec(select(Registration).where(Registration.event_id == event_id)))
    assert len(regs) == 200
    assert sum(r.status == "confirmed" for r in regs) == 50
    assert sum(r.status == "waitlisted" for r in regs) == 150
    assert sorted(r.waitlist_position for r in regs if r.status == "waitlisted") == list(range(1, 151))


def test_simultaneous_registrations_through_one_invitation_never_exceed_its_quota(server) -> None:
    base_url, settings, engine = server
    with Session(engine) as db:
        org = make_organisation(db)
        event = open_event(db, registration_mode="invitation", capacity=None, start_at=utcnow() + timedelta(days=30))
        invitation = service.save_invitation(
            db, event=event, organisation=org.slug, seat_quota=10, note=None, site=Site.from_settings(settings)
        )
        db.commit()
        token = service.invitation_url(Site.from_settings(settings), event, invitation).split("invitation=")[1]
        event_id, slug = event.id, event.slug

    statuses = _burst(
        f"{base_url}/api/v1/events/{slug}/registrations", [_person(i, invitation=token) for i in range(40)]
    )

    assert sorted(statuses) == [202] * 10 + [409] * 30
    with Session(engine) as db:
        stored = db.exec(select(sa.func.count()).where(Registration.event_id == event_id)).one()
    assert stored == 10
