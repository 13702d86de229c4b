"""The translatable texts of outcomes and the names of recommendation statuses."""

from eventhub.core.i18n import N_, gettext
from eventhub.core.models import RecommendationStatus
from eventhub.core.versions import Fields, Text

REPORT_FIELDS: Fields = {
    "summary": Text(N_("Итоги кратко (Markdown)"), 20_000, "markdown"),
    "minutes": Text(N_("Протокол (Markdown)"), 200_000, "markdown"),
}
OUTCOME_FIELDS: Fields = {"result": Text(N_("Фактический результат"), 10_000)}
RECOMMENDATION_FIELDS: Fields = {"text": Text(N_("Текст рекомендации"), 5_000)}
STEP_FIELDS: Fields = {"note": Text(N_("Примечание"), 5_000)}

STATUS_LABELS: dict[str, str] = {
    RecommendationStatus.proposed: N_("предложена"),
    RecommendationStatus.sent: N_("направлена"),
    RecommendationStatus.accepted: N_("принята"),
    RecommendationStatus.rejected: N_("отклонена"),
    RecommendationStatus.in_progress: N_("выполняется"),
    RecommendationStatus.implemented: N_("выполнена"),
}


def status_label(status: str) -> str:
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status
