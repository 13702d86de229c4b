"""JSON API: projects and programmes."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from eventhub.core import surface_cache
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep
from eventhub.core.schemas import ERROR_RESPONSES, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.projects.schemas import ProjectPublic
from eventhub.projects.service import count_projects, get_project, list_projects

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/projects", tags=["projects"], responses=ERROR_RESPONSES)


@router.get("", response_model=Page[ProjectPublic])
def api_list_projects(
    request: Request,
    now: NowDep,
    db: DbDep,
    page: PaginationDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[ProjectPublic]:
    """Donor-funded projects with funders, implementers, regions and figures, by name; `q`: words
    of anything the project page shows."""
    surface_cache.mark_current(request.scope, db, now)  # the same for every anonymous reader
    items = list_projects(db, q=q, offset=page.offset, limit=page.limit)
    return Page(
        items=[ProjectPublic.from_project(p) for p in items],
        total=count_projects(db, q=q),
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/{slug}", response_model=ProjectPublic)
def api_get_project(
    request: Request, now: NowDep, db: DbDep, slug: Annotated[str, Path(max_length=160)]
) -> ProjectPublic:
    """One project (its events: /events?project=)."""
    surface_cache.mark_current(request.scope, db, now)  # the same for every anonymous reader
    return ProjectPublic.from_project(get_project(db, slug))
