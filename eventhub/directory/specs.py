"""The kinds of directory entries, each described once for its API and admin pages."""

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, delete

from eventhub.accounts.permissions import Action
from eventhub.core.i18n import N_, _
from eventhub.core.models import (
    EventSeries,
    Organisation,
    Person,
    PressContact,
    Project,
    ProjectOrganisation,
    ProjectRegion,
    ProjectRole,
    id_of,
)
from eventhub.directory.schemas import (
    ORGANISATION_TEXTS,
    PERSON_TEXTS,
    PROJECT_TEXTS,
    SERIES_TEXTS,
    OrganisationCreate,
    PersonCreate,
    PressContactCreate,
    ProjectCreate,
    SeriesCreate,
)
from eventhub.directory.service import Children, Directory

PROJECT_ROLES = {
    "funders": ProjectRole.funder,
    "implementers": ProjectRole.implementer,
    "partners": ProjectRole.partner,
}


def _years(first: str, last: str) -> Callable[[Any], dict[str, str]]:
    def check(data: Any) -> dict[str, str]:
        a, b = getattr(data, first), getattr(data, last)
        return {last: _("не раньше первого года")} if a and b and b < a else {}

    return check


def _read_project_children(db: Session, project: Project) -> dict[str, Any]:
    db.refresh(project, ["organisations", "regions"])
    out: dict[str, Any] = {"regions": sorted(r.region for r in project.regions)}
    for name, role in PROJECT_ROLES.items():
        out[name] = [po.organisation.slug for po in project.organisations if po.role == role]
    return out


def _write_project_children(db: Session, project: Project, values: dict[str, Any]) -> None:
    project_id = id_of(project)
    db.exec(delete(ProjectOrganisation).where(col(ProjectOrganisation.project_id) == project_id))
    db.exec(delete(ProjectRegion).where(col(ProjectRegion.project_id) == project_id))
    position = 0
    for name, role in PROJECT_ROLES.items():
        for org in values[name]:
            db.add(ProjectOrganisation(project_id=project_id, organisation_id=org.id, role=role, position=position))
            position += 1
    for region in dict.fromkeys(values["regions"]):
        db.add(ProjectRegion(project_id=project_id, region=region))


ORGANISATIONS = Directory(
    key="organisations",
    model=Organisation,
    create=OrganisationCreate,
    title=N_("Организации"),
    new_title=N_("Новая организация"),
    label="name",
    columns=("short_name", "kind"),
    search=("short_name", "name"),
    texts=ORGANISATION_TEXTS,
)
PROJECTS = Directory(
    key="projects",
    model=Project,
    create=ProjectCreate,
    title=N_("Проекты"),
    new_title=N_("Новый проект"),
    label="name",
    columns=("short_name", "start_year", "end_year"),
    children=Children(tuple(["regions", *PROJECT_ROLES]), _read_project_children, _write_project_children),
    check=_years("start_year", "end_year"),
    texts=PROJECT_TEXTS,
)
SERIES = Directory(
    key="series",
    model=EventSeries,
    create=SeriesCreate,
    title=N_("Серии мероприятий"),
    new_title=N_("Новая серия"),
    label="title",
    columns=("first_year", "last_year"),
    check=_years("first_year", "last_year"),
    texts=SERIES_TEXTS,
)
PEOPLE = Directory(
    key="people",
    model=Person,
    create=PersonCreate,
    title=N_("Люди"),
    new_title=N_("Новый человек"),
    label="name",
    columns=("position",),
    public=False,
    private_fields=("email", "phone"),
    texts=PERSON_TEXTS,
)
PRESS_CONTACTS = Directory(
    key="press-contacts",
    model=PressContact,
    create=PressContactCreate,
    title=N_("Контакты для прессы"),
    new_title=N_("Новый контакт для прессы"),
    label="name",
    columns=("role", "phones"),
    action=Action.edit_press,
    delete_action=Action.edit_press,
)

DIRECTORIES = {d.key: d for d in (ORGANISATIONS, PROJECTS, SERIES, PEOPLE, PRESS_CONTACTS)}
