"""Fixtures of the feed tests: every parser, registrations for personal feeds."""

import hashlib
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from eventhub.core.models import Event, Registration
from eventhub.registrations.mail import Site
from eventhub.registrations.service import calendar_url, reset_calendar_link
from tests.feeds.parsers import PYTHON_PARSERS, find_icaljs

PARSERS = ["icalendar", "vobject", "ical", "ical.js"]
_n = itertools.count(1)


@pytest.fixture(scope="session")
def icaljs():
    js, reason = find_icaljs()
    return js if js is not None else reason


@pytest.fixture()
def parse(icaljs, tmp_path) -> Callable[[str, dict[str, bytes]], dict[str, list[dict]]]:
    """parse(parser, {name: body}) -> {name: [event dicts]}; ical.js skips with a reason if missing."""

    def parse(parser: str, bodies: dict[str, bytes]) -> dict[str, list[dict]]:
        if parser == "ical.js":
            if isinstance(icaljs, str):
                pytest.skip(icaljs)
            return icaljs.parse_many(bodies, tmp_path)
        return {name: PYTHON_PARSERS[parser](body) for name, body in bodies.items()}

    return parse


def make_registration(db: Session, event: Event, *, email: str, status: str = "confirmed", **kw) -> Registration:
    """A registration as the registration flow would store it (flushed, not committed)."""
    n = next(_n)
    values = {
        "event_id": event.id,
        "token_hash": hashlib.sha256(f"private-{n}".encode()).hexdigest(),
        "full_name": f"Участник {n}",
        "email": email,
        "email_normalised": email.lower(),
        "consent_at": datetime(2030, 1, 1, tzinfo=UTC),
        "consent_text": "Согласен на обработку персональных данных",
        "status": status,
    } | kw
    registration = Registration(**values)
    db.add(registration)
    db.flush()
    return registration


def personal_token(db: Session, settings, registration: Registration, *, reset: bool = False) -> str:
    """The participant's personal-feed token as registrations issue it (e-mails, private page);
    `reset`: a new one, as the private page's button makes."""
    site = Site.from_settings(settings)
    url = reset_calendar_link(db, reg=registration, site=site) if reset else calendar_url(db, site, registration)
    return url.removeprefix(f"{site.base_url}/calendar/personal/").removesuffix(".ics")
