"""The registration form's fields and rules, one validator for the page, the API and imports.

Every message is Russian and names the field, so pages can show it next to the field and
the API returns it in `error.fields`."""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import date
from enum import Enum
from typing import Annotated, Any

from annotated_types import Interval
from email_validator import validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _, current_language
from eventhub.core.models import AgeGroup, Disability, Gender, Language, Region, RegistrationCategory
from eventhub.core.validation import Choice, Email, Line, Maybe, Multiline, Phone, Required, WriteModel, field_errors

CONSENT_TEXT = N_(
    "Я даю согласие организаторам мероприятия на обработку моих персональных данных "
    "(фамилия и имя, адрес электронной почты, телефон, организация, должность, регион, пол, "
    "особые потребности) в соответствии с законодательством Кыргызской Республики о персональных "
    "данных: для регистрации на мероприятие, связи со мной по вопросам мероприятия и подготовки "
    "обезличенной статистики для отчётов партнёрам. Мои данные видят только организаторы этого "
    "мероприятия; они не публикуются. Согласие действует до окончания мероприятия и один год после "
    "него; я могу отозвать его, отменив регистрацию по личной ссылке."
)

# Something that looks like an HTML tag: `<b`, `</`, `<!--`, `<?`.
_TAG = re.compile(r"<\s*[/!?]?\s*[a-zA-Z!?/]")
_TRUE = {"on", "true", "1", "yes", "да"}  # i18n: ignore (a form value)


def _no_tags(value: str) -> str:
    # Names and organisations reach organisers' lists, exports and e-mails: no markup at all.
    if _TAG.search(value):
        raise ValueError(_("HTML-теги и скрипты не допускаются"))
    return value


def _full_name(value: str) -> str:
    if len(value) < 2:
        raise ValueError(_("слишком короткое имя"))
    return value


def _participant_if_blank(value: Any) -> Any:
    # A list's empty cell (or none chosen) is the default category, as a form's first option.
    return (
        RegistrationCategory.participant if value is None or (isinstance(value, str) and not value.strip()) else value
    )


def _consented(value: bool) -> bool:
    if not value:
        raise ValueError(_("без согласия на обработку персональных данных зарегистрироваться нельзя"))
    return value


def _date(value: Any) -> Any:
    from eventhub.registrations.questions import parse_date  # the one reading of a typed date

    if value is None or isinstance(value, date):
        return value
    return parse_date(value)


def _yes_no(value: Any) -> Any:
    from eventhub.registrations.questions import _NO, _YES

    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(_("ответьте «да» или «нет»"))


NoTags = AfterValidator(_no_tags)  # a line a person types about themselves: `Annotated[str, Line(300), NoTags]`
PICK = N_("выберите значение из списка")


@dataclass
class RegistrationData:
    """A validated form: what the service needs, already normalised."""

    full_name: str
    email: str
    email_normalised: str
    phone: str | None = None  # E.164
    organisation: str | None = None  # directory pick: slug, short name, name or "short — name"
    organisation_other: str | None = None  # free text when not in the directory
    position: str | None = None
    category: str = RegistrationCategory.participant
    outlet: str | None = None
    region: str | None = None
    gender: str | None = None
    accessibility_needs: str | None = None
    language: str = Language.ru
    invitation: str | None = None
    honeypot: bool = False
    # The optional standard fields (kept only where the event asks them) and the answers to the
    # event's questions as sent, keyed by question id; both checked against the event later.
    age_group: str | None = None
    disability: str | None = None
    travel_region: str | None = None
    travel_district: str | None = None
    arrival_date: date | None = None
    departure_date: date | None = None
    accommodation: bool | None = None
    answers: dict[str, Any] | None = None
    extra: Any = None  # questions.Extra once checked against the event

    def standard(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in STANDARD_COLUMNS}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegistrationDetails(WriteModel):
    """What a participant says about themselves: the form, their private page, an import row."""

    full_name: Required[Annotated[str, Line(200), NoTags, AfterValidator(_full_name)]] = Field(
        description=N_("имя и фамилия (обязательно)")
    )
    phone: Maybe[Phone] = Field(None, description=N_("телефон; местные номера понимаются как кыргызские"))
    organisation: Maybe[Annotated[str, Line(300), NoTags]] = Field(
        None, description=N_("организация из справочника: slug или название")
    )
    organisation_other: Maybe[Annotated[str, Line(300), NoTags]] = Field(
        None, description=N_("организация, которой нет в справочнике")
    )
    position: Maybe[Annotated[str, Line(300), NoTags]] = None
    category: Annotated[
        RegistrationCategory, Choice(RegistrationCategory, PICK), BeforeValidator(_participant_if_blank)
    ] = RegistrationCategory.participant
    outlet: Maybe[Annotated[str, Line(200), NoTags]] = Field(None, description=N_("СМИ (для категории press)"))
    region: Maybe[Annotated[Region, Choice(Region, PICK)]] = None
    gender: Maybe[Annotated[Gender, Choice(Gender, PICK)]] = Field(
        None, description=N_("необязательно: female, male, undisclosed")
    )
    accessibility_needs: Maybe[Annotated[str, Multiline(1000), NoTags]] = None
    language: Maybe[Annotated[Language, Choice(Language, PICK)]] = Field(
        None, description=N_("язык писем; по умолчанию — язык запроса")
    )
    # Asked only where the event switches them on (its form settings); ignored elsewhere.
    age_group: Maybe[Annotated[AgeGroup, Choice(AgeGroup, PICK)]] = Field(
        None, description=N_("возрастная группа: under_18, 18_29, 30_44, 45_59, 60_plus")
    )
    disability: Maybe[Annotated[Disability, Choice(Disability, PICK)]] = Field(
        None, description=N_("инвалидность: yes, no, prefer_not_to_say")
    )
    travel_region: Maybe[Annotated[Region, Choice(Region, PICK)]] = Field(None, description=N_("откуда едет: область"))
    travel_district: Maybe[Annotated[str, Line(120), NoTags]] = Field(None, description=N_("откуда едет: район"))
    arrival_date: Maybe[Annotated[date, BeforeValidator(_date)]] = Field(None, description=N_("дата приезда"))
    departure_date: Maybe[Annotated[date, BeforeValidator(_date)]] = Field(None, description=N_("дата отъезда"))
    accommodation: Maybe[Annotated[bool, BeforeValidator(_yes_no)]] = Field(
        None, description=N_("нужно ли проживание (да/нет)")
    )


STANDARD_COLUMNS = (
    "age_group",
    "disability",
    "travel_region",
    "travel_district",
    "arrival_date",
    "departure_date",
    "accommodation",
)


class ImportRow(RegistrationDetails):
    """A row of an uploaded list: the organiser confirms consent for the whole list."""

    email: Required[Email] = Field(description=N_("адрес электронной почты (обязательно)"))


class RegistrationCreate(ImportRow):
    """The form, as JSON (`POST /api/v1/events/{slug}/registrations`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "full_name": "Айгуль Осмонова",  # i18n: ignore (an API example)
                "email": "aigul@example.org",
                "phone": "0702 174 107",  # i18n: ignore (an API example)
                "organisation": "ipr",
                "position": "эксперт",  # i18n: ignore (an API example)
                "category": "participant",
                "region": "naryn",  # i18n: ignore (an API example)
                "gender": "female",
                "consent": True,
            }
        }
    )

    consent: Annotated[bool, AfterValidator(_consented)] = Field(
        description=N_("согласие на обработку персональных данных; текст — в `consent_text` формы")
    )
    invitation: Maybe[Annotated[str, Line(100)]] = Field(
        None, description=N_("токен приглашения (для мероприятий по приглашениям)")
    )
    answers: dict[str, Any] | None = Field(
        None,
        description=N_(
            'ответы на вопросы мероприятия: {"<id вопроса>": значение}; список вариантов — для вопроса '
            "с несколькими вариантами, true/false — для да/нет, ключ варианта или его текст — для выбора"
        ),
    )


class PhoneRegistrationCreate(RegistrationCreate):
    """The form of an event that takes a phone instead of an e-mail: one of the two is needed."""

    email: Maybe[Email] = Field(None, description=N_("адрес электронной почты, или телефон вместо него"))  # type: ignore[assignment]  # optional here: a phone stands in


class PhoneImportRow(ImportRow):
    """An import row of such an event: a row with a phone needs no e-mail."""

    email: Maybe[Email] = None  # type: ignore[assignment]  # optional here: a phone stands in


PHONE_KEY = "tel:"  # email_normalised of a registration by phone: the phone is its identity


def phone_key(phone: str) -> str:
    return PHONE_KEY + phone


class InvitationIn(WriteModel):
    """An organisation invited with a number of seats (the organisers' invitations page)."""

    organisation: Required[Annotated[str, Line(300)]] = Field(
        description=N_("организация из справочника: slug или название")
    )
    seat_quota: Annotated[int, Interval(ge=0, le=10_000)] = Field(title=N_("Мест"))
    note: Maybe[Annotated[str, Multiline(1000)]] = None


def normalise_email(raw: str) -> tuple[str, str]:
    """(address as typed, with the domain normalised; fully lower-cased key for duplicates)."""
    result = validate_email(raw, check_deliverability=False)
    return result.normalized, result.normalized.lower()


def is_checked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def from_form(form: Mapping[str, Any], model: type[WriteModel] = RegistrationCreate) -> dict[str, Any]:
    """A posted form as the model's input: its fields only (not the CSRF token or the honeypot);
    the consent box is a yes or no."""
    data = {k: v for k, v in form.items() if k in model.model_fields}
    if "consent" in model.model_fields:
        data["consent"] = is_checked(form.get("consent"))
    return data


def _value(choice: Any) -> Any:
    return choice.value if isinstance(choice, Enum) else choice


def parse_registration(
    data: Mapping[str, Any],
    model: type[RegistrationDetails] = RegistrationCreate,
    *,
    email: str | None = None,
    honeypot: bool = False,
) -> RegistrationData:
    """Validate a registration (page, API, private page or import row) by `model`; raise Invalid
    with a message per field. `email` is the stored address when the model has none; `honeypot`:
    the form's hidden field was filled (people never see it; bots fill every field)."""
    try:
        valid = model.model_validate(dict(data))
    except ValidationError as exc:
        raise Invalid(_("Проверьте поля формы"), fields=field_errors([dict(e) for e in exc.errors()])) from None
    address: str = getattr(valid, "email", None) or email or ""
    gender = valid.gender
    if gender == Gender.undisclosed:  # the same answer as none: one bucket in the statistics
        gender = None
    return RegistrationData(
        full_name=valid.full_name,
        email=address,
        email_normalised=address.lower(),
        phone=valid.phone,
        organisation=valid.organisation,
        organisation_other=valid.organisation_other,
        position=valid.position,
        category=_value(valid.category) or RegistrationCategory.participant.value,
        outlet=valid.outlet,
        region=_value(valid.region),
        gender=_value(gender),
        accessibility_needs=valid.accessibility_needs,
        # Letters come in the language chosen on the form, else the language the form was read in.
        language=_value(valid.language) or current_language(),
        invitation=getattr(valid, "invitation", None),
        honeypot=honeypot,
        age_group=_value(valid.age_group),
        disability=_value(valid.disability),
        travel_region=_value(valid.travel_region),
        travel_district=valid.travel_district,
        arrival_date=valid.arrival_date,
        departure_date=valid.departure_date,
        accommodation=valid.accommodation,
        answers=getattr(valid, "answers", None),
    )


class RegistrationAccepted(BaseModel):
    """The same answer whether the address is new or already registered: nothing about anyone."""

    accepted: bool = True
    message: str


class RegistrationValid(BaseModel):
    valid: bool = True
    message: str = N_("Данные формы верны; ничего не сохранено (dry_run)")


class RegistrationStaff(BaseModel):
    """A registration as staff of the event see it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    full_name: str
    email: str
    phone: str | None
    organisation_id: int | None
    organisation_name: str | None
    position: str | None
    category: str
    outlet: str | None
    region: str | None
    gender: str | None
    accessibility_needs: str | None
    language: str
    status: str
    waitlist_position: int | None
    created_at: Any
    checked_in_at: Any
    age_group: str | None = None
    disability: str | None = None
    travel_region: str | None = None
    travel_district: str | None = None
    arrival_date: date | None = None
    departure_date: date | None = None
    accommodation: bool | None = None
    answers: dict[str, Any] = {}
