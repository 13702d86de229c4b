"""API shapes of events."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from annotated_types import Interval, Len
from pydantic import BaseModel, Field

from eventhub.core.contacts import LinkedContact
from eventhub.core.i18n import N_, all_versions, content, current_language, translation_state
from eventhub.core.models import (
    AgendaSession,
    Event,
    EventKind,
    EventRole,
    Language,
    Person,
    PressContact,
    Region,
    RegistrationMode,
)
from eventhub.core.schemas import OrganisationRef, ProjectRef, SeriesRef
from eventhub.core.validation import (
    Email,
    Line,
    Maybe,
    Multiline,
    Phone,
    Slug,
    TimeZone,
    Url,
    WriteModel,
    field,
    partial,
)
from eventhub.core.versions import translations_field
from eventhub.events.translations import EventVersion


class Venue(BaseModel):
    name: str | None
    address: str | None
    city: str | None
    region: str | None
    latitude: float | None
    longitude: float | None


class EventOrganisationPublic(BaseModel):
    organisation: OrganisationRef
    role: str
    note: str | None


TRANSLATABLE = ("title", "summary", "description", "goals")


class EventPublic(BaseModel):
    slug: str
    url: str
    language: str = Field(description="language of the texts below (from ?lang= or Accept-Language)")
    original_language: str
    translated_fields: list[str] = Field(
        description="the translatable texts of this answer that exist in `language`", examples=[["title", "summary"]]
    )
    missing_translations: list[str] = Field(
        description="texts given in `original_language` because `language` has no version of them (empty: nothing is)",
        examples=[["description"]],
    )
    title: str
    kind: str
    status: str
    summary: str | None
    start_at: datetime = Field(description="UTC")
    end_at: datetime = Field(description="UTC; for all-day events the midnight after the last day")
    timezone: str = Field(examples=["Asia/Bishkek"])
    all_day: bool
    date_note: str | None = Field(description="what the organisers could not say precisely (time, year)")
    venue: Venue
    online_url: str | None
    languages: list[str]
    regions: list[str]
    project: ProjectRef | None
    series: SeriesRef | None
    series_edition: str | None
    organisations: list[EventOrganisationPublic]

    @classmethod
    def from_event(cls, event: Event, base_url: str) -> "EventPublic":
        return cls(**_common(event, base_url))


class SpeakerPublic(BaseModel):
    person: str = Field(description="the person's slug")
    name: str
    position: str | None
    organisation: str | None
    role: str


class PanelPublic(BaseModel):
    guiding_questions: list[str]
    expected_result: str | None


class SessionPublic(BaseModel):
    id: int
    position: int
    kind: str
    title: str
    description: str | None
    start_at: datetime | None
    end_at: datetime | None
    room: str | None
    track: str | None
    speakers: list[SpeakerPublic]
    panel: PanelPublic | None

    @classmethod
    def from_session(cls, s: AgendaSession) -> "SessionPublic":
        return cls(
            id=s.id,
            position=s.position,
            kind=s.kind,
            title=content(s, "title"),
            description=content(s, "description"),
            start_at=s.start_at,
            end_at=s.end_at,
            room=s.room,
            track=s.track,
            speakers=[
                SpeakerPublic(
                    person=sp.person.slug,
                    name=sp.person.name,
                    position=content(sp.person, "position"),
                    organisation=_org_name(sp.person),
                    role=sp.role,
                )
                for sp in s.speakers
            ],
            panel=PanelPublic(
                guiding_questions=content(s.panel, "guiding_questions"),
                expected_result=content(s.panel, "expected_result"),
            )
            if s.panel
            else None,
        )


class EventPressContactPublic(BaseModel):
    name: str
    organisation: str | None
    role: str | None
    phones: list[str] = Field(description="E.164")
    email: str | None


class Registration(BaseModel):
    mode: str
    capacity: int | None
    opens_at: datetime | None
    deadline_at: datetime | None


class EventDetail(EventPublic):
    translations: dict[str, dict[str, Any]] | None = Field(
        default=None, description="every language version of the texts, with ?include=translations"
    )
    goals: list[str]
    description: str | None
    participants_count: int | None
    participants_note: str | None
    registration: Registration
    agenda: list[SessionPublic]
    press_contacts: list[EventPressContactPublic]

    @classmethod
    def from_event(cls, event: Event, base_url: str, with_translations: bool = False) -> "EventDetail":
        return cls(
            **_common(event, base_url),
            translations=all_versions(event, TRANSLATABLE) if with_translations else None,
            goals=content(event, "goals"),
            description=content(event, "description"),
            participants_count=event.participants_count,
            participants_note=event.participants_note,
            registration=Registration(
                mode=event.registration_mode,
                capacity=event.capacity,
                opens_at=event.registration_opens_at,
                deadline_at=event.registration_deadline_at,
            ),
            agenda=[SessionPublic.from_session(s) for s in event.sessions],
            press_contacts=[
                EventPressContactPublic(
                    name=c.contact.name,
                    organisation=_org_name(c.contact),
                    role=LinkedContact(c.contact, c.role).role,
                    phones=c.contact.phones,
                    email=c.contact.email,
                )
                for c in event.press_contacts
            ],
        )


def _translation_fields(obj: Any, fields: tuple[str, ...], lang: str | None = None) -> dict[str, list[str]]:
    state = translation_state(obj, fields, lang)
    return {"translated_fields": list(state.translated), "missing_translations": list(state.missing)}


def _org_name(holder: Person | PressContact) -> str | None:
    if holder.organisation is not None:
        return holder.organisation.short_name or content(holder.organisation, "name")
    return holder.organisation_name


def _common(event: Event, base_url: str) -> dict[str, Any]:
    return dict(
        slug=event.slug,
        url=f"{base_url}/events/{event.slug}",
        language=current_language(),
        original_language=event.original_language,
        **_translation_fields(event, TRANSLATABLE),
        title=content(event, "title"),
        kind=event.kind,
        status=event.status,
        summary=content(event, "summary"),
        start_at=event.start_at,
        end_at=event.end_at,
        timezone=event.timezone,
        all_day=event.all_day,
        date_note=content(event, "date_note"),
        venue=Venue(
            name=event.venue_name,
            address=event.venue_address,
            city=event.city,
            region=event.venue_region,
            latitude=event.latitude,
            longitude=event.longitude,
        ),
        online_url=event.online_url,
        languages=event.languages,
        regions=sorted(r.region for r in event.regions),
        project=ProjectRef.of(event.project) if event.project else None,
        series=SeriesRef.of(event.series) if event.series else None,
        series_edition=event.series_edition,
        organisations=[
            EventOrganisationPublic(organisation=OrganisationRef.of(eo.organisation), role=eo.role, note=eo.note)
            for eo in event.organisations
        ],
    )


# --- writing (staff) ---

WHEN_HINT = N_("в часовом поясе мероприятия, если пояс не указан")


class EventOrganisationIn(WriteModel):
    organisation: Slug = field(title=N_("Организация"), ref="organisations")
    role: EventRole = field(EventRole.organiser, title=N_("Роль"))
    note: Maybe[Annotated[str, Line(500)]] = field(None, title=N_("Примечание"))


class EventCreate(WriteModel):
    """A new event; it starts as a draft. Times without an offset are in the event's `timezone`."""

    slug: Maybe[Slug] = field(
        None, title=N_("Адрес (slug)"), hint=N_("латиницей; пусто — из названия"), group=N_("Основное")
    )
    kind: EventKind = field(title=N_("Вид"), group=N_("Основное"))
    title: Annotated[str, Line(400)] = field(title=N_("Название"), group=N_("Основное"))
    summary: Maybe[Annotated[str, Multiline(2000)]] = field(
        None, title=N_("Кратко"), widget="textarea", group=N_("Основное")
    )
    goals: Annotated[list[Annotated[str, Line(1000)]], Len(0, 30)] = field(
        [], title=N_("Цели"), widget="lines", hint=N_("по одной в строке"), group=N_("Основное")
    )
    description: Maybe[Annotated[str, Multiline(100_000)]] = field(
        None, title=N_("Описание"), widget="textarea", hint="Markdown", group=N_("Основное")
    )
    start_at: datetime = field(title=N_("Начало"), hint=WHEN_HINT, group=N_("Время"))
    end_at: datetime = field(title=N_("Окончание"), hint=WHEN_HINT, group=N_("Время"))
    timezone: TimeZone = field("Asia/Bishkek", title=N_("Часовой пояс"), group=N_("Время"))
    all_day: bool = field(
        False, title=N_("Весь день (время неизвестно)"), hint=N_("хранятся только даты"), group=N_("Время")
    )
    date_note: Maybe[Annotated[str, Line(2000)]] = field(None, title=N_("Примечание к дате"), group=N_("Время"))
    venue_name: Maybe[Annotated[str, Line(300)]] = field(
        None, title=N_("Площадка"), hint=N_("например: конференц-зал ИПР"), group=N_("Место")
    )
    venue_address: Maybe[Annotated[str, Line(400)]] = field(None, title=N_("Адрес"), group=N_("Место"))
    city: Maybe[Annotated[str, Line(120)]] = field(None, title=N_("Город или село"), group=N_("Место"))
    venue_region: Maybe[Region] = field(None, title=N_("Область"), group=N_("Место"))
    latitude: Maybe[Annotated[float, Interval(ge=-90, le=90)]] = field(None, title=N_("Широта"), group=N_("Место"))
    longitude: Maybe[Annotated[float, Interval(ge=-180, le=180)]] = field(None, title=N_("Долгота"), group=N_("Место"))
    online_url: Maybe[Url] = field(None, title=N_("Ссылка на онлайн-трансляцию"), group=N_("Место"))
    languages: Annotated[list[Language], Len(1, 3)] = field([Language.ru], title=N_("Языки"), group=N_("Охват"))
    regions: Annotated[list[Region], Len(0, 10)] = field([], title=N_("Регионы"), group=N_("Охват"))
    project: Maybe[Slug] = field(None, title=N_("Проект"), ref="projects", group=N_("Охват"))
    series: Maybe[Slug] = field(None, title=N_("Серия"), ref="series", group=N_("Охват"))
    series_edition: Maybe[Annotated[str, Line(40)]] = field(
        None, title=N_("Выпуск серии"), hint=N_("пусто — год начала"), group=N_("Охват")
    )
    participants_count: Maybe[Annotated[int, Interval(ge=0, le=1_000_000)]] = field(
        None, title=N_("Число участников"), group=N_("Охват")
    )
    participants_note: Maybe[Annotated[str, Multiline(2000)]] = field(
        None, title=N_("Кто участвует"), widget="textarea", group=N_("Охват")
    )
    registration_mode: RegistrationMode = field(
        RegistrationMode.closed, title=N_("Регистрация"), group=N_("Регистрация")
    )
    capacity: Maybe[Annotated[int, Interval(ge=0, le=1_000_000)]] = field(
        None, title=N_("Мест"), group=N_("Регистрация")
    )
    registration_opens_at: Maybe[datetime] = field(None, title=N_("Регистрация открывается"), group=N_("Регистрация"))
    registration_deadline_at: Maybe[datetime] = field(None, title=N_("Регистрация до"), group=N_("Регистрация"))
    contact_name: Maybe[Annotated[str, Line(200)]] = field(
        None, title=N_("Контактное лицо"), hint=N_("отвечает участникам на письма"), group=N_("Контакт для участников")
    )
    contact_email: Maybe[Email] = field(
        None, title=N_("Электронная почта контакта"), hint=N_("адрес для ответов (Reply-To) во всех письмах участникам"),
        group=N_("Контакт для участников"),
    )  # fmt: skip
    contact_phone: Maybe[Phone] = field(None, title=N_("Телефон контакта"), group=N_("Контакт для участников"))
    press_contacts: Annotated[list[Slug], Len(0, 20)] = field(
        [], title=N_("Контакты для прессы"), ref="press-contacts", group=N_("Пресса")
    )
    press_contact_roles: Annotated[dict[Slug, Maybe[Annotated[str, Line(300)]]], Len(0, 20)] | None = field(
        None,
        title=N_("Роли контактов для прессы на этом мероприятии"),
        hint=N_("по адресу контакта; пусто — без роли; не передано — роли остаются прежними"),
    )
    organisations: Annotated[list[EventOrganisationIn], Len(0, 200)] | None = field(
        None, title=N_("Организации и их роли"), hint=N_("пусто при создании — ваша организация организатором")
    )
    translations: dict[str, EventVersion] | None = translations_field()


NOTIFY_HINT = N_("письмо каждому зарегистрированному; снимите для исправления опечатки")
NOTE_TITLE = N_("Сообщение для участников")


class NoticeIn(WriteModel):
    """How participants hear of a change of time, place or online link (not stored on the event)."""

    notify: bool = field(True, title=N_("Сообщить участникам"), hint=NOTIFY_HINT)
    note: Annotated[str, Line(2000)] | None = field(
        None, title=NOTE_TITLE, hint=N_("войдёт в письмо участникам"), widget="textarea"
    )


CHANGE_NOTICE_FIELDS = frozenset(NoticeIn.model_fields)


# A model made at run time: mypy sees its base class, pydantic and FastAPI the model itself.
if TYPE_CHECKING:

    class _EventFields(WriteModel):  # not WriteModel itself: EventUpdate's bases need an order with NoticeIn
        pass

else:
    _EventFields = partial(EventCreate, "EventFields")


class EventUpdate(_EventFields, NoticeIn):
    """Fields to change in EventCreate; omitted fields keep their values. A change of time,
    place or online link is written to every registered participant unless `notify` is
    false; `note` goes into that e-mail."""


class EventOrganisations(WriteModel):
    organisations: Annotated[list[EventOrganisationIn], Len(0, 200)] = field(title=N_("Организации и их роли"))


class Postpone(WriteModel):
    start_at: datetime = field(title=N_("Новое начало"), hint=WHEN_HINT)
    end_at: datetime = field(title=N_("Новое окончание"), hint=WHEN_HINT)
    note: Annotated[str, Multiline(2000)] | None = field(
        None, title=NOTE_TITLE, hint=N_("на странице мероприятия и в письме участникам"), widget="textarea"
    )
    notify: bool = field(True, title=N_("Сообщить участникам"), hint=NOTIFY_HINT)


class Cancel(WriteModel):
    reason: Annotated[str, Multiline(2000)] = field(
        title=N_("Причина отмены"), hint=N_("на странице мероприятия и в письме участникам"), widget="textarea"
    )
    notify: bool = field(True, title=N_("Сообщить участникам"), hint=NOTIFY_HINT)


class EventStaff(EventDetail):
    """An event as staff see it after a change."""

    id: int
    sequence: int = Field(description="iCalendar SEQUENCE: grows when time, place or status changes")
    status_note: str | None
    previous_start_at: datetime | None = Field(description="the start before the last postponement")
    previous_end_at: datetime | None
    contact_name: str | None
    contact_email: str | None
    contact_phone: str | None = Field(description="E.164")
    published_at: datetime | None
    cancelled_at: datetime | None
    updated_at: datetime
    notified: int = Field(0, description="e-mails queued to participants by this change")

    @classmethod
    def from_event(cls, event: Event, base_url: str, with_translations: bool = False) -> "EventStaff":
        detail = EventDetail.from_event(event, base_url, with_translations)
        return cls(
            **detail.model_dump(),
            id=event.id,
            sequence=event.sequence,
            status_note=event.status_note,
            previous_start_at=event.previous_start_at,
            previous_end_at=event.previous_end_at,
            contact_name=event.contact_name,
            contact_email=event.contact_email,
            contact_phone=event.contact_phone,
            published_at=event.published_at,
            cancelled_at=event.cancelled_at,
            updated_at=event.updated_at,
        )


class AuditEntry(BaseModel):
    at: datetime
    user: str | None = Field(description="e-mail of who made the change")
    action: str
    entity_type: str
    entity_id: int | None
    changes: dict[str, Any] = Field(description="field -> [before, after]")
