"""Projects and programmes that events belong to."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from eventhub.core import search
from eventhub.core.errors import NotFound
from eventhub.core.i18n import _
from eventhub.core.models import Organisation, Project, ProjectOrganisation, rel


def _options() -> tuple[LoaderOption, ...]:
    return (
        selectinload(rel(Project.organisations)).selectinload(rel(ProjectOrganisation.organisation)),
        selectinload(rel(Project.regions)),
    )


def _projects(q: str | None) -> SelectOfScalar[Project]:
    query = select(Project)
    if q is not None and q.strip():
        query = query.where(col(Project.id).in_(search.matching_ids("project", q)))
    return query


def list_projects(db: Session, *, q: str | None = None, offset: int = 0, limit: int | None = None) -> list[Project]:
    """Projects by name with their funders, implementers and regions (every one without a limit);
    `q`: words found by the search index."""
    query = _projects(q).options(*_options()).order_by(col(Project.name), col(Project.id)).offset(offset).limit(limit)
    return list(db.exec(query).all())


def count_projects(db: Session, *, q: str | None = None) -> int:
    return db.exec(select(sa.func.count()).select_from(_projects(q).subquery())).one()


def get_project(db: Session, slug: str) -> Project:
    project = db.exec(select(Project).where(Project.slug == slug).options(*_options())).first()
    if project is None:
        raise NotFound(_("Проект «%(slug)s» не найден") % {"slug": slug})
    return project


def projects_of_organisation(db: Session, org: Organisation) -> list[Project]:
    return list(
        db.exec(
            select(Project)
            .join(ProjectOrganisation, col(ProjectOrganisation.project_id) == col(Project.id))
            .where(ProjectOrganisation.organisation_id == org.id)
            .options(*_options())
            .distinct()
            .order_by(Project.name)
        ).all()
    )
