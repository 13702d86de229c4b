"""JSON API: the agenda of an event (sessions, panels, their order)."""

from fastapi import APIRouter, Response

from eventhub.accounts.deps import EventEditor
from eventhub.agenda.schemas import SessionCreate, SessionOrder, SessionUpdate
from eventhub.agenda.service import create_session, delete_session, get_session, reorder_sessions, update_session_partly
from eventhub.core.db import DbDep
from eventhub.core.schemas import WRITE_RESPONSES
from eventhub.core.uow import UnitOfWorkRoute
from eventhub.events.deps import EventDep
from eventhub.events.schemas import SessionPublic

router = APIRouter(
    route_class=UnitOfWorkRoute, prefix="/events/{slug}/sessions", tags=["agenda"], responses=WRITE_RESPONSES
)


@router.post("", status_code=201, response_model=SessionPublic)
def api_create_session(user: EventEditor, event: EventDep, body: SessionCreate, db: DbDep) -> SessionPublic:
    """Add a session (a panel: kind `panel` with moderators, panellists, questions, expected result)."""
    session = create_session(db, event=event, data=body, user=user)
    return SessionPublic.from_session(session)


@router.put("/order", response_model=list[SessionPublic])
def api_reorder_sessions(user: EventEditor, event: EventDep, body: SessionOrder, db: DbDep) -> list[SessionPublic]:
    """Put the sessions in the given order (every session id of the event once)."""
    sessions = reorder_sessions(db, event=event, ids=body.ids, user=user)
    return [SessionPublic.from_session(s) for s in sessions]


@router.patch("/{session_id}", response_model=SessionPublic)
def api_update_session(
    user: EventEditor, event: EventDep, session_id: int, body: SessionUpdate, db: DbDep
) -> SessionPublic:
    """Change the fields sent."""
    session = update_session_partly(db, event=event, session=get_session(event, session_id), patch=body, user=user)
    return SessionPublic.from_session(session)


@router.delete("/{session_id}", status_code=204)
def api_delete_session(user: EventEditor, event: EventDep, session_id: int, db: DbDep) -> Response:
    """Remove a session from the agenda."""
    delete_session(db, event=event, session=get_session(event, session_id), user=user)
    return Response(status_code=204)
