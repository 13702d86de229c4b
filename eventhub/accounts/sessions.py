"""Server-side staff sessions: the browser's cookie holds a random id, the row decides.

A session ends at logout, when an admin ends it, or when the user changes in a way that
must cut off whoever holds their cookie (disabled, role, organisations, password): see
`end_access`. It lapses at `expires_at`, fixed at login (activity never moves it: a stolen
cookie does not live for ever), and after `idle` without a request. `last_seen_at` is
written at most once a minute, so reading pages does not turn every request into a write."""

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session, col, delete, select, update

from eventhub.core.models import ApiToken, StaffSession, StaffUser, id_of
from eventhub.core.tokens import hash_token, new_token

COOKIE_KEY = "sid"  # the key of the session id in the signed cookie
SEEN_EVERY = timedelta(minutes=1)


def start(
    db: Session, user: StaffUser, *, now: datetime, lifetime: timedelta, ip: str = "", user_agent: str = ""
) -> str:
    """A new session for `user`; returns the random id for the cookie (only its hash is kept)."""
    plain = new_token()
    db.add(
        StaffSession(
            user_id=id_of(user),
            token_hash=hash_token(plain),
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            ip=ip[:64],
            user_agent=user_agent[:300],
        )
    )
    db.flush()
    return plain


def find(db: Session, plain: str, *, now: datetime, idle: timedelta) -> StaffSession | None:
    """The live session whose id is `plain`: not ended, not past its lifetime, not idle too long."""
    if not plain or len(plain) > 100:
        return None
    row = db.exec(select(StaffSession).where(StaffSession.token_hash == hash_token(plain))).first()
    if row is None or not is_live(row, now=now, idle=idle):
        return None
    return row


def is_live(row: StaffSession, *, now: datetime, idle: timedelta) -> bool:
    return row.ended_at is None and now < row.expires_at and now < row.last_seen_at + idle


def needs_touch(row: StaffSession, now: datetime) -> bool:
    return now - row.last_seen_at >= SEEN_EVERY


def touch(db: Session, session_id: int, now: datetime) -> None:
    db.exec(update(StaffSession).where(col(StaffSession.id) == session_id).values(last_seen_at=now))


def end(db: Session, row: StaffSession, *, now: datetime) -> None:
    row.ended_at = row.ended_at or now
    db.flush()


def end_all(db: Session, user_id: int, *, now: datetime, keep: int | None = None) -> int:
    """End every open session of a user (but `keep`, the one making the change); returns how many."""
    query = update(StaffSession).where(col(StaffSession.user_id) == user_id, col(StaffSession.ended_at).is_(None))
    if keep is not None:
        query = query.where(col(StaffSession.id) != keep)
    result = db.exec(query.values(ended_at=now))
    return int(result.rowcount or 0)


def end_access(db: Session, user: StaffUser, *, now: datetime, keep: int | None = None) -> None:
    """Cut off whoever holds this user's cookie or tokens: every session (but `keep`) ends and
    every API token is revoked. Called on disabling, role or organisation changes, password resets."""
    end_all(db, id_of(user), now=now, keep=keep)
    db.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == id_of(user), col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=now)
    )
    db.flush()


def open_sessions(db: Session, user_id: int | None, *, now: datetime, idle: timedelta) -> Sequence[StaffSession]:
    """Live sessions, newest first: of one user, or (None) of everyone."""
    query = select(StaffSession).where(
        col(StaffSession.ended_at).is_(None),
        col(StaffSession.expires_at) > now,
        col(StaffSession.last_seen_at) > now - idle,
    )
    if user_id is not None:
        query = query.where(StaffSession.user_id == user_id)
    return db.exec(query.order_by(col(StaffSession.last_seen_at).desc()).limit(500)).all()


def purge(db: Session, *, now: datetime) -> int:
    """Forget sessions that ended or lapsed more than a day ago (from the worker / CLI)."""
    cutoff = now - timedelta(days=1)
    stale = (col(StaffSession.expires_at) < cutoff) | (col(StaffSession.ended_at) < cutoff)
    return int(db.exec(delete(StaffSession).where(stale)).rowcount or 0)
