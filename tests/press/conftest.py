"""Fixtures of the press tests: a settable clock, an API writer, a release under embargo."""

from datetime import UTC, datetime

import pytest

from eventhub.accounts.service import create_token, create_user


class Clock:
    """app.state.clock: the app's notion of now, set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture()
def clock(app) -> Clock:
    app.state.clock = Clock(datetime(2030, 3, 1, 3, 0, 0, tzinfo=UTC))
    return app.state.clock


@pytest.fixture()
def writer(db):
    """Authorization headers of a press officer's API token."""

    def make(role: str = "press_officer") -> dict[str, str]:
        user = create_user(db, email=f"{role}-{id(object())}@example.org", password="press officer 1", role=role)
        _, plain = create_token(db, user, "test")
        db.commit()
        return {"Authorization": f"Bearer {plain}"}

    return make
