"""The organisations directory."""

import sqlalchemy as sa
from sqlmodel import Session, col, select

from eventhub.core import search
from eventhub.core.errors import Invalid, NotFound
from eventhub.core.i18n import _
from eventhub.core.models import Organisation, OrganisationKind


def list_organisations(
    db: Session, *, q: str | None = None, kind: str | None = None, offset: int = 0, limit: int = 50
) -> tuple[list[Organisation], int]:
    """Organisations by name, optionally searched and filtered by kind."""
    if kind and kind not in OrganisationKind.__members__.values():
        raise Invalid(
            _("Неверные параметры фильтра"),
            fields={"kind": _("неизвестный вид организации: %(kind)s") % {"kind": kind}},
        )
    if q is not None and len(q) > 200:
        raise Invalid(
            _("Неверные параметры фильтра"), fields={"q": _("запрос длиннее %(max)d символов") % {"max": 200}}
        )
    query = select(Organisation)
    if kind:
        query = query.where(Organisation.kind == kind)
    if q is not None and q.strip():
        query = query.where(col(Organisation.id).in_(search.matching_ids("organisation", q)))
    total = db.exec(select(sa.func.count()).select_from(query.subquery())).one()
    rows = db.exec(query.order_by(col(Organisation.name), col(Organisation.id)).offset(offset).limit(limit)).all()
    return list(rows), total


def get_organisation(db: Session, slug: str) -> Organisation:
    org = db.exec(select(Organisation).where(Organisation.slug == slug)).first()
    if org is None:
        raise NotFound(_("Организация «%(slug)s» не найдена") % {"slug": slug})
    return org
