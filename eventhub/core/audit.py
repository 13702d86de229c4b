"""The audit log: who changed what and when, written by services in the same transaction."""

import enum
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from eventhub.core.models import AuditLog, StaffUser


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def apply_changes(obj: SQLModel, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set `values` on `obj`; return what changed as {field: [before, after]}."""
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if _plain(before) != _plain(value):
            setattr(obj, name, value)
            changes[name] = [jsonable(before), jsonable(value)]
    return changes


def _plain(value: Any) -> Any:
    """What counts when comparing: trimming spaces or emptying an empty value is no change."""
    value = jsonable(value)
    if isinstance(value, str):
        value = value.strip()
    return None if value in ("", [], {}) else value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} of what differs between two snapshots; empty values count as none.

    `diff({}, snapshot)` describes a creation, `diff(snapshot, {})` a deletion."""
    keys = dict.fromkeys([*before, *after])
    return {
        k: [_plain(before.get(k)), _plain(after.get(k))] for k in keys if _plain(before.get(k)) != _plain(after.get(k))
    }


class Row(Protocol):
    """What an audit entry names: a table row with an id."""

    @property
    def __tablename__(self) -> str | Callable[..., str]: ...

    @property
    def id(self) -> int | None: ...


def record(
    db: Session,
    *,
    user: StaffUser | None,
    action: str,
    entity: Row,
    changes: dict[str, Any] | None = None,
    event_id: int | None = None,
    elide: tuple[str, ...] = (),
) -> AuditLog:
    """The one writer of audit entries: `changes` is {field: [before, after]} (see `diff`);
    fields in `elide` are recorded as changed without their values (long texts)."""
    table = entity.__tablename__
    assert isinstance(table, str)  # SQLModel declares a str or a declared_attr; a row reads the str
    entry = AuditLog(
        user_id=user.id if user else None,
        action=action,
        entity_type=table,
        entity_id=entity.id,
        event_id=event_id,
        changes={k: ["…", "…"] if k in elide else jsonable(v) for k, v in (changes or {}).items()},
    )
    db.add(entry)
    return entry


def event_history(
    db: Session, event_id: int, *, offset: int = 0, limit: int = 200
) -> list[tuple[AuditLog, StaffUser | None]]:
    """Changes to an event and its agenda, newest first, with who made them."""
    rows = db.exec(
        select(AuditLog, StaffUser)
        .join(StaffUser, col(StaffUser.id) == col(AuditLog.user_id), isouter=True)
        .where(col(AuditLog.event_id) == event_id)
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [(entry, user) for entry, user in rows]


def count_event_history(db: Session, event_id: int) -> int:
    return db.exec(select(sa.func.count()).select_from(AuditLog).where(AuditLog.event_id == event_id)).one()
