"""Rate limits kept in the database, so every worker process sees the same count.

One table (`login_attempt`) holds every counted event: failed logins under the e-mail
tried, and the other limits (`Limit`) under their name after a space, which no login key
has (they are stripped)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from fastapi import Request
from sqlmodel import Session, col, delete, select

from eventhub.core.models import LoginAttempt

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures for one e-mail, from any address, before each further one waits
FIRST_DELAY = timedelta(seconds=30)  # then 1, 2, 4, 8 minutes... up to WINDOW
PER_ADDRESS = 20  # failures from one address, whatever the e-mails (password spraying)
LONGEST_WINDOW = timedelta(days=1)  # rows older than this are of no use to any limit (re-sends a day)


@dataclass(frozen=True)
class Limit:
    """At most `count` counted requests from one address within `window`."""

    name: str
    count: int
    window: timedelta

    @property
    def key(self) -> str:
        return " " + self.name


REGISTRATION = Limit("registration", 30, timedelta(minutes=1))  # registration POSTs per address
BAD_TOKEN = Limit("bad-token", 10, timedelta(minutes=1))  # API requests with an unknown or revoked token


def client_ip(request: Request) -> str:
    return (request.client.host if request.client else "unknown")[:64]


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def _wait(times: Sequence[datetime], limit: int, window: timedelta, now: datetime) -> int | None:
    if len(times) >= limit:
        return max(1, int((times[-1] + window - now).total_seconds()) + 1)
    return None


def retry_after(db: Session, *, email: str, ip: str, now: datetime) -> int | None:
    """Seconds until another login attempt is allowed, or None when it is allowed now.

    By account, from any address: after PER_ACCOUNT failures within the window each further
    one waits twice as long as the last (FIRST_DELAY, then 2×, 4×… up to the window), so
    changing addresses does not buy more guesses, and one person mistyping behind an office's
    NAT address does not lock their colleagues out. By address, whatever the accounts
    (password spraying): PER_ADDRESS failures within the window."""
    since = now - WINDOW
    account = db.exec(
        select(LoginAttempt.at)
        .where(LoginAttempt.email == _key(email), col(LoginAttempt.at) > since)
        .order_by(col(LoginAttempt.at).desc())
        .limit(64)
    ).all()
    if len(account) >= PER_ACCOUNT:
        delay = min(WINDOW, FIRST_DELAY * 2 ** min(len(account) - PER_ACCOUNT, 16))
        wait = (account[0] + delay - now).total_seconds()
        if wait > 0:
            return int(wait) + 1
    logins = select(LoginAttempt.at).where(
        LoginAttempt.ip == ip[:64], col(LoginAttempt.at) > since, ~col(LoginAttempt.email).startswith(" ")
    )
    times = db.exec(logins.order_by(col(LoginAttempt.at).desc()).limit(PER_ADDRESS)).all()
    return _wait(times, PER_ADDRESS, WINDOW, now)


def record_failure(db: Session, *, email: str, ip: str, now: datetime) -> None:
    _record(db, _key(email), ip, now)


def clear_failures(db: Session, *, email: str, ip: str) -> None:
    db.exec(delete(LoginAttempt).where(col(LoginAttempt.email) == _key(email), col(LoginAttempt.ip) == ip[:64]))
    db.flush()


def wait_for(db: Session, limit: Limit, *, ip: str, now: datetime) -> int | None:
    """Seconds until `ip` may make another request counted by `limit`, or None."""
    times = db.exec(
        select(LoginAttempt.at)
        .where(LoginAttempt.email == limit.key, LoginAttempt.ip == ip[:64], col(LoginAttempt.at) > now - limit.window)
        .order_by(col(LoginAttempt.at).desc())
        .limit(limit.count)
    ).all()
    return _wait(times, limit.count, limit.window, now)


def count(db: Session, limit: Limit, *, ip: str, now: datetime) -> None:
    """Count one request of `ip` against `limit` (flushed; the caller commits)."""
    _record(db, limit.key, ip, now)


def _record(db: Session, key: str, ip: str, now: datetime) -> None:
    db.add(LoginAttempt(email=key, ip=ip[:64], at=now))
    db.exec(delete(LoginAttempt).where(col(LoginAttempt.at) < now - LONGEST_WINDOW))  # keep the table small
    db.flush()
