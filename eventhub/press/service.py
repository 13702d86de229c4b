"""Press releases as the public sees them: published, or scheduled with the embargo passed."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from eventhub.errors import NotFound
from eventhub.i18n import _
from eventhub.models import (
    PressContact,
    PressRelease,
    PressReleaseContact,
    PressReleaseStatus,
)


def visible_clause(now: datetime) -> sa.ColumnElement[bool]:
    """The one definition of 'public' for releases, used by pages, feeds and the API."""
    return sa.or_(
        sa.and_(PressRelease.status == PressReleaseStatus.published, PressRelease.published_at <= now),
        sa.and_(PressRelease.status == PressReleaseStatus.scheduled, PressRelease.embargo_until <= now),
    )


def public_date(release: PressRelease) -> datetime | None:
    """When the release became public: its publication time, or the end of its embargo."""
    return release.published_at or release.embargo_until


def _options():  # noqa: ANN202
    return (
        selectinload(PressRelease.contacts)
        .selectinload(PressReleaseContact.contact)
        .selectinload(PressContact.organisation),
        selectinload(PressRelease.event),
    )


def list_public_releases(
    db: Session, *, now: datetime, event_id: int | None = None, offset: int = 0, limit: int = 20
) -> tuple[list[PressRelease], int]:
    """Public releases, newest first."""
    query = select(PressRelease).where(visible_clause(now))
    if event_id is not None:
        query = query.where(PressRelease.event_id == event_id)
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    newest = sa.func.coalesce(PressRelease.published_at, PressRelease.embargo_until)
    rows = db.exec(query.options(*_options()).order_by(newest.desc(), PressRelease.id.desc()).offset(offset).limit(limit))
    return list(rows.all()), total


def get_public_release(db: Session, slug: str, *, now: datetime) -> PressRelease:
    release = db.exec(
        select(PressRelease).where(PressRelease.slug == slug, visible_clause(now)).options(*_options())
    ).first()
    if release is None:
        raise NotFound(_("Публикация «%(slug)s» не найдена") % {"slug": slug})
    return release
