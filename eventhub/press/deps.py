"""Dependencies of the press routes, shared by the API, the pages and the feeds."""

from typing import Annotated

from fastapi import Depends

from eventhub.core.db import DbDep
from eventhub.press.service import ReleaseFilters, check_filter_slugs


def get_release_filters(
    db: DbDep,
    event: str | None = None,
    organisation: str | None = None,
    language: str | None = None,
    type: str | None = None,
    q: str | None = None,
) -> ReleaseFilters:
    """Filters of the press room and the API list (event and organisation by slug), validated
    once: an unknown value, or a slug that names nothing public, is a 4xx naming the field."""
    filters = ReleaseFilters(
        event=event or None,
        organisation=organisation or None,
        language=language or None,
        type=type or None,
        q=q or None,
    ).validate()
    check_filter_slugs(db, filters)
    return filters


ReleaseFiltersDep = Annotated[ReleaseFilters, Depends(get_release_filters)]
