"""Failed-login limits kept in the database, so every worker process sees the same count."""

from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from eventhub.models import LoginAttempt

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures for one e-mail from one address
PER_ADDRESS = 20  # failures from one address, whatever the e-mails (password spraying)


def _key(email: str) -> str:
    return email.strip().lower()[:254]


def retry_after(db: Session, *, email: str, ip: str, now: datetime) -> int | None:
    """Seconds until another attempt is allowed, or None when it is allowed now."""
    since = now - WINDOW
    recent = select(LoginAttempt.at).where(LoginAttempt.ip == ip[:64], LoginAttempt.at > since)
    for query, limit in ((recent.where(LoginAttempt.email == _key(email)), PER_ACCOUNT), (recent, PER_ADDRESS)):
        times = db.exec(query.order_by(LoginAttempt.at.desc()).limit(limit)).all()
        if len(times) >= limit:
            return max(1, int((times[-1] + WINDOW - now).total_seconds()) + 1)
    return None


def record_failure(db: Session, *, email: str, ip: str, now: datetime) -> None:
    db.add(LoginAttempt(email=_key(email), ip=ip[:64], at=now))
    db.exec(delete(LoginAttempt).where(LoginAttempt.at < now - WINDOW))  # keep the table small
    db.flush()


def clear_failures(db: Session, *, email: str, ip: str) -> None:
    db.exec(delete(LoginAttempt).where(LoginAttempt.email == _key(email), LoginAttempt.ip == ip[:64]))
    db.flush()
