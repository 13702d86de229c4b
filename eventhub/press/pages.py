"""Public pages: the press room and one release."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from eventhub.db import DbDep
from eventhub.deps import NowDep
from eventhub.press.service import get_public_release, list_public_releases
from eventhub.templating import templates

router = APIRouter(default_response_class=HTMLResponse)
PER_PAGE = 20


@router.get("/press", include_in_schema=False)
def press_page(request: Request, db: DbDep, now: NowDep, page: int = 1) -> HTMLResponse:
    page = max(1, min(page, 10_000))
    releases, total = list_public_releases(db, now=now, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    return templates.TemplateResponse(
        request,
        "press/list.html",
        {"releases": releases, "total": total, "page": page, "pages": max(1, -(-total // PER_PAGE))},
    )


@router.get("/press/{slug}", include_in_schema=False)
def release_page(request: Request, db: DbDep, slug: str, now: NowDep) -> HTMLResponse:
    release = get_public_release(db, slug, now=now)
    return templates.TemplateResponse(request, "press/detail.html", {"release": release})
