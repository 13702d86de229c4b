"""The audit log: who changed what and when, written by services in the same transaction."""

import enum
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, SQLModel, select

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


def record(
    db: Session,
    *,
    user: StaffUser | None,
    action: str,
    entity: SQLModel,
    changes: dict[str, Any] | None = None,
    event_id: int | None = None,
    elide: tuple[str, ...] = (),
) -> AuditLog:
    """The one writer of audit entries: `changes` is {field: [before, after]} (see `diff`);
    fields in `elide` are recorded as changed without their values (long texts)."""
    entry = AuditLog(
        user_id=user.id if user else None,
        action=action,
        entity_type=entity.__tablename__,
        entity_id=entity.id,
        event_id=event_id,
        changes={k: ["…", "…"] if k in elide else jsonable(v) for k, v in (changes or {}).items()},
    )
    db.add(entry)
    return entry


def event_history(db: Session, event_id: int, limit: int = 200) -> list[tuple[AuditLog, StaffUser | None]]:
    """Changes to an event and its agenda, newest first, with who made them."""
    rows = db.exec(
        select(AuditLog, StaffUser)
        .join(StaffUser, StaffUser.id == AuditLog.user_id, isouter=True)
        .where(AuditLog.event_id == event_id)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(limit)
    ).all()
    return [(entry, user) for entry, user in rows]
