"""Public pages: projects and programmes with their events."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.service import EventFilters, list_events
from eventhub.outcomes.pages import project_recommendations
from eventhub.projects.service import get_project, list_projects
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)


@router.get("/projects", include_in_schema=False)
def projects_page(request: Request, db: DbDep, q: str | None = None) -> HTMLResponse:
    q = (q or "")[:200]
    return templates.TemplateResponse(request, "projects/list.html", {"projects": list_projects(db, q=q), "q": q})


@router.get("/projects/{slug}", include_in_schema=False)
def project_page(request: Request, db: DbDep, slug: str, now: NowDep) -> HTMLResponse:
    project = get_project(db, slug)
    events, total = list_events(db, EventFilters(project=project.slug), now=now, limit=100)
    return templates.TemplateResponse(
        request,
        "projects/detail.html",
        {
            "project": project,
            "events": events,
            "total": total,
            "now": now,
            "recommendations": project_recommendations(db, project),
        },
    )
