"""JSON API: organisations."""

from typing import Annotated

from fastapi import APIRouter, Path, Request

from eventhub.core import surface_cache
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep
from eventhub.core.schemas import ERROR_RESPONSES, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.organisations.schemas import OrganisationDetail, OrganisationPublic
from eventhub.organisations.service import get_organisation, list_organisations
from eventhub.projects.service import projects_of_organisation

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/organisations", tags=["organisations"], responses=ERROR_RESPONSES
)


@router.get("", response_model=Page[OrganisationPublic])
def api_list_organisations(
    request: Request, now: NowDep, db: DbDep, page: PaginationDep, q: str | None = None, kind: str | None = None
) -> Page[OrganisationPublic]:
    """The directory: ministries, agencies, municipalities, donors, CSOs..."""
    surface_cache.mark_current(request.scope, db, now)  # the same for every anonymous reader
    items, total = list_organisations(db, q=q, kind=kind, offset=page.offset, limit=page.limit)
    return Page(items=[OrganisationPublic.of(o) for o in items], total=total, offset=page.offset, limit=page.limit)


@router.get("/{slug}", response_model=OrganisationDetail)
def api_get_organisation(
    request: Request, now: NowDep, db: DbDep, slug: Annotated[str, Path(max_length=160)]
) -> OrganisationDetail:
    """One organisation with the projects it funds or implements (its events: /events?organisation=)."""
    surface_cache.mark_current(request.scope, db, now)  # the same for every anonymous reader
    org = get_organisation(db, slug)
    return OrganisationDetail.with_projects(org, projects_of_organisation(db, org))
