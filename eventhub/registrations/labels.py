"""Names of the registration enums (pages, e-mails, exports), translated when looked up."""

from eventhub.core.i18n import N_
from eventhub.core.models import Gender, RegistrationCategory, RegistrationStatus
from eventhub.labels import _Labels

CATEGORY = _Labels(
    {
        RegistrationCategory.participant: N_("Участник"),
        RegistrationCategory.speaker: N_("Спикер"),
        RegistrationCategory.press: N_("Пресса"),
        RegistrationCategory.observer: N_("Наблюдатель"),
    }
)

GENDER = _Labels(
    {
        Gender.female: N_("Женский"),
        Gender.male: N_("Мужской"),
        Gender.undisclosed: N_("Предпочитаю не указывать"),
    }
)

STATUS = _Labels(
    {
        RegistrationStatus.pending: N_("Ожидает подтверждения"),
        RegistrationStatus.confirmed: N_("Подтверждена"),
        RegistrationStatus.waitlisted: N_("В листе ожидания"),
        RegistrationStatus.declined: N_("Отклонена"),
        RegistrationStatus.cancelled: N_("Отменена"),
        RegistrationStatus.attended: N_("Пришёл(ла)"),
    }
)

NOT_GIVEN = N_("Не указано")  # translate where shown: _(NOT_GIVEN)
