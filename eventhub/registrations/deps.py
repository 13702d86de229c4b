"""Dependencies of the registration routes: the site's link maker, the event being
registered for, the event an organiser manages, and how mail is sent after the response."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Path, Request
from sqlmodel import Session, select

from eventhub.accounts.deps import require_roles
from eventhub.db import DbDep
from eventhub.deps import SettingsDep
from eventhub.errors import Forbidden, NotFound
from eventhub.models import PUBLIC_EVENT_STATUSES, Event, StaffRole, StaffUser
from eventhub.registrations.mail import Site
from eventhub.registrations.outbox import AFTER_RESPONSE_DELAYS, deliver_after_response
from eventhub.registrations.permissions import can_manage_event
from eventhub.i18n import _


def get_site(settings: SettingsDep) -> Site:
    return Site.from_settings(settings)


def get_session_factory(request: Request) -> Callable[[], AbstractContextManager[Session]]:
    """How the after-response task opens its own session (tests point it at theirs)."""
    engine = request.app.state.engine
    return lambda: Session(engine)


SiteDep = Annotated[Site, Depends(get_site)]
SessionFactoryDep = Annotated[Callable[[], AbstractContextManager[Session]], Depends(get_session_factory)]


class MailAfterResponse:
    """Send the outbox rows a request wrote, after its commit, in a background task."""

    def __init__(self, request: Request, background: BackgroundTasks, settings: SettingsDep,
                 factory: SessionFactoryDep) -> None:
        self.background = background
        self.settings = settings
        self.factory = factory
        self.delays = getattr(request.app.state, "outbox_retry_delays", AFTER_RESPONSE_DELAYS)

    def send(self, ids: list[int]) -> None:
        if ids:
            self.background.add_task(deliver_after_response, self.factory, self.settings, list(ids), self.delays)


MailDep = Annotated[MailAfterResponse, Depends()]


def get_public_event_light(db: DbDep, slug: Annotated[str, Path(max_length=160)]) -> Event:
    """The event by slug, without its agenda: what the registration routes need."""
    event = db.exec(select(Event).where(Event.slug == slug, Event.status.in_(PUBLIC_EVENT_STATUSES))).first()
    if event is None:
        raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
    _release(db)
    return event


def _release(db: Session) -> None:
    """Give the connection back between this dependency and the route: FastAPI runs them as
    separate thread-pool jobs, and a connection held while waiting for a free thread can
    starve the pool under a burst. (The event's attributes reload on first use.)"""
    db.commit()


PublicEventDep = Annotated[Event, Depends(get_public_event_light)]


def _managed(*roles: StaffRole):  # noqa: ANN202
    def load(db: DbDep, slug: Annotated[str, Path(max_length=160)],
             user: Annotated[StaffUser, Depends(require_roles(*roles))]) -> tuple[Event, StaffUser]:
        event = db.exec(select(Event).where(Event.slug == slug)).first()
        if event is None:
            raise NotFound(_("Мероприятие «%(slug)s» не найдено") % {"slug": slug})
        if not can_manage_event(db, user, event):
            raise Forbidden(_("Это мероприятие ведут другие организаторы"))
        _release(db)
        return event, user

    return load


# Organisers manage everything; check-in staff only mark arrivals at the door.
ManagedDep = Annotated[tuple[Event, StaffUser], Depends(_managed(StaffRole.organiser))]
CheckinDep = Annotated[tuple[Event, StaffUser], Depends(_managed(StaffRole.organiser, StaffRole.checkin))]
