"""JSON API: projects and programmes."""

from typing import Annotated

from fastapi import APIRouter, Path

from eventhub.core.db import DbDep
from eventhub.core.schemas import ERROR_RESPONSES
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.projects.schemas import ProjectPublic
from eventhub.projects.service import get_project, list_projects

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/projects", tags=["projects"], responses=ERROR_RESPONSES)


@router.get("", response_model=list[ProjectPublic])
def api_list_projects(db: DbDep) -> list[ProjectPublic]:
    """Donor-funded projects with funders, implementers, regions and figures."""
    return [ProjectPublic.from_project(p) for p in list_projects(db)]


@router.get("/{slug}", response_model=ProjectPublic)
def api_get_project(db: DbDep, slug: Annotated[str, Path(max_length=160)]) -> ProjectPublic:
    """One project (its events: /events?project=)."""
    return ProjectPublic.from_project(get_project(db, slug))
