"""What the sitemap lists: public pages only (public event statuses, visible releases)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub.core.models import PUBLIC_EVENT_STATUSES, Event, Organisation, PressRelease, Project
from eventhub.press.service import visible_clause
from eventhub.public.seo import SITEMAP_LIMIT, SitemapEntry

LIST_PAGES = ("/", "/events", "/organisations", "/projects", "/press")


def sitemap_entries(db: Session, *, now: datetime, base_url: str) -> list[SitemapEntry]:
    """Every public page: the lists, public events with their programmes, organisations,
    projects and press releases that are out of embargo."""
    entries = [SitemapEntry(base_url + path) for path in LIST_PAGES]
    events = db.exec(
        select(Event.slug, Event.updated_at)
        .where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
        .order_by(col(Event.start_at).desc(), col(Event.id))
        .limit(SITEMAP_LIMIT // 2)
    ).all()
    for slug, updated in events:
        entries.append(SitemapEntry(f"{base_url}/events/{slug}", updated))
        entries.append(SitemapEntry(f"{base_url}/events/{slug}/programme", updated))
    for model, prefix in ((Organisation, "organisations"), (Project, "projects")):
        rows = db.exec(select(model.slug, model.updated_at).order_by(model.slug).limit(SITEMAP_LIMIT)).all()
        entries.extend(SitemapEntry(f"{base_url}/{prefix}/{slug}", updated) for slug, updated in rows)
    public_at = sa.func.coalesce(PressRelease.published_at, PressRelease.embargo_until)
    releases = db.exec(
        select(PressRelease.slug, PressRelease.updated_at, public_at)
        .where(visible_clause(now))
        .order_by(public_at.desc(), col(PressRelease.id))
        .limit(SITEMAP_LIMIT)
    ).all()
    for slug, updated, published in releases:
        # A release written before its embargo ended changed, for the public, when it appeared.
        lastmod = max(d for d in (updated, published) if d is not None) if (updated or published) else None
        entries.append(SitemapEntry(f"{base_url}/press/{slug}", lastmod))
    return entries[:SITEMAP_LIMIT]
