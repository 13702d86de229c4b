"""Public pages: the organisations directory and one organisation with its events."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep
from eventhub.core.models import OrganisationKind
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.service import EventFilters, list_events
from eventhub.organisations.service import get_organisation, list_organisations
from eventhub.outcomes.pages import organisation_recommendations
from eventhub.projects.service import projects_of_organisation
from eventhub.templating import templates

router = APIRouter(route_class=UnitOfWorkRoute, default_response_class=HTMLResponse)


@router.get("/organisations", include_in_schema=False)
def organisations_page(request: Request, db: DbDep, q: str | None = None, kind: str | None = None) -> HTMLResponse:
    items, total = list_organisations(db, q=q, kind=kind or None, limit=500)
    return templates.TemplateResponse(
        request,
        "organisations/list.html",
        {"organisations": items, "total": total, "q": q or "", "kind": kind or "", "kinds": list(OrganisationKind)},
    )


@router.get("/organisations/{slug}", include_in_schema=False)
def organisation_page(request: Request, db: DbDep, slug: str, now: NowDep) -> HTMLResponse:
    org = get_organisation(db, slug)
    events, total = list_events(db, EventFilters(organisation=org.slug), now=now, limit=100)
    return templates.TemplateResponse(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "events": events,
            "total": total,
            "projects": projects_of_organisation(db, org),
            "now": now,
            "recommendations": organisation_recommendations(db, org),
        },
    )
