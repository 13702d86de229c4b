"""Names of enum values shown to readers, translated when looked up (pages, feeds, e-mails).

Values are Russian source strings marked with N_() for extraction; `LABELS[key]` returns
them in the language of the current request."""

from enum import StrEnum
from typing import cast

from eventhub.core import search
from eventhub.core.i18n import N_, TranslationState, gettext
from eventhub.core.models import (
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
from eventhub.core.typography import join


class _Labels(dict[StrEnum, str]):
    """Keyed by enum members, which their plain values find as well (a StrEnum hashes as its value)."""

    def __getitem__(self, key: str) -> str:
        value = super().__getitem__(cast(StrEnum, key))
        return gettext(value) if value else value  # gettext("") would be the catalogue header

    def get(self, key: object, default: str | None = None) -> str | None:  # type: ignore[override]
        return self[key] if isinstance(key, str) and key in self else default


REGION = _Labels(
    {
        Region.bishkek: N_("г. Бишкек"),
        Region.osh_city: N_("г. Ош"),
        Region.chuy: N_("Чуйская область"),
        Region.talas: N_("Таласская область"),
        Region.issyk_kul: N_("Иссык-Кульская область"),
        Region.naryn: N_("Нарынская область"),
        Region.jalal_abad: N_("Джалал-Абадская область"),
        Region.osh: N_("Ошская область"),
        Region.batken: N_("Баткенская область"),
        Region.national: N_("вся страна"),
    }
)
search.REGION_LABELS.update(dict(REGION))  # search documents name regions in every language

EVENT_KIND = _Labels(
    {
        EventKind.round_table: N_("Круглый стол"),
        EventKind.focus_group: N_("Фокус-группа"),
        EventKind.forum: N_("Форум"),
        EventKind.dialogue: N_("Диалог"),
        EventKind.seminar: N_("Семинар"),
        EventKind.conference: N_("Конференция"),
        EventKind.press_conference: N_("Пресс-конференция"),
        EventKind.village_assembly: N_("Сельский сход"),
        EventKind.community_meeting: N_("Собрание"),
        EventKind.focus_group_discussion: N_("Фокус-групповая дискуссия"),
        EventKind.mini_meeting: N_("Мини-собрание по целевой группе"),
        EventKind.meeting: N_("Встреча"),
        EventKind.training: N_("Тренинг"),
        EventKind.other: N_("Мероприятие"),
    }
)

EVENT_STATUS = _Labels(
    {
        EventStatus.draft: N_("Черновик"),
        EventStatus.published: N_("Опубликовано"),
        EventStatus.postponed: N_("Перенесено"),
        EventStatus.cancelled: N_("Отменено"),
    }
)

EVENT_ROLE = _Labels(
    {
        EventRole.organiser: N_("Организатор"),
        EventRole.co_organiser: N_("Соорганизатор"),
        EventRole.funder: N_("Финансирование"),
        EventRole.implementing_partner: N_("Партнёр-исполнитель"),
        EventRole.partner: N_("Партнёр"),
        EventRole.participant: N_("Участник"),
        EventRole.invited: N_("Приглашены"),
        EventRole.presenter: N_("Представили опыт"),
    }
)

EVENT_ROLE_PLURAL = _Labels(
    {
        EventRole.organiser: N_("Организаторы"),
        EventRole.co_organiser: N_("Соорганизаторы"),
        EventRole.funder: N_("При финансовой поддержке"),
        EventRole.implementing_partner: N_("Партнёры-исполнители"),
        EventRole.partner: N_("Партнёры"),
        EventRole.participant: N_("Участвующие организации"),
        EventRole.invited: N_("Приглашённые организации"),
        EventRole.presenter: N_("Представили опыт"),
    }
)

PROJECT_ROLE = _Labels(
    {
        ProjectRole.funder: N_("Финансирование"),
        ProjectRole.implementer: N_("Реализация"),
        ProjectRole.partner: N_("Партнёр"),
    }
)

ORGANISATION_KIND = _Labels(
    {
        OrganisationKind.ministry: N_("Министерство"),
        OrganisationKind.state_agency: N_("Государственное агентство"),
        OrganisationKind.government_office: N_("Аппарат Правительства / Кабинета Министров"),
        OrganisationKind.parliament: N_("Парламент"),
        OrganisationKind.local_government: N_("Орган местного самоуправления"),
        OrganisationKind.donor: N_("Донор / партнёр по развитию"),
        OrganisationKind.international_org: N_("Международная организация"),
        OrganisationKind.cso: N_("Организация гражданского общества"),
        OrganisationKind.business: N_("Бизнес"),
        OrganisationKind.media: N_("СМИ"),
        OrganisationKind.academia: N_("Научное и экспертное сообщество"),
        OrganisationKind.consortium: N_("Консорциум"),
        OrganisationKind.other: N_("Другое"),
    }
)

SESSION_KIND = _Labels(
    {
        SessionKind.opening: N_("Открытие"),
        SessionKind.presentation: N_("Презентация"),
        SessionKind.panel: N_("Панельная дискуссия"),
        SessionKind.discussion: N_("Обсуждение"),
        SessionKind.working_group: N_("Рабочая группа"),
        SessionKind.break_: N_("Перерыв"),
        SessionKind.closing: N_("Закрытие"),
        SessionKind.other: "",
    }
)

SPEAKER_ROLE = _Labels(
    {
        SpeakerRole.speaker: N_("Выступающий"),
        SpeakerRole.moderator: N_("Модератор"),
        SpeakerRole.panellist: N_("Панелист"),
    }
)

PRESS_TYPE = _Labels(
    {
        PressReleaseType.announcement: N_("Анонс"),
        PressReleaseType.press_release: N_("Пресс-релиз"),
        PressReleaseType.report: N_("Новость / отчёт о мероприятии"),
    }
)

REGISTRATION_MODE = _Labels(
    {
        RegistrationMode.open: N_("Открытая регистрация"),
        RegistrationMode.approval: N_("Регистрация с подтверждением организатором"),
        RegistrationMode.invitation: N_("Только по приглашениям"),
        RegistrationMode.closed: N_("Регистрация закрыта"),
    }
)

LANGUAGE = _Labels({"ru": N_("русский"), "ky": N_("кыргызский"), "en": N_("английский")})

# --- issue 23: the note on a text shown partly or wholly in its original language ---

# The texts a "partly translated" note names (source strings, translated where shown).
TEXT_FIELD: dict[str, str] = {
    "title": N_("название"),
    "name": N_("название"),
    "summary": N_("краткое описание"),
    "description": N_("описание"),
    "goals": N_("цели"),
    "lead": N_("лид"),
    "body": N_("текст"),
}


def translation_note(state: TranslationState) -> str:
    """What a page, feed entry or calendar says about its language: nothing when everything shown
    is in the reader's language, what is missing when some of it is, the whole-page note otherwise."""
    if state.state == "complete":
        return ""
    language = LANGUAGE.get(state.original_language) or state.original_language
    if state.state == "none":
        note = gettext("Эта страница пока доступна только на языке оригинала")
        return f"{note} ({language})."
    fields = join(list(dict.fromkeys(gettext(TEXT_FIELD[f]) if f in TEXT_FIELD else f for f in state.missing)))
    return gettext("Переведено частично: %(fields)s — пока только на языке оригинала (%(language)s).") % {
        "fields": fields,
        "language": language,
    }
