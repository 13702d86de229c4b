"""The agenda's texts that have versions in other languages: sessions and their panels."""

from typing import TYPE_CHECKING, Any

from eventhub.core.i18n import N_, _
from eventhub.core.models import Event
from eventhub.core.validation import WriteModel
from eventhub.core.versions import Block, Fields, Text, version_model

SESSION_FIELDS: Fields = {
    "title": Text(N_("Название"), 400, "line"),
    "description": Text(N_("Описание"), 20_000),
}
PANEL_FIELDS: Fields = {
    "guiding_questions": Text(N_("Вопросы для обсуждения"), 1000, "lines"),
    "expected_result": Text(N_("Ожидаемый результат"), 5000),
}
# A session's body carries its panel's fields too, and so does its `translations`.
# Models made at run time: mypy sees their base class, pydantic and FastAPI the models themselves.
if TYPE_CHECKING:
    SessionVersion = WriteModel
else:
    SessionVersion = version_model("SessionVersion", SESSION_FIELDS | PANEL_FIELDS)


def agenda_blocks(event: Event) -> list[Block]:
    """One block per session and one per panel, in the agenda's order (keys s<id>, p<id>)."""
    blocks = []
    for s in event.sessions:
        blocks.append(Block(s, SESSION_FIELDS, key=f"s{s.id}", heading=s.title))
        if s.panel is not None:
            blocks.append(
                Block(s.panel, PANEL_FIELDS, key=f"p{s.id}", heading=_("Панель: %(title)s") % {"title": s.title})
            )
    return blocks


def split_versions(versions: dict[str, dict[str, Any]]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """A session body's versions as (the session's, its panel's)."""

    def part(fields: Fields) -> dict[str, dict[str, Any]]:
        out = {lang: {f: v for f, v in values.items() if f in fields} for lang, values in versions.items()}
        return {lang: values for lang, values in out.items() if values}

    return part(SESSION_FIELDS), part(PANEL_FIELDS)
