"""The texts of events and press releases that have versions in other languages (see eventhub/versions.py)."""

from typing import TYPE_CHECKING

from eventhub.core.i18n import N_
from eventhub.core.validation import WriteModel
from eventhub.core.versions import Fields, Text, version_model

FIELDS: Fields = {
    "title": Text(N_("Название"), 400, "line"),
    "summary": Text(N_("Кратко"), 2000),
    "description": Text(N_("Описание"), 100_000),
    "goals": Text(N_("Цели (по одной в строке)"), 1000, "lines"),
}

RELEASE_FIELDS: Fields = {
    "title": Text(N_("Название"), 400, "line"),
    "lead": Text(N_("Лид"), 3000),
    "body": Text(N_("Текст (Markdown)"), 100_000, "markdown"),
}

# Models made at run time: mypy sees their base class, pydantic and FastAPI the models themselves.
if TYPE_CHECKING:
    EventVersion = WriteModel
else:
    EventVersion = version_model("EventVersion", FIELDS)
