"""Request bodies of agenda sessions and their panels."""

from datetime import datetime
from typing import Annotated

from annotated_types import Len

from eventhub.agenda.translations import SessionVersion
from eventhub.core.i18n import N_
from eventhub.core.models import SessionKind
from eventhub.core.validation import Line, Maybe, Multiline, Slug, WriteModel, field, partial
from eventhub.core.versions import translations_field

WHEN_HINT = N_("в часовом поясе мероприятия, если пояс не указан; в пределах дней мероприятия")
People = Annotated[list[Slug], Len(0, 30)]


class SessionCreate(WriteModel):
    """A session of the agenda. A panel discussion is a session of kind `panel` (or one with guiding
    questions or an expected result); its moderators and panellists are people by slug."""

    kind: SessionKind = field(SessionKind.other, title=N_("Вид"))
    title: Line(400) = field(title=N_("Название"))
    description: Maybe(Multiline(20_000)) = field(None, title=N_("Описание"), widget="textarea", hint="Markdown")
    start_at: Maybe(datetime) = field(None, title=N_("Начало"), hint=WHEN_HINT, group=N_("Время и место"))
    end_at: Maybe(datetime) = field(None, title=N_("Окончание"), hint=WHEN_HINT, group=N_("Время и место"))
    room: Maybe(Line(120)) = field(None, title=N_("Зал"), hint=N_("для параллельных сессий"), group=N_("Время и место"))
    track: Maybe(Line(120)) = field(None, title=N_("Трек"), group=N_("Время и место"))
    speakers: People = field([], title=N_("Выступающие"), ref="people", group=N_("Люди"))
    moderators: People = field([], title=N_("Модераторы"), ref="people", group=N_("Люди"))
    panellists: People = field([], title=N_("Панелисты"), ref="people", group=N_("Люди"))
    guiding_questions: Annotated[list[Line(1000)], Len(0, 30)] = field(
        [], title=N_("Вопросы для обсуждения"), widget="lines", hint=N_("по одному в строке"), group=N_("Панель")
    )
    expected_result: Maybe(Multiline(5000)) = field(
        None, title=N_("Ожидаемый результат"), widget="textarea", group=N_("Панель")
    )
    translations: dict[str, SessionVersion] | None = translations_field()


SessionUpdate = partial(SessionCreate, "SessionUpdate")


class SessionOrder(WriteModel):
    ids: Annotated[list[int], Len(0, 500)] = field(
        title=N_("Сессии в новом порядке"), hint=N_("id каждой сессии ровно один раз")
    )
