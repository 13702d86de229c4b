"""Russian names of the enum values shown to readers (one place for pages, API and feeds)."""

from eventhub.models import (
    EventKind,
    EventRole,
    EventStatus,
    OrganisationKind,
    PressReleaseType,
    ProjectRole,
    Region,
    RegistrationMode,
    SessionKind,
    SpeakerRole,
)

REGION = {
    Region.bishkek: "г. Бишкек",
    Region.osh_city: "г. Ош",
    Region.chuy: "Чуйская область",
    Region.talas: "Таласская область",
    Region.issyk_kul: "Иссык-Кульская область",
    Region.naryn: "Нарынская область",
    Region.jalal_abad: "Джалал-Абадская область",
    Region.osh: "Ошская область",
    Region.batken: "Баткенская область",
    Region.national: "вся страна",
}

EVENT_KIND = {
    EventKind.round_table: "Круглый стол",
    EventKind.focus_group: "Фокус-группа",
    EventKind.forum: "Форум",
    EventKind.dialogue: "Диалог",
    EventKind.seminar: "Семинар",
    EventKind.conference: "Конференция",
    EventKind.press_conference: "Пресс-конференция",
    EventKind.village_assembly: "Сельский сход",
    EventKind.community_meeting: "Собрание",
    EventKind.focus_group_discussion: "Фокус-групповая дискуссия",
    EventKind.mini_meeting: "Мини-собрание по целевой группе",
    EventKind.meeting: "Встреча",
    EventKind.training: "Тренинг",
    EventKind.other: "Мероприятие",
}

EVENT_STATUS = {
    EventStatus.draft: "Черновик",
    EventStatus.published: "Опубликовано",
    EventStatus.postponed: "Перенесено",
    EventStatus.cancelled: "Отменено",
}

EVENT_ROLE = {
    EventRole.organiser: "Организатор",
    EventRole.co_organiser: "Соорганизатор",
    EventRole.funder: "Финансирование",
    EventRole.implementing_partner: "Партнёр-исполнитель",
    EventRole.partner: "Партнёр",
    EventRole.participant: "Участник",
    EventRole.invited: "Приглашены",
    EventRole.presenter: "Представили опыт",
}

EVENT_ROLE_PLURAL = {
    EventRole.organiser: "Организаторы",
    EventRole.co_organiser: "Соорганизаторы",
    EventRole.funder: "При финансовой поддержке",
    EventRole.implementing_partner: "Партнёры-исполнители",
    EventRole.partner: "Партнёры",
    EventRole.participant: "Участвующие организации",
    EventRole.invited: "Приглашённые организации",
    EventRole.presenter: "Представили опыт",
}

PROJECT_ROLE = {
    ProjectRole.funder: "Финансирование",
    ProjectRole.implementer: "Реализация",
    ProjectRole.partner: "Партнёр",
}

ORGANISATION_KIND = {
    OrganisationKind.ministry: "Министерство",
    OrganisationKind.state_agency: "Государственное агентство",
    OrganisationKind.government_office: "Аппарат Правительства / Кабинета Министров",
    OrganisationKind.parliament: "Парламент",
    OrganisationKind.local_government: "Орган местного самоуправления",
    OrganisationKind.donor: "Донор / партнёр по развитию",
    OrganisationKind.international_org: "Международная организация",
    OrganisationKind.cso: "Организация гражданского общества",
    OrganisationKind.business: "Бизнес",
    OrganisationKind.media: "СМИ",
    OrganisationKind.academia: "Научное и экспертное сообщество",
    OrganisationKind.consortium: "Консорциум",
    OrganisationKind.other: "Другое",
}

SESSION_KIND = {
    SessionKind.opening: "Открытие",
    SessionKind.presentation: "Презентация",
    SessionKind.panel: "Панельная дискуссия",
    SessionKind.discussion: "Обсуждение",
    SessionKind.working_group: "Рабочая группа",
    SessionKind.break_: "Перерыв",
    SessionKind.closing: "Закрытие",
    SessionKind.other: "",
}

SPEAKER_ROLE = {
    SpeakerRole.speaker: "Выступающий",
    SpeakerRole.moderator: "Модератор",
    SpeakerRole.panellist: "Панелист",
}

PRESS_TYPE = {
    PressReleaseType.announcement: "Анонс",
    PressReleaseType.press_release: "Пресс-релиз",
    PressReleaseType.report: "Новость / отчёт о мероприятии",
}

REGISTRATION_MODE = {
    RegistrationMode.open: "Открытая регистрация",
    RegistrationMode.approval: "Регистрация с подтверждением организатором",
    RegistrationMode.invitation: "Только по приглашениям",
    RegistrationMode.closed: "Регистрация закрыта",
}

LANGUAGE = {"ru": "русский", "ky": "кыргызский", "en": "английский"}
