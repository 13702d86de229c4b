"""Russian names of the registration enums (pages, e-mails, exports)."""

from eventhub.models import Gender, RegistrationCategory, RegistrationStatus

CATEGORY = {
    RegistrationCategory.participant: "Участник",
    RegistrationCategory.speaker: "Спикер",
    RegistrationCategory.press: "Пресса",
    RegistrationCategory.observer: "Наблюдатель",
}

GENDER = {
    Gender.female: "Женский",
    Gender.male: "Мужской",
    Gender.undisclosed: "Предпочитаю не указывать",
}

STATUS = {
    RegistrationStatus.pending: "Ожидает подтверждения",
    RegistrationStatus.confirmed: "Подтверждена",
    RegistrationStatus.waitlisted: "В листе ожидания",
    RegistrationStatus.declined: "Отклонена",
    RegistrationStatus.cancelled: "Отменена",
    RegistrationStatus.attended: "Пришёл(ла)",
}

NOT_GIVEN = "Не указано"
