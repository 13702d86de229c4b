"""Request bodies of agenda sessions and their panels."""

from datetime import datetime
from typing import Annotated

from annotated_types import Len

from eventhub.models import SessionKind
from eventhub.validation import Line, Maybe, Slug, WriteModel, field, partial

WHEN_HINT = "в часовом поясе мероприятия, если пояс не указан; в пределах дней мероприятия"
People = Annotated[list[Slug], Len(0, 30)]


class SessionCreate(WriteModel):
    """A session of the agenda. A panel discussion is a session of kind `panel` (or one with guiding
    questions or an expected result); its moderators and panellists are people by slug."""

    kind: SessionKind = field(SessionKind.other, title="Вид")
    title: Line(400) = field(title="Название")
    description: Maybe(Line(20_000)) = field(None, title="Описание", widget="textarea", hint="Markdown")
    start_at: Maybe(datetime) = field(None, title="Начало", hint=WHEN_HINT, group="Время и место")
    end_at: Maybe(datetime) = field(None, title="Окончание", hint=WHEN_HINT, group="Время и место")
    room: Maybe(Line(120)) = field(None, title="Зал", hint="для параллельных сессий", group="Время и место")
    track: Maybe(Line(120)) = field(None, title="Трек", group="Время и место")
    speakers: People = field([], title="Выступающие", ref="people", group="Люди")
    moderators: People = field([], title="Модераторы", ref="people", group="Люди")
    panellists: People = field([], title="Панелисты", ref="people", group="Люди")
    guiding_questions: Annotated[list[Line(1000)], Len(0, 30)] = field(
        [], title="Вопросы для обсуждения", widget="lines", hint="по одному в строке", group="Панель"
    )
    expected_result: Maybe(Line(5000)) = field(None, title="Ожидаемый результат", widget="textarea", group="Панель")


SessionUpdate = partial(SessionCreate, "SessionUpdate")


class SessionOrder(WriteModel):
    ids: Annotated[list[int], Len(0, 500)] = field(
        title="Сессии в новом порядке", hint="id каждой сессии ровно один раз"
    )
