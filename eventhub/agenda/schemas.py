"""Request bodies of agenda sessions and their panels."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

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
    title: Annotated[str, Line(400)] = field(title=N_("Название"))
    description: Maybe[Annotated[str, Multiline(20_000)]] = field(
        None, title=N_("Описание"), widget="textarea", hint="Markdown"
    )
    start_at: Maybe[datetime] = field(None, title=N_("Начало"), hint=WHEN_HINT, group=N_("Время и место"))
    end_at: Maybe[datetime] = field(None, title=N_("Окончание"), hint=WHEN_HINT, group=N_("Время и место"))
    room: Maybe[Annotated[str, Line(120)]] = field(
        None, title=N_("Зал"), hint=N_("для параллельных сессий"), group=N_("Время и место")
    )
    track: Maybe[Annotated[str, Line(120)]] = field(None, title=N_("Трек"), group=N_("Время и место"))
    speakers: People = field([], title=N_("Выступающие"), ref="people", group=N_("Люди"))
    moderators: People = field([], title=N_("Модераторы"), ref="people", group=N_("Люди"))
    panellists: People = field([], title=N_("Панелисты"), ref="people", group=N_("Люди"))
    guiding_questions: Annotated[list[Annotated[str, Line(1000)]], Len(0, 30)] = field(
        [], title=N_("Вопросы для обсуждения"), widget="lines", hint=N_("по одному в строке"), group=N_("Панель")
    )
    expected_result: Maybe[Annotated[str, Multiline(5000)]] = field(
        None, title=N_("Ожидаемый результат"), widget="textarea", group=N_("Панель")
    )
    translations: dict[str, SessionVersion] | None = translations_field()


# Models made at run time: mypy sees their base class, pydantic and FastAPI the models themselves.
if TYPE_CHECKING:
    SessionUpdate = WriteModel
else:
    SessionUpdate = partial(SessionCreate, "SessionUpdate")


class SessionOrder(WriteModel):
    ids: Annotated[list[int], Len(0, 500)] = field(
        title=N_("Сессии в новом порядке"), hint=N_("id каждой сессии ровно один раз")
    )
