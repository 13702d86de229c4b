"""JSON API of the directory, generated from each kind's description (directory/specs.py)."""

from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from eventhub.accounts.deps import STAFF_ONLY, CurrentUser, OptionalUser
from eventhub.accounts.permissions import can, require
from eventhub.core.db import DbDep
from eventhub.core.deps import PaginationDep
from eventhub.core.schemas import WRITE_RESPONSES, Page
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.directory.service import (
    Directory,
    delete_entry,
    get_entry,
    list_entries,
    output_of,
    save_entry,
    update_entry,
)
from eventhub.directory.specs import DIRECTORIES

SlugPath = Annotated[str, Path(max_length=160)]
HAVE_READ_ROUTES = ("organisations", "projects")  # their own routers serve GET


def directory_router(spec: Directory) -> APIRouter:
    """POST, PATCH, DELETE (and GET where no other router reads) for one kind of entry."""
    router = APIRouter(route_class=UnitOfWorkRoute, prefix=f"/{spec.key}", tags=[spec.key], responses=WRITE_RESPONSES)
    if TYPE_CHECKING:  # made from the spec at run time: mypy knows them as models
        Create: TypeAlias = BaseModel
        Update: TypeAlias = BaseModel
        Out: TypeAlias = BaseModel
    else:
        Create, Update, Out = spec.create, spec.update, spec.out

    @router.post("", status_code=201, response_model=Out, name=f"create_{spec.key}", summary=spec.new_title)
    def create(body: Create, db: DbDep, user: CurrentUser) -> dict[str, Any]:
        obj = save_entry(db, spec, user=user, data=body)
        return output_of(db, spec, obj)

    @router.patch("/{slug}", response_model=Out, name=f"update_{spec.key}", summary="Change the fields sent")
    def update(slug: SlugPath, body: Update, db: DbDep, user: CurrentUser) -> dict[str, Any]:
        obj = update_entry(db, spec, user=user, obj=get_entry(db, spec, slug), patch=body)
        return output_of(db, spec, obj)

    @router.delete("/{slug}", status_code=204, name=f"delete_{spec.key}", summary="Delete an entry nothing refers to")
    def remove(slug: SlugPath, db: DbDep, user: CurrentUser) -> Response:
        delete_entry(db, spec, user=user, obj=get_entry(db, spec, slug))
        return Response(status_code=204)

    if spec.key in HAVE_READ_ROUTES:
        return router

    def reader(user: OptionalUser) -> bool:
        """Whether staff fields are shown; 401/403 where the kind is not public."""
        if not spec.public:
            require(user, spec.action)
        return can(user, spec.action)

    staff_only = [] if spec.public else [STAFF_ONLY]  # OpenAPI: Bearer declared where anonymous readers get 401

    @router.get("", response_model=Page[Out], name=f"list_{spec.key}", summary=spec.title, dependencies=staff_only)
    def listing(db: DbDep, user: OptionalUser, page: PaginationDep, q: str | None = None) -> dict[str, Any]:
        private = reader(user)
        rows, total = list_entries(db, spec, q=q, offset=page.offset, limit=page.limit)
        items = [output_of(db, spec, r, private=private, localise=True) for r in rows]
        return {"items": items, "total": total, "offset": page.offset, "limit": page.limit}

    @router.get("/{slug}", response_model=Out, name=f"get_{spec.key}", summary="One entry", dependencies=staff_only)
    def one(slug: SlugPath, db: DbDep, user: OptionalUser) -> dict[str, Any]:
        return output_of(db, spec, get_entry(db, spec, slug), private=reader(user), localise=True)

    return router


router = APIRouter(route_class=UnitOfWorkRoute)
for _spec in DIRECTORIES.values():
    router.include_router(directory_router(_spec))
