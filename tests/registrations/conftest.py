"""Registration tests: a real SMTP server on loopback (aiosmtpd) receives every e-mail."""

import email
import email.policy
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from aiosmtpd.controller import Controller

from tests.factories import add_organisation_role, make_event, make_organisation


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Keeps what the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.envelopes.append(envelope)
            self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, count: int, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.02)
        with self.lock:
            return list(self.messages)


@pytest.fixture(scope="session")
def smtp_server():
    sink = Sink()
    sink.port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture()
def mailbox(smtp_server):
    smtp_server.clear()
    return smtp_server


@pytest.fixture(autouse=True)
def _wire_mail(app, db, settings, smtp_server):
    """Mail of every test goes to the loopback SMTP server; the after-response task uses the
    test's own session (app.state.units, see tests/conftest.py)."""
    smtp_server.clear()
    app.state.settings = settings.model_copy(update={"smtp_port": smtp_server.port, "smtp_host": "127.0.0.1"})
    app.state.outbox_retry_delays = (0.0,)
    yield


NOW = datetime(2030, 2, 1, 6, 0, tzinfo=UTC)


@pytest.fixture()
def clock(app):
    """The app's 'now', fixed (and movable) for the test."""
    state = {"now": NOW}
    app.state.clock = lambda: state["now"]
    return state


def open_event(db, **kw):
    """An upcoming published event with open registration, organised by a fresh organisation."""
    org = kw.pop("organiser", None) or make_organisation(db)
    values = {"registration_mode": "open", "capacity": 2, "start_at": NOW + timedelta(days=30)} | kw
    event = make_event(db, **values)
    add_organisation_role(db, event, org, "organiser")
    return event


def form(**kw):
    values = {
        "full_name": "Айгуль Осмонова",
        "email": "aigul@example.org",
        "phone": "0702 174 107",
        "organisation_other": "ОО «Голос гражданского общества»",
        "position": "координатор",
        "category": "participant",
        "region": "naryn",
        "gender": "female",
        "consent": "on",
    }
    values.update(kw)
    return {k: v for k, v in values.items() if v is not None}
