"""Names of the GESI dimensions' values (age group, disability), translated when looked up."""

from eventhub.core.i18n import N_
from eventhub.core.models import AgeGroup, Disability
from eventhub.labels import _Labels

AGE_GROUP = _Labels(
    {
        AgeGroup.under_18: N_("до 18 лет"),
        AgeGroup.age_18_29: N_("18–29 лет"),
        AgeGroup.age_30_44: N_("30–44 года"),
        AgeGroup.age_45_59: N_("45–59 лет"),
        AgeGroup.age_60_plus: N_("60 лет и старше"),
    }
)

DISABILITY = _Labels(
    {
        Disability.yes: N_("С инвалидностью"),
        Disability.no: N_("Без инвалидности"),
        Disability.prefer_not_to_say: N_("Предпочитаю не указывать"),
    }
)
