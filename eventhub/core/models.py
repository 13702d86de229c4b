"""Every table of eventhub, its enums and the constraint naming convention.

Timestamps are stored in UTC (``UTCDateTime``); an event keeps its IANA time zone beside
them so pages and feeds show local times. Reader-facing texts keep the original in
their columns, ``original_language`` says which language that is, and ``translations``
holds the other versions: ``{"en": {"title": "...", "goals": [...]}, "ky": {...}}``.
"""

import enum
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Optional, Protocol, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import QueryableAttribute, validates
from sqlmodel import Field, Relationship, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class JSONType(sa.types.TypeDecorator[Any]):
    """JSON on SQLite, JSONB on PostgreSQL."""

    impl = sa.JSON()
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        return dialect.type_descriptor(JSONB() if dialect.name == "postgresql" else sa.JSON())


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is needed")
        value = value.astimezone(UTC)
        # SQLite stores text; keep it naive UTC so comparisons sort correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class HasId(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: HasId) -> int:
    """The id of a stored row (loaded or flushed); SQLModel types it as optional for new rows."""
    if row.id is None:
        raise RuntimeError(f"{type(row).__name__} has no id yet: flush it first")
    return row.id


def table_of(model: type[SQLModel]) -> sa.Table:
    """A table model's Core table (SQLModel does not declare `__table__`)."""
    return cast(sa.Table, sa.inspect(model).local_table)


def rel(attr: object) -> QueryableAttribute[Any]:
    """A relationship (`Event.sessions`) as loader options take it: SQLModel types the class
    attribute as an instance's value, though it is SQLAlchemy's instrumented attribute."""
    return cast(QueryableAttribute[Any], attr)


@sa.event.listens_for(sa.orm.Session, "before_flush")
def _stored_as_utc(session: sa.orm.Session, _context: Any, _instances: Any) -> None:
    """Written datetimes read as they are stored (UTC) from the flush on: a unit of work answers
    from its objects before any commit would have reloaded them."""
    for obj in (*session.new, *session.dirty):
        kind: type = type(obj)  # `obj` is Any: a class of Any is not known to be hashable
        for key in _utc_keys(kind):
            value = obj.__dict__.get(key)
            if isinstance(value, datetime) and value.tzinfo is not None and value.tzinfo is not UTC:
                obj.__dict__[key] = value.astimezone(UTC)  # the same instant: no change to history


@cache
def _utc_keys(cls: type) -> tuple[str, ...]:
    mapper: sa.orm.Mapper[Any] = sa.inspect(cls)
    return tuple(p.key for p in mapper.column_attrs if any(isinstance(c.type, UTCDateTime) for c in p.columns))


def _ts(**kw: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kw)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def _json(default: Any) -> Any:
    return Field(default_factory=default, sa_type=JSONType, nullable=False)


def check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {value!r}") from exc
    return value


# --- enums (stored as short strings: portable, and new members need no migration) ---


class Language(enum.StrEnum):
    ru = "ru"
    ky = "ky"
    en = "en"


class Region(enum.StrEnum):
    bishkek = "bishkek"
    osh_city = "osh_city"
    chuy = "chuy"
    talas = "talas"
    issyk_kul = "issyk_kul"
    naryn = "naryn"
    jalal_abad = "jalal_abad"
    osh = "osh"
    batken = "batken"
    national = "national"


class OrganisationKind(enum.StrEnum):
    ministry = "ministry"
    state_agency = "state_agency"
    government_office = "government_office"
    parliament = "parliament"
    local_government = "local_government"
    donor = "donor"
    international_org = "international_org"
    cso = "cso"
    business = "business"
    media = "media"
    academia = "academia"
    consortium = "consortium"
    other = "other"


class EventKind(enum.StrEnum):
    round_table = "round_table"
    focus_group = "focus_group"
    forum = "forum"
    dialogue = "dialogue"
    seminar = "seminar"
    conference = "conference"
    press_conference = "press_conference"
    village_assembly = "village_assembly"
    community_meeting = "community_meeting"
    focus_group_discussion = "focus_group_discussion"
    mini_meeting = "mini_meeting"
    meeting = "meeting"
    training = "training"
    other = "other"


class EventStatus(enum.StrEnum):
    draft = "draft"
    published = "published"
    postponed = "postponed"
    cancelled = "cancelled"


PUBLIC_EVENT_STATUSES = (EventStatus.published, EventStatus.postponed, EventStatus.cancelled)


class RegistrationMode(enum.StrEnum):
    open = "open"
    approval = "approval"
    invitation = "invitation"
    closed = "closed"


class EventRole(enum.StrEnum):
    organiser = "organiser"
    co_organiser = "co_organiser"
    funder = "funder"
    implementing_partner = "implementing_partner"
    partner = "partner"
    participant = "participant"
    invited = "invited"
    presenter = "presenter"


class ProjectRole(enum.StrEnum):
    funder = "funder"
    implementer = "implementer"
    partner = "partner"


class SessionKind(enum.StrEnum):
    opening = "opening"
    presentation = "presentation"
    panel = "panel"
    discussion = "discussion"
    working_group = "working_group"
    break_ = "break"
    closing = "closing"
    other = "other"


class SpeakerRole(enum.StrEnum):
    speaker = "speaker"
    moderator = "moderator"
    panellist = "panellist"


class RegistrationCategory(enum.StrEnum):
    participant = "participant"
    speaker = "speaker"
    press = "press"
    observer = "observer"


class AgeGroup(enum.StrEnum):
    # The bands GESI indicators of this field's funders use; NULL = not stated.
    under_18 = "under_18"
    age_18_29 = "18_29"
    age_30_44 = "30_44"
    age_45_59 = "45_59"
    age_60_plus = "60_plus"


class Disability(enum.StrEnum):
    yes = "yes"
    no = "no"
    prefer_not_to_say = "prefer_not_to_say"


class Gender(enum.StrEnum):
    female = "female"
    male = "male"
    # Accepted (API, imports, older rows) as a synonym of no answer, never stored by new
    # registrations: the form has one "no answer" choice, stored as NULL, which statistics
    # count as "Не указано"; rows written before that count there too.
    undisclosed = "undisclosed"


GENDER_CHOICES = (Gender.female, Gender.male)  # what forms offer besides "no answer"


class RegistrationStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    declined = "declined"
    cancelled = "cancelled"
    attended = "attended"


class PressReleaseType(enum.StrEnum):
    announcement = "announcement"
    press_release = "press_release"
    report = "report"


class PressReleaseStatus(enum.StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    published = "published"


class StaffRole(enum.StrEnum):
    admin = "admin"
    organiser = "organiser"
    press_officer = "press_officer"
    checkin = "checkin"


class OutboxStatus(enum.StrEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"


def _enum(cls: type[enum.StrEnum], default: Any = ..., **kw: Any) -> Any:
    length = max(len(m.value) for m in cls)
    return Field(default=default, max_length=length, sa_type=sa.String(length), **kw)


class Translatable(SQLModel):
    """Mixin: the original language and the versions in the other languages."""

    original_language: str = _enum(Language, default=Language.ru)
    translations: dict[str, dict[str, Any]] = _json(dict)


class Timestamped(SQLModel):
    created_at: datetime = _created()
    updated_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime,
        nullable=False,
        sa_column_kwargs={"onupdate": utcnow},
    )


# --- directory ---


class Organisation(Translatable, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    short_name: str | None = Field(default=None, max_length=60)
    name: str = Field(max_length=300)
    kind: str = _enum(OrganisationKind, default=OrganisationKind.other, index=True)
    website: str | None = Field(default=None, max_length=500)
    description: str | None = Field(default=None, sa_type=sa.Text)
    parent_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    # Lower-cased, ё→е, plus a Latin transliteration: what search matches against.
    search_text: str = Field(default="", sa_type=sa.Text)


class Project(Translatable, Timestamped, table=True):
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    short_name: str | None = Field(default=None, max_length=80)
    name: str = Field(max_length=400)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    # [{"value": "77", "label": "сёл в коридоре ЛЭП"}], in the seed's words.
    figures: list[dict[str, str]] = _json(list)
    website: str | None = Field(default=None, max_length=500)
    start_year: int | None = None
    end_year: int | None = None

    organisations: list["ProjectOrganisation"] = Relationship(
        back_populates="project", sa_relationship_kwargs={"order_by": "ProjectOrganisation.position"}
    )
    regions: list["ProjectRegion"] = Relationship(back_populates="project")


class ProjectOrganisation(SQLModel, table=True):
    __tablename__ = "project_organisation"
    __table_args__ = (sa.UniqueConstraint("project_id", "organisation_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = _enum(ProjectRole)
    position: int = 0

    project: Project = Relationship(back_populates="organisations")
    organisation: Organisation = Relationship()


class ProjectRegion(SQLModel, table=True):
    __tablename__ = "project_region"

    project_id: int = Field(foreign_key="project.id", primary_key=True, ondelete="CASCADE")
    region: str = Field(primary_key=True, max_length=20, index=True)

    project: Project = Relationship(back_populates="regions")


class EventSeries(Translatable, Timestamped, table=True):
    __tablename__ = "event_series"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    title: str = Field(max_length=300)
    description: str | None = Field(default=None, sa_type=sa.Text)
    first_year: int | None = None
    last_year: int | None = None
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)


# --- events ---


class Event(Translatable, Timestamped, table=True):
    __table_args__ = (
        sa.CheckConstraint("end_at >= start_at", name="end_after_start"),
        sa.Index("ix_event_status_start_at", "status", "start_at"),
        # The whole-site feed's window (issue 19): public events ending after a day, past the archive.
        sa.Index("ix_event_status_end_at", "status", "end_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=160, unique=True)
    kind: str = _enum(EventKind, index=True)
    status: str = _enum(EventStatus, default=EventStatus.draft)
    title: str = Field(max_length=400)
    summary: str | None = Field(default=None, sa_type=sa.Text)
    description: str | None = Field(default=None, sa_type=sa.Text)
    goals: list[str] = _json(list)

    start_at: datetime = _ts(nullable=False, index=True)  # lists and feeds read events in date order
    end_at: datetime = _ts(nullable=False, index=True)  # upcoming = ends after now: a short range
    timezone: str = Field(default="Asia/Bishkek", max_length=64)
    # All-day: only the dates are known; start_at/end_at are local midnights.
    all_day: bool = False
    # An honest word where the source leaves a fact open (time, year).
    date_note: str | None = Field(default=None, sa_type=sa.Text)

    venue_name: str | None = Field(default=None, max_length=300)
    venue_address: str | None = Field(default=None, max_length=400)
    city: str | None = Field(default=None, max_length=120)
    venue_region: str | None = Field(default=None, max_length=20)
    latitude: float | None = None
    longitude: float | None = None
    online_url: str | None = Field(default=None, max_length=500)
    languages: list[str] = _json(lambda: ["ru"])

    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    series_id: int | None = Field(default=None, foreign_key="event_series.id", index=True)
    series_edition: str | None = Field(default=None, max_length=40)

    participants_count: int | None = None
    participants_note: str | None = Field(default=None, sa_type=sa.Text)

    registration_mode: str = _enum(RegistrationMode, default=RegistrationMode.closed)
    capacity: int | None = Field(default=None, ge=0)
    registration_opens_at: datetime | None = _ts(default=None)
    registration_deadline_at: datetime | None = _ts(default=None)

    # iCalendar SEQUENCE: grows when time, place or status changes.
    sequence: int = 0
    published_at: datetime | None = _ts(default=None)
    cancelled_at: datetime | None = _ts(default=None)
    status_note: str | None = Field(default=None, sa_type=sa.Text)
    # The dates before the last postponement: the private page shows old and new.
    previous_start_at: datetime | None = _ts(default=None)
    previous_end_at: datetime | None = _ts(default=None)
    # Who answers participants' replies (Reply-To of every e-mail about the event).
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=20)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")

    project: Project | None = Relationship()
    series: EventSeries | None = Relationship()
    regions: list["EventRegion"] = Relationship(back_populates="event", cascade_delete=True)
    organisations: list["EventOrganisation"] = Relationship(
        back_populates="event",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "EventOrganisation.position"},
    )
    sessions: list["AgendaSession"] = Relationship(
        back_populates="event",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "AgendaSession.position"},
    )
    press_contacts: list["EventPressContact"] = Relationship(
        back_populates="event",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "EventPressContact.position"},
    )

    @validates("timezone")
    def _validate_timezone(self, _key: str, value: str) -> str:
        return check_timezone(value)


class EventRegion(SQLModel, table=True):
    __tablename__ = "event_region"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    region: str = Field(primary_key=True, max_length=20, index=True)

    event: Event = Relationship(back_populates="regions")


class EventOrganisation(SQLModel, table=True):
    __tablename__ = "event_organisation"
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = _enum(EventRole)
    note: str | None = Field(default=None, max_length=500)
    position: int = 0

    event: Event = Relationship(back_populates="organisations")
    organisation: Organisation = Relationship()


class Person(Translatable, Timestamped, table=True):
    """A public figure of an agenda: speaker, moderator, panellist."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name: str = Field(max_length=200)
    position: str | None = Field(default=None, max_length=400)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    organisation_name: str | None = Field(default=None, max_length=300)
    bio: str | None = Field(default=None, sa_type=sa.Text)
    # Staff-only contact details.
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)

    organisation: Organisation | None = Relationship()


class AgendaSession(Translatable, table=True):
    __tablename__ = "agenda_session"
    __table_args__ = (
        sa.CheckConstraint("end_at IS NULL OR start_at IS NULL OR end_at >= start_at", name="end_after_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = _enum(SessionKind, default=SessionKind.other)
    title: str = Field(max_length=400)
    description: str | None = Field(default=None, sa_type=sa.Text)
    # Null when the source gives no time for the session.
    start_at: datetime | None = _ts(default=None)
    end_at: datetime | None = _ts(default=None)
    room: str | None = Field(default=None, max_length=120)
    track: str | None = Field(default=None, max_length=120)
    # Grows when the session moves (time or room); its calendar entry's SEQUENCE is the event's
    # plus this, so moving one session does not make clients re-read the event and its siblings.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )

    event: Event = Relationship(back_populates="sessions")
    speakers: list["SessionSpeaker"] = Relationship(
        back_populates="session",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "SessionSpeaker.position"},
    )
    panel: Optional["Panel"] = Relationship(
        back_populates="session", cascade_delete=True, sa_relationship_kwargs={"uselist": False}
    )


class SessionSpeaker(SQLModel, table=True):
    __tablename__ = "session_speaker"
    __table_args__ = (sa.UniqueConstraint("session_id", "person_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="agenda_session.id", index=True, ondelete="CASCADE")
    person_id: int = Field(foreign_key="person.id", index=True)
    role: str = _enum(SpeakerRole, default=SpeakerRole.speaker)
    position: int = 0

    session: AgendaSession = Relationship(back_populates="speakers")
    person: Person = Relationship()


class Panel(Translatable, table=True):
    """The panel-discussion part of a session: questions and the result it should reach.

    Moderators and panellists are the session's speakers with those roles."""

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="agenda_session.id", unique=True, ondelete="CASCADE")
    guiding_questions: list[str] = _json(list)
    expected_result: str | None = Field(default=None, sa_type=sa.Text)

    session: AgendaSession = Relationship(back_populates="panel")


# --- press ---


class PressContact(Timestamped, table=True):
    __tablename__ = "press_contact"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=120, unique=True)
    name: str = Field(max_length=200)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    organisation_name: str | None = Field(default=None, max_length=300)
    # What is always true of the person (a position); a role for one event or release is on the link.
    role: str | None = Field(default=None, max_length=300)
    # E.164 strings, e.g. "+996702174107".
    phones: list[str] = _json(list)
    email: str | None = Field(default=None, max_length=254)

    organisation: Organisation | None = Relationship()


class EventPressContact(SQLModel, table=True):
    __tablename__ = "event_press_contact"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="press_contact.id", primary_key=True, ondelete="CASCADE")
    position: int = 0
    # The contact's role for this event (issue 23): «член Оргкомитета…» is true of one dialogue, not of the person.
    role: str | None = Field(default=None, max_length=300)

    event: Event = Relationship(back_populates="press_contacts")
    contact: PressContact = Relationship()


class PressRelease(Translatable, Timestamped, table=True):
    __tablename__ = "press_release"
    __table_args__ = (sa.Index("ix_press_release_status_published_at", "status", "published_at"),)

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=160, unique=True)
    type: str = _enum(PressReleaseType)
    status: str = _enum(PressReleaseStatus, default=PressReleaseStatus.draft)
    title: str = Field(max_length=400)
    lead: str | None = Field(default=None, sa_type=sa.Text)
    body: str = Field(default="", sa_type=sa.Text)  # Markdown
    event_id: int | None = Field(default=None, foreign_key="event.id", index=True)
    # Scheduled releases become visible at embargo_until; published_at is when they did.
    embargo_until: datetime | None = _ts(default=None)
    published_at: datetime | None = _ts(default=None)
    source_note: str | None = Field(default=None, sa_type=sa.Text)
    search_text: str = Field(default="", sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")

    event: Event | None = Relationship()
    contacts: list["PressReleaseContact"] = Relationship(
        back_populates="release",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "PressReleaseContact.position"},
    )


class PressReleaseContact(SQLModel, table=True):
    __tablename__ = "press_release_contact"

    release_id: int = Field(foreign_key="press_release.id", primary_key=True, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="press_contact.id", primary_key=True, ondelete="CASCADE")
    position: int = 0
    role: str | None = Field(default=None, max_length=300)  # the contact's role for this release (issue 23)

    release: PressRelease = Relationship(back_populates="contacts")
    contact: PressContact = Relationship()


# --- registration ---


class Invitation(Timestamped, table=True):
    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    seat_quota: int = Field(default=1, ge=0)
    token_hash: str = Field(max_length=64, unique=True)
    note: str | None = Field(default=None, sa_type=sa.Text)
    revoked_at: datetime | None = _ts(default=None)


class Registration(Timestamped, table=True):
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email_normalised"),
        sa.Index("ix_registration_event_id_status", "event_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    invitation_id: int | None = Field(default=None, foreign_key="invitation.id", index=True)
    # A hash only: the private link is derived again from the secret key when it is e-mailed.
    token_hash: str = Field(max_length=64, unique=True)

    full_name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    email_normalised: str = Field(max_length=254, index=True)
    phone: str | None = Field(default=None, max_length=20)
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id", index=True)
    organisation_name: str | None = Field(default=None, max_length=300)
    position: str | None = Field(default=None, max_length=300)
    category: str = _enum(RegistrationCategory, default=RegistrationCategory.participant)
    outlet: str | None = Field(default=None, max_length=200)  # press accreditation
    region: str | None = Field(default=None, max_length=20)
    gender: str | None = _enum(Gender, default=None, nullable=True)
    age_group: str | None = _enum(AgeGroup, default=None, nullable=True)
    disability: str | None = _enum(Disability, default=None, nullable=True)
    accessibility_needs: str | None = Field(default=None, sa_type=sa.Text)
    language: str = _enum(Language, default=Language.ru)
    consent_at: datetime = _ts(nullable=False)
    consent_text: str = Field(sa_type=sa.Text)
    status: str = _enum(RegistrationStatus, default=RegistrationStatus.pending)
    waitlist_position: int | None = None
    status_changed_at: datetime = _created()
    checked_in_at: datetime | None = _ts(default=None)
    reminder_sent_at: datetime | None = _ts(default=None)
    # The SEQUENCE of the last calendar part sent to this person (None: none yet); the next
    # one never goes below it, even after a CANCEL and a new registration (RFC 5546).
    ics_sequence: int | None = None
    # Optional standard fields (issue 16), asked only where the event switches them on.
    travel_region: str | None = Field(default=None, max_length=20)
    travel_district: str | None = Field(default=None, max_length=120)
    arrival_date: date | None = None
    departure_date: date | None = None
    accommodation: bool | None = None
    # Answers to the event's own questions: {"<question id>": value}; a value is text, a choice
    # key, a list of keys, true/false, a number or an ISO date. Keyed by id, so a question
    # renamed or re-ordered keeps its answers.
    answers: dict[str, Any] = _json(dict)


class PersonalCalendar(SQLModel, table=True):
    """A participant's personal calendar address (/calendar/personal/{token}.ics): one per person
    (normalised e-mail) for all their registrations, so a reset from any private page moves it
    to the next generation and cuts off every older address of that person."""

    __tablename__ = "personal_calendar"

    email_normalised: str = Field(primary_key=True, max_length=254)
    generation: int = Field(default=0, ge=0)
    token_hash: str = Field(max_length=64, unique=True)  # of the current generation's token


class PersonalCalendarLegacy(SQLModel, table=True):
    """A personal-calendar address issued per registration before there was one per person:
    kept so its subscribers keep their feed, until the person resets their address."""

    __tablename__ = "personal_calendar_legacy"

    token_hash: str = Field(primary_key=True, max_length=64)
    email_normalised: str = Field(max_length=254, index=True)


class EventMessage(Translatable, table=True):
    """A message staff wrote to an event's registrants; its outbox rows point here.

    ``subject``/``body`` (Markdown) are the original; ``translations`` the other versions:
    ``{"ky": {"subject": "...", "body": "..."}}``. ``audience`` is the filter it was sent to."""

    __tablename__ = "event_message"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    subject: str = Field(max_length=200)
    body: str = Field(sa_type=sa.Text)
    audience: dict[str, Any] = _json(dict)
    recipients: int = 0
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    created_at: datetime = _created()


class EventMailSettings(Translatable, table=True):
    """Per event: when reminders go (hours before the start; none for an empty list) and the
    after-event message to those who came. An event without a row reminds once, a day before."""

    __tablename__ = "event_mail_settings"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    reminder_hours: list[int] = _json(lambda: [24])
    reminder_text: str | None = Field(default=None, sa_type=sa.Text)
    after_event: bool = False
    after_event_text: str | None = Field(default=None, sa_type=sa.Text)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )


class RegistrationNotice(SQLModel, table=True):
    """A reminder (``reminder:<hours>``) or the after-event message (``after_event``) a registrant
    was sent; rows older than the registration's consent belong to an earlier registration."""

    __tablename__ = "registration_notice"

    id: int | None = Field(default=None, primary_key=True)
    registration_id: int = Field(foreign_key="registration.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)
    sent_at: datetime = _ts(nullable=False)


# --- staff ---


class StaffUser(Timestamped, table=True):
    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    full_name: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=255)
    role: str = _enum(StaffRole)
    is_active: bool = True
    last_login_at: datetime | None = _ts(default=None)
    totp_secret: str | None = Field(default=None, max_length=64)  # the second factor, when set up (issue 21)


class StaffUserOrganisation(SQLModel, table=True):
    """The organisations whose events an organiser may manage."""

    __tablename__ = "staff_user_organisation"

    user_id: int = Field(foreign_key="staff_user.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, ondelete="CASCADE")


class EventCheckinStaff(SQLModel, table=True):
    """Check-in staff given one event by its organisers (besides their organisations' published events)."""

    __tablename__ = "event_checkin_staff"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="staff_user.id", primary_key=True, index=True, ondelete="CASCADE")


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    name: str | None = Field(default=None, max_length=120)
    prefix: str = Field(max_length=12)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    last_used_at: datetime | None = _ts(default=None)
    revoked_at: datetime | None = _ts(default=None)


class LoginAttempt(SQLModel, table=True):
    """A failed login, kept for the rate limit shared by every worker process."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_ip_at", "email", "ip", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False, index=True)
    user_id: int | None = Field(default=None, foreign_key="staff_user.id", index=True)
    action: str = Field(max_length=40)
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    event_id: int | None = Field(default=None, index=True)
    # {"field": [before, after]}
    changes: dict[str, Any] = _json(dict)


class OutboxMessage(SQLModel, table=True):
    """An e-mail written in the same transaction as what caused it, sent after commit."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=400)
    body_text: str = Field(sa_type=sa.Text)
    body_html: str | None = Field(default=None, sa_type=sa.Text)
    reply_to: str | None = Field(default=None, max_length=400)
    # [{"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST", "content": "..."}]
    attachments: list[dict[str, str]] = _json(list)
    registration_id: int | None = Field(default=None, foreign_key="registration.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="event_message.id", index=True, ondelete="SET NULL")
    kind: str = Field(default="other", max_length=40)
    status: str = _enum(OutboxStatus, default=OutboxStatus.pending)
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = _created()
    next_attempt_at: datetime = _created()
    locked_until: datetime | None = _ts(default=None)
    sent_at: datetime | None = _ts(default=None)


# --- feeds (see eventhub/feeds/changes.py and eventhub/feeds/service.py) ---


class ContentVersion(SQLModel, table=True):
    """One row, bumped in the same transaction as every write to what the feeds show.

    Reading it is the feeds' cheap cache key: several workers and PostgreSQL agree on it."""

    __tablename__ = "content_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0, sa_type=sa.BigInteger)
    changed_at: datetime = _created()


class FeedState(SQLModel, table=True):
    """Per feed address, shared by every worker: the ETag of its content and since when it holds.

    ``modified_at`` (the feed's Last-Modified) moves on only when the rendered bytes change;
    ``as_of`` is the content version time the bytes were rendered at, so an older render
    never overwrites a newer one."""

    __tablename__ = "feed_state"

    key: str = Field(primary_key=True, max_length=64)  # sha256 of the feed's identity
    etag: str = Field(max_length=64)
    as_of: datetime = _ts(nullable=False)
    modified_at: datetime = _ts(nullable=False)


# --- search (issue 18: search that finds what people type; see eventhub/core/search.py) ---


class SearchDocument(SQLModel, table=True):
    """One searchable thing (an event, a press release, an organisation, a project...) as the
    normalised words a reader may type: `title` and `body` hold terms, not text.

    The engines' own indexes are outside the model (alembic/env.py leaves them out of the
    comparison): on SQLite the FTS5 table ``search_fts`` over these rows (kept by triggers), on
    PostgreSQL the generated ``tsv`` column with its GIN index."""

    __tablename__ = "search_document"
    # ref_id first: a search never scans one kind's rows, the engine's matches drive the query.
    __table_args__ = (sa.UniqueConstraint("ref_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    ref_id: int
    title: str = Field(default="", sa_type=sa.Text)
    body: str = Field(default="", sa_type=sa.Text)
    # Events: upcoming ranks over past at equal rank; the date orders within a rank.
    starts_at: datetime | None = _ts(default=None)
    ends_at: datetime | None = _ts(default=None)


# --- issue 21: staff sessions and password resets (see eventhub/accounts/sessions.py) ---


class StaffSession(SQLModel, table=True):
    """One signed-in browser: the cookie holds only a random id, whose hash is stored here.

    Ended by logout, by an admin, or by a change to the user (role, organisations, password,
    disabling); it lapses at `expires_at` (fixed at login, activity does not move it) and
    after the idle timeout since `last_seen_at`."""

    __tablename__ = "staff_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    last_seen_at: datetime = _created()
    expires_at: datetime = _ts(nullable=False)
    ended_at: datetime | None = _ts(default=None)
    ip: str = Field(default="", max_length=64)
    user_agent: str = Field(default="", max_length=300)


class PasswordReset(SQLModel, table=True):
    """A one-time link to set a new password, sent by e-mail; only its hash is stored."""

    __tablename__ = "password_reset"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="staff_user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    expires_at: datetime = _ts(nullable=False)
    used_at: datetime | None = _ts(default=None)


class ImportPreview(SQLModel, table=True):
    """A checked participant list waiting for its confirmation: the confirming form carries
    only this row's id (the rows themselves would exceed the body limit), and it expires."""

    __tablename__ = "import_preview"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="staff_user.id", ondelete="CASCADE")
    filename: str = Field(default="", max_length=200)
    rows: list[dict[str, str]] = _json(list)
    created_at: datetime = _created()
    expires_at: datetime = _ts(nullable=False)


# --- outcomes (issue 15): what an event produced, its materials, what became of its recommendations ---


class RecommendationStatus(enum.StrEnum):
    proposed = "proposed"
    sent = "sent"
    accepted = "accepted"
    rejected = "rejected"
    in_progress = "in_progress"
    implemented = "implemented"


class MaterialKind(enum.StrEnum):
    document = "document"
    photo = "photo"


class ClosingReport(Translatable, Timestamped, table=True):
    """What actually happened at an event; public (the «Итоги» of its page) once published."""

    __tablename__ = "closing_report"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", unique=True, ondelete="CASCADE")
    attendance: int | None = Field(default=None, ge=0)
    organisations_count: int | None = Field(default=None, ge=0)
    # {"ngo": 12, "ministry": 3}: the kinds of the organisations that came.
    organisation_kinds: dict[str, int] = _json(dict)
    summary: str | None = Field(default=None, sa_type=sa.Text)  # Markdown
    minutes: str | None = Field(default=None, sa_type=sa.Text)  # Markdown
    published_at: datetime | None = _ts(default=None)

    event: Event = Relationship()


class SessionOutcome(Translatable, table=True):
    """What one session or panel actually produced (beside its panel's expected result)."""

    __tablename__ = "session_outcome"

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="agenda_session.id", unique=True, ondelete="CASCADE")
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    result: str = Field(sa_type=sa.Text)
    updated_at: datetime = Field(
        default_factory=utcnow, sa_type=UTCDateTime, nullable=False, sa_column_kwargs={"onupdate": utcnow}
    )


class Recommendation(Translatable, Timestamped, table=True):
    __table_args__ = (sa.Index("ix_recommendation_is_public_status", "is_public", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    session_id: int | None = Field(default=None, foreign_key="agenda_session.id", index=True, ondelete="SET NULL")
    position: int = 0
    text: str = Field(sa_type=sa.Text)
    status: str = _enum(RecommendationStatus, default=RecommendationStatus.proposed)
    status_on: date | None = None  # the date of the last step
    # Staff-only: who follows it up (a name, a post, a telephone).
    responsible: str | None = Field(default=None, max_length=300)
    due_on: date | None = None
    is_public: bool = True
    search_text: str = Field(default="", sa_type=sa.Text)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")

    event: Event = Relationship()
    session: AgendaSession | None = Relationship()
    addressees: list["RecommendationAddressee"] = Relationship(
        back_populates="recommendation",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "RecommendationAddressee.position"},
    )
    history: list["RecommendationStep"] = Relationship(
        back_populates="recommendation",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "(RecommendationStep.dated, RecommendationStep.id)"},
    )


class RecommendationAddressee(SQLModel, table=True):
    __tablename__ = "recommendation_addressee"

    recommendation_id: int = Field(foreign_key="recommendation.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, index=True)
    position: int = 0

    recommendation: Recommendation = Relationship(back_populates="addressees")
    organisation: Organisation = Relationship()


class RecommendationStep(Translatable, table=True):
    """One dated step of a recommendation's history: its status from `dated`, with a note."""

    __tablename__ = "recommendation_step"

    id: int | None = Field(default=None, primary_key=True)
    recommendation_id: int = Field(foreign_key="recommendation.id", index=True, ondelete="CASCADE")
    status: str = _enum(RecommendationStatus)
    dated: date
    note: str | None = Field(default=None, sa_type=sa.Text)
    document_url: str | None = Field(default=None, max_length=500)
    material_id: int | None = Field(default=None, foreign_key="material.id", index=True, ondelete="SET NULL")
    recorded_at: datetime = _created()
    recorded_by_id: int | None = Field(default=None, foreign_key="staff_user.id")

    recommendation: Recommendation = Relationship(back_populates="history")


class Material(Timestamped, table=True):
    """A file of an event (of one of its sessions or recommendations): its bytes are in the
    storage (core/storage.py) under their SHA-256; staff-only ones reach only its organisers."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    session_id: int | None = Field(default=None, foreign_key="agenda_session.id", index=True, ondelete="SET NULL")
    recommendation_id: int | None = Field(
        default=None, foreign_key="recommendation.id", index=True, ondelete="SET NULL"
    )
    kind: str = _enum(MaterialKind)
    title: str = Field(max_length=300)
    language: str = _enum(Language, default=Language.ru)
    is_public: bool = False
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=120)
    size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(max_length=64, index=True)
    width: int | None = None
    height: int | None = None
    thumb_sha256: str | None = Field(default=None, max_length=64)
    created_by_id: int | None = Field(default=None, foreign_key="staff_user.id")


# --- issue 16: registration forms, on-site attendance and the papers of the day ---


class QuestionKind(enum.StrEnum):
    short_text = "short_text"
    long_text = "long_text"
    single_choice = "single_choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"
    number = "number"
    date = "date"


CHOICE_KINDS = (QuestionKind.single_choice, QuestionKind.multiple_choice)


class OptionalField(enum.StrEnum):
    """Standard fields an event may add to its form (donors ask for them)."""

    age_group = "age_group"
    disability = "disability"
    travel_from = "travel_from"  # oblast and district
    travel_dates = "travel_dates"  # arrival and departure
    accommodation = "accommodation"


class FormQuestion(Translatable, table=True):
    """An organiser's own question on an event's form.

    ``choices`` are ``[{"key": "k1", "label": "..."}]``: answers hold the key, so a choice
    relabelled keeps its answers. ``translations``: ``{"en": {"label": ..., "help_text": ...,
    "choices": {"k1": "..."}}}``. A question with answers is archived, not deleted."""

    __tablename__ = "form_question"

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = _enum(QuestionKind)
    label: str = Field(max_length=300)
    help_text: str | None = Field(default=None, sa_type=sa.Text)
    required: bool = False
    choices: list[dict[str, str]] = _json(list)
    archived: bool = False


class EventFormSettings(SQLModel, table=True):
    """Per event: the optional standard fields its form asks, whether a phone may stand in for
    the e-mail, attendance per day, the per-diem rate. No row: none of these."""

    __tablename__ = "event_form_settings"

    event_id: int = Field(foreign_key="event.id", primary_key=True, ondelete="CASCADE")
    fields: list[str] = _json(list)  # OptionalField values
    phone_only: bool = False
    attendance_per_day: bool = False
    press_outside_capacity: bool = False
    per_diem_rate: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    per_diem_currency: str = Field(default="KGS", max_length=3)


class Attendance(SQLModel, table=True):
    """One check-in: a person on a day of the event (local date), or at one session."""

    __table_args__ = (sa.Index("ix_attendance_event_id_day", "event_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    registration_id: int = Field(foreign_key="registration.id", index=True, ondelete="CASCADE")
    day: date
    session_id: int | None = Field(default=None, foreign_key="agenda_session.id", index=True, ondelete="CASCADE")
    at: datetime = _ts(nullable=False)
    by_user_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")


# --- issue 17: reports for funders (unique persons) and participants' feedback ---


class MatchDecision(SQLModel, table=True):
    """A staff member's answer on an uncertain match (report): are the people of these two
    registrations one person (`same`) or two? Kept, so the next report asks no more."""

    __tablename__ = "match_decision"
    __table_args__ = (sa.UniqueConstraint("registration_a_id", "registration_b_id", name="pair"),)

    id: int | None = Field(default=None, primary_key=True)
    registration_a_id: int = Field(foreign_key="registration.id", index=True, ondelete="CASCADE")  # the smaller id
    registration_b_id: int = Field(foreign_key="registration.id", index=True, ondelete="CASCADE")
    same: bool
    decided_by_id: int | None = Field(default=None, foreign_key="staff_user.id", ondelete="SET NULL")
    decided_at: datetime = _created()


class SurveyQuestionKind(enum.StrEnum):
    rating = "rating"  # 1–5
    single = "single"  # one of the options
    multiple = "multiple"  # any of the options
    text = "text"


class SurveyPhase(enum.StrEnum):
    post = "post"  # after the event (feedback)
    pre = "pre"  # before: the same questions, paired per participant with the post survey


class Survey(Translatable, Timestamped, table=True):
    """An event's feedback questionnaire. Anonymous: answers keep no registration, only the
    hash of the participant's link (one answer per link)."""

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    phase: str = _enum(SurveyPhase, default=SurveyPhase.post)
    title: str = Field(max_length=300)
    intro: str | None = Field(default=None, sa_type=sa.Text)
    anonymous: bool = False
    is_open: bool = True


class SurveyQuestion(Translatable, table=True):
    """translations: {"en": {"text": "...", "options": ["...", ...]}, "ky": {...}}."""

    __tablename__ = "survey_question"

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    position: int = 0
    kind: str = _enum(SurveyQuestionKind)
    text: str = Field(max_length=500)
    options: list[str] = _json(list)
    required: bool = False


class SurveyResponse(SQLModel, table=True):
    __tablename__ = "survey_response"
    __table_args__ = (sa.UniqueConstraint("survey_id", "link_hash", name="once"),)

    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = Field(foreign_key="survey.id", index=True, ondelete="CASCADE")
    # None when the survey is anonymous (or the registration was deleted)
    registration_id: int | None = Field(default=None, foreign_key="registration.id", index=True, ondelete="SET NULL")
    link_hash: str = Field(max_length=64)  # one answer per participant's link
    created_at: datetime = _created()


class SurveyAnswer(SQLModel, table=True):
    __tablename__ = "survey_answer"

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="survey_response.id", index=True, ondelete="CASCADE")
    question_id: int = Field(foreign_key="survey_question.id", index=True, ondelete="CASCADE")
    rating: int | None = None
    choices: list[int] = _json(list)  # indexes into the question's options
    text: str | None = Field(default=None, sa_type=sa.Text)


# --- issue 19: calendar addresses that last ---


class EventFormerSlug(SQLModel, table=True):
    """A slug an event had before: its page, feeds and exports there answer 301 to the current
    ones (calendar clients follow), however many times it was renamed since."""

    __tablename__ = "event_former_slug"

    slug: str = Field(primary_key=True, max_length=160)
    event_id: int = Field(foreign_key="event.id", index=True, ondelete="CASCADE")
    retired_at: datetime = _created()


class StarList(SQLModel, table=True):
    """Sessions a reader starred, without an account: addressed by a secret token (its hash here),
    kept in the reader's browser; /calendar/starred/{token}.ics is the feed of just those."""

    __tablename__ = "star_list"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class StarredSession(SQLModel, table=True):
    __tablename__ = "starred_session"

    list_id: int = Field(foreign_key="star_list.id", primary_key=True, ondelete="CASCADE")
    session_id: int = Field(foreign_key="agenda_session.id", primary_key=True, ondelete="CASCADE", index=True)
