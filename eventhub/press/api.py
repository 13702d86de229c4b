"""JSON API: press releases. Reading is public (embargo honoured); writing needs a
Bearer token of a press officer or an organiser."""

from typing import Annotated, Literal, TypeGuard

from fastapi import APIRouter, Depends, Path, Query, Response

from eventhub.accounts.deps import OptionalUser, allowed_to
from eventhub.accounts.permissions import Action, can
from eventhub.core.db import DbDep
from eventhub.core.deps import NowDep, PaginationDep, SettingsDep
from eventhub.core.errors import NotFound
from eventhub.core.models import StaffUser
from eventhub.core.schemas import ERROR_RESPONSES, ErrorResponse, Page, Responses
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.press.deps import ReleaseFiltersDep
from eventhub.press.schemas import PressReleaseDetail, PressReleasePublic, PressReleaseStaff, PressReleaseWrite
from eventhub.press.service import (
    create_release,
    delete_release,
    get_public_release,
    get_release,
    list_public_releases,
    update_release,
)

router = APIRouter(route_class=UnitOfWorkRoute, prefix="/press-releases", tags=["press"], responses=ERROR_RESPONSES)
Writer = Annotated[StaffUser, Depends(allowed_to(Action.write_releases))]
SlugPath = Annotated[str, Path(max_length=160)]
WRITE_ERRORS: Responses = {
    401: {"model": ErrorResponse, "description": "No or invalid token"},
    403: {"model": ErrorResponse, "description": "Not a press officer or organiser"},
}


def _may_write(user: StaffUser | None) -> TypeGuard[StaffUser]:
    return can(user, Action.write_releases)


@router.get("", response_model=Page[PressReleasePublic])
def api_list_releases(
    db: DbDep, filters: ReleaseFiltersDep, page: PaginationDep, now: NowDep, settings: SettingsDep
) -> Page[PressReleasePublic]:
    """Public releases, newest first; filter by event or organisation (slugs), language, type."""
    items, total = list_public_releases(db, now=now, filters=filters, offset=page.offset, limit=page.limit)
    return Page(
        items=[PressReleasePublic.from_release(r, settings.base_url) for r in items],
        total=total,
        offset=page.offset,
        limit=page.limit,
    )


@router.get("/{slug}", response_model=PressReleaseStaff | PressReleaseDetail)
def api_get_release(
    db: DbDep,
    slug: SlugPath,
    now: NowDep,
    settings: SettingsDep,
    user: OptionalUser,
    include: Annotated[Literal["translations"] | None, Query(description="add every language version")] = None,
) -> PressReleaseDetail:
    """One public release in the asked language, with its press contacts (staff with a token:
    any release, drafts too, as written, with its status and embargo)."""
    if _may_write(user):
        try:
            return PressReleaseStaff.from_release(get_release(db, user=user, slug=slug), settings.base_url)
        except NotFound:
            pass  # not theirs to change: what everyone reads
    release = get_public_release(db, slug, now=now)
    return PressReleaseDetail.from_release(release, settings.base_url, with_translations=include == "translations")


@router.post("", response_model=PressReleaseStaff, status_code=201, responses=WRITE_ERRORS)
def api_create_release(
    db: DbDep, data: PressReleaseWrite, user: Writer, now: NowDep, settings: SettingsDep
) -> PressReleaseStaff:
    """Write a release: a draft, scheduled (with `embargo_until`) or published now."""
    release = create_release(db, data=data, user=user, now=now)
    return PressReleaseStaff.from_release(get_release(db, user=user, release_id=release.id), settings.base_url)


@router.patch("/{slug}", response_model=PressReleaseStaff, responses=WRITE_ERRORS)
def api_update_release(
    db: DbDep, slug: SlugPath, data: PressReleaseWrite, user: Writer, now: NowDep, settings: SettingsDep
) -> PressReleaseStaff:
    """Change the fields sent; `status` publishes now, schedules or withdraws the release."""
    release = update_release(db, get_release(db, user=user, slug=slug), data=data, user=user, now=now)
    return PressReleaseStaff.from_release(get_release(db, user=user, release_id=release.id), settings.base_url)


@router.delete("/{slug}", status_code=204, responses=WRITE_ERRORS)
def api_delete_release(db: DbDep, slug: SlugPath, user: Writer) -> Response:
    """Delete a release (its press contacts stay)."""
    delete_release(db, get_release(db, user=user, slug=slug), user=user)
    return Response(status_code=204)
