"""Test database built once with `alembic upgrade head`; each test runs in a transaction
rolled back at the end. EVENTHUB_TEST_DATABASE_URL picks PostgreSQL (see .ci/run)."""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlmodel import Session

from eventhub.core.config import Settings
from eventhub.core.db import get_db, make_engine, upgrade
from eventhub.core.uow import unit
from eventhub.main import create_app

PG_URL = os.environ.get("EVENTHUB_TEST_DATABASE_URL", "")


def pytest_report_header(config) -> str:
    return f"eventhub test database: {'PostgreSQL ' + PG_URL if PG_URL else 'SQLite (set EVENTHUB_TEST_DATABASE_URL for PostgreSQL)'}"


def reset_postgres(url: str) -> None:
    engine = make_engine(Settings(database_url=url))
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("data")
    url = PG_URL or f"sqlite:///{data_dir / 'test.sqlite3'}"
    if PG_URL:
        reset_postgres(url)
    s = Settings(data_dir=data_dir, database_url=url, base_url="http://testserver", secret_key="test-secret")
    upgrade(s)
    return s


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[sa.Engine]:
    engine = make_engine(settings)
    yield engine
    engine.dispose()


@pytest.fixture()
def db(engine: sa.Engine) -> Iterator[Session]:
    """A session whose commits become savepoints of one outer transaction, rolled back."""
    with engine.connect() as conn:
        outer = conn.begin()
        with Session(bind=conn, join_transaction_mode="create_savepoint") as session:
            yield session
        outer.rollback()


class BoundUnits:
    """Units of work that are savepoints of the test's session (its commits are savepoint
    releases, see `db`): what the app opens outside the request (mail after the response)
    stays inside the test's transaction."""

    serialise_writers = False

    def __init__(self, db: Session) -> None:
        self.db = db

    @contextmanager
    def write(self) -> Iterator[Session]:
        with unit(self.db):
            yield self.db

    @contextmanager
    def read(self) -> Iterator[Session]:
        yield self.db


@pytest.fixture()
def units(db: Session) -> BoundUnits:
    return BoundUnits(db)


@pytest.fixture(scope="session")
def _app_once(settings: Settings):
    # Building the app's routes costs about half a second: once per session, not per test.
    app = create_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture()
def app(_app_once, db: Session):
    """The app bound to the test's transaction; overrides and app.state are restored after the test."""
    app = _app_once
    saved_state = dict(app.state._state)
    app.dependency_overrides = {get_db: lambda: db}
    app.state.units = BoundUnits(db)
    yield app
    app.dependency_overrides = {}
    app.state._state.clear()
    app.state._state.update(saved_state)


@pytest.fixture()
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="session")
def demo_data() -> dict:
    from eventhub.demo.loader import read_seed

    return read_seed()


@pytest.fixture()
def demo(db: Session, demo_data: dict) -> Session:
    """The seed events loaded into the test transaction."""
    from eventhub.demo.loader import load_demo

    load_demo(db, demo_data)
    db.commit()
    return db


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, *args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(engine: sa.Engine):
    @contextmanager
    def counting() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        sa.event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", counter)

    return counting


@pytest.fixture(scope="session")
def password_hash() -> str:
    """The Argon2 hash of "test password 123", computed once (hashing takes ~0.5 s)."""
    from eventhub.accounts.security import hash_password

    return hash_password("test password 123")


@pytest.fixture()
def make_staff(db, password_hash):
    """A staff user of `role` (organisers tied to organisation slugs) with password "test password 123"."""
    import uuid

    from sqlmodel import select

    from eventhub.core.models import Organisation, StaffUser, StaffUserOrganisation

    def make(role: str = "admin", organisations: tuple[str, ...] = (), email: str | None = None) -> StaffUser:
        user = StaffUser(
            email=email or f"{role}-{uuid.uuid4().hex[:8]}@example.org", password_hash=password_hash, role=role
        )
        db.add(user)
        db.flush()
        for slug in organisations:
            org = db.exec(select(Organisation).where(Organisation.slug == slug)).one()
            db.add(StaffUserOrganisation(user_id=user.id, organisation_id=org.id))
        db.commit()
        return user

    return make


@pytest.fixture()
def login_as(client, db, settings, make_staff):
    """Log the test client in as a new staff user of `role`: a server-side session and the
    signed cookie holding its id, set directly; returns (user, csrf_token) for form posts."""
    import base64
    import json
    from datetime import timedelta

    import itsdangerous

    from eventhub.accounts import sessions
    from eventhub.core.models import utcnow

    def login(role: str = "admin", organisations: tuple[str, ...] = (), email: str | None = None):
        user = make_staff(role, organisations, email)
        csrf = f"csrf-{user.id}"
        clock = getattr(client.app.state, "clock", None)
        now = clock() if clock else utcnow()
        sid = sessions.start(db, user, now=now, lifetime=timedelta(hours=settings.session_hours))
        db.commit()
        payload = base64.b64encode(json.dumps({"sid": sid, "csrf": csrf}).encode())
        cookie = itsdangerous.TimestampSigner(settings.get_secret_key()).sign(payload).decode()
        client.cookies.clear()  # a session cookie the app set earlier would shadow this one
        client.cookies.set("eventhub_session", cookie)
        return user, csrf

    return login


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.path.exists(p)), None)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test (playwright's sync API allows one per thread)."""
    if CHROMIUM is None:
        pytest.skip("chromium is not installed (apt-get install chromium, or `make test` does it)")
    try:
        from playwright.sync_api import sync_playwright  # imported here: only browser tests need it
    except ImportError:
        pytest.skip("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--headless", "--disable-gpu"])
        yield browser
        browser.close()


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture()
def bearer_as(db, make_staff):
    """Authorization headers with a new API token of `user`, or of a new staff user of `role`."""
    import uuid

    from eventhub.accounts.service import create_token

    def make(role: str = "admin", organisations: tuple[str, ...] = (), user=None) -> dict[str, str]:
        if user is None:
            user = make_staff(role, organisations, f"api-{role}-{uuid.uuid4().hex[:8]}@example.org")
        _, plain = create_token(db, user)
        db.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make
