"""Public routes of this domain: the printable programme, sitemap.xml, robots.txt, favicon.ico."""

from functools import lru_cache

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, SettingsDep
from eventhub.core.http import conditional_response
from eventhub.core.models import EventOrganisation
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import EventDep
from eventhub.public.assets import STATIC_DIR, file_hash
from eventhub.public.seo import render_robots, render_sitemap
from eventhub.public.service import sitemap_entries
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)

LEADING_ROLES = ("organiser", "co_organiser", "funder", "implementing_partner", "partner")


@router.get("/events/{slug}/programme", include_in_schema=False)
def programme_page(request: Request, event: EventDep) -> HTMLResponse:
    """The programme as organisers hand it out: one or two A4 pages when printed."""
    by_role: dict[str, list[EventOrganisation]] = {}
    for eo in event.organisations:
        if eo.role in LEADING_ROLES:
            by_role.setdefault(eo.role, []).append(eo)
    return templates.TemplateResponse(
        request, "public/programme.html", {"event": event, "by_role": by_role, "leading_roles": LEADING_ROLES}
    )


@router.get("/sitemap.xml", include_in_schema=False)
def sitemap(db: DbDep, now: NowDep, settings: SettingsDep) -> Response:
    """Public pages only: no drafts, no releases under embargo."""
    body = render_sitemap(sitemap_entries(db, now=now, base_url=settings.base_url))
    return Response(body, media_type="application/xml", headers={"Cache-Control": "public, max-age=600"})


@router.get("/robots.txt", include_in_schema=False)
def robots(settings: SettingsDep) -> PlainTextResponse:
    return PlainTextResponse(render_robots(settings.base_url), headers={"Cache-Control": "public, max-age=86400"})


FAVICON_CACHE = "public, max-age=2592000"  # 30 days: a fixed address, so not immutable like hashed files


@lru_cache(maxsize=1)
def _favicon() -> tuple[bytes, str]:
    path = STATIC_DIR / "favicon.ico"
    return path.read_bytes(), f'"{file_hash(path)}"'


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    """The site icon where browsers and feed readers look for it (pages also link it, hashed)."""
    body, etag = _favicon()
    return conditional_response(
        request.headers,
        body,
        media_type="image/vnd.microsoft.icon",
        etag=etag,
        headers={"Cache-Control": FAVICON_CACHE},
    )
