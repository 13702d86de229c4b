"""The registration form's fields and rules, one validator for the page, the API and imports.

Every message is Russian and names the field, so pages can show it next to the field and
the API returns it in `error.fields`."""

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field

from eventhub.core.errors import Invalid
from eventhub.core.i18n import N_, _, current_language
from eventhub.core.models import Gender, Language, Region, RegistrationCategory
from eventhub.core.text import InvalidPhone, normalise_phone

CONSENT_TEXT = N_(
    "Я даю согласие организаторам мероприятия на обработку моих персональных данных "
    "(фамилия и имя, адрес электронной почты, телефон, организация, должность, регион, пол, "
    "особые потребности) в соответствии с законодательством Кыргызской Республики о персональных "
    "данных: для регистрации на мероприятие, связи со мной по вопросам мероприятия и подготовки "
    "обезличенной статистики для отчётов партнёрам. Мои данные видят только организаторы этого "
    "мероприятия; они не публикуются. Согласие действует до окончания мероприятия и один год после "
    "него; я могу отозвать его, отменив регистрацию по личной ссылке."
)

LIMITS = {
    "full_name": 200,
    "email": 254,
    "phone": 40,
    "organisation": 300,
    "organisation_other": 300,
    "position": 300,
    "outlet": 200,
    "accessibility_needs": 1000,
    "invitation": 100,
}
# Something that looks like an HTML tag: `<b`, `</`, `<!--`, `<?`.
_TAG = re.compile(r"<\s*[/!?]?\s*[a-zA-Z!?/]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TRUE = {"on", "true", "1", "yes", "да"}  # i18n: ignore (a form value)


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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegistrationCreate(BaseModel):
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

    full_name: str = Field(max_length=LIMITS["full_name"], description=N_("имя и фамилия (обязательно)"))
    email: str = Field(max_length=LIMITS["email"], description=N_("адрес электронной почты (обязательно)"))
    phone: str | None = Field(None, description=N_("телефон; местные номера понимаются как кыргызские"))
    organisation: str | None = Field(None, description=N_("организация из справочника: slug или название"))
    organisation_other: str | None = Field(None, description=N_("организация, которой нет в справочнике"))
    position: str | None = None
    category: RegistrationCategory = RegistrationCategory.participant
    outlet: str | None = Field(None, description=N_("СМИ (для категории press)"))
    region: Region | None = None
    gender: Gender | None = Field(None, description=N_("необязательно: female, male, undisclosed"))
    accessibility_needs: str | None = None
    language: Language | None = Field(None, description=N_("язык писем; по умолчанию — язык запроса"))
    consent: bool = Field(description=N_("согласие на обработку персональных данных; текст — в `consent_text` формы"))
    invitation: str | None = Field(None, description=N_("токен приглашения (для мероприятий по приглашениям)"))


def _text(
    data: Mapping[str, Any], name: str, fields: dict[str, str], *, required: bool = False, multiline: bool = False
) -> str | None:
    raw = data.get(name)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        fields[name] = _("должно быть строкой")
        return None
    value = raw.strip()
    if not value:
        if required:
            fields[name] = _("обязательное поле")
        return None
    limit = LIMITS[name]
    if len(value) > limit:
        fields[name] = _("не длиннее %(limit)s символов (сейчас %(len)s)") % {"limit": limit, "len": len(value)}
    elif _TAG.search(value):
        fields[name] = _("HTML-теги и скрипты не допускаются")
    elif _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        fields[name] = _("недопустимые управляющие символы")
    return value


def _choice(data: Mapping[str, Any], name: str, choices: type, fields: dict[str, str], default: Any = None) -> Any:
    raw = data.get(name)
    if raw in (None, ""):
        return default
    if not isinstance(raw, str) or raw not in choices.__members__.values():
        fields[name] = _("выберите значение из списка")
        return default
    return raw


def normalise_email(raw: str) -> tuple[str, str]:
    """(address as typed, with the domain normalised; fully lower-cased key for duplicates)."""
    result = validate_email(raw, check_deliverability=False)
    return result.normalized, result.normalized.lower()


def is_checked(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in _TRUE)


def parse_registration(data: Mapping[str, Any], *, require_consent: bool = True) -> RegistrationData:
    """Validate the form (page, API or import row); raise Invalid with a message per field."""
    fields: dict[str, str] = {}
    full_name = _text(data, "full_name", fields, required=True)
    if full_name and "full_name" not in fields and len(full_name) < 2:
        fields["full_name"] = _("слишком короткое имя")

    email = email_key = None
    raw_email = _text(data, "email", fields, required=True)
    if raw_email and "email" not in fields:
        try:
            email, email_key = normalise_email(raw_email)
        except EmailNotValidError:
            fields["email"] = _("неверный адрес электронной почты, пример: name@example.org")

    phone = None
    raw_phone = _text(data, "phone", fields)
    if raw_phone and "phone" not in fields:
        try:
            phone = normalise_phone(raw_phone)
        except InvalidPhone:
            fields["phone"] = _("неверный номер телефона, пример: 0702 174 107 или +996 702 174 107")

    organisation = _text(data, "organisation", fields)
    organisation_other = _text(data, "organisation_other", fields)
    position = _text(data, "position", fields)
    outlet = _text(data, "outlet", fields)
    accessibility = _text(data, "accessibility_needs", fields, multiline=True)
    invitation = _text(data, "invitation", fields)
    category = _choice(data, "category", RegistrationCategory, fields, RegistrationCategory.participant)
    region = _choice(data, "region", Region, fields)
    gender = _choice(data, "gender", Gender, fields)
    if gender == Gender.undisclosed:  # the same answer as none: one bucket in the statistics
        gender = None
    # Letters come in the language chosen on the form, else the language the form was read in.
    language = _choice(data, "language", Language, fields, Language(current_language()))

    if require_consent and not is_checked(data.get("consent")):
        fields["consent"] = _("без согласия на обработку персональных данных зарегистрироваться нельзя")
    # The honeypot: a field people never see; bots fill every field.
    honeypot = bool(str(data.get("website") or "").strip())

    if fields:
        raise Invalid(_("Проверьте поля формы"), fields=fields)
    return RegistrationData(
        full_name=full_name,
        email=email,
        email_normalised=email_key,
        phone=phone,
        organisation=organisation,
        organisation_other=organisation_other,
        position=position,
        category=category,
        outlet=outlet,
        region=region,
        gender=gender,
        accessibility_needs=accessibility,
        language=language,
        invitation=invitation,
        honeypot=honeypot,
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
