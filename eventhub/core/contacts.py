"""A press contact as shown on one event or release: the person, with the role they have there.

The role for an event or a release lives on the link (EventPressContact.role,
PressReleaseContact.role; issue 23); the contact's own `role` holds only what is always true of
the person. Pages, the API, the PDF and the vCard all show `role` of this view: the role there,
then what is always true, one after the other."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from eventhub.core.models import EventPressContact, PressContact, PressReleaseContact


@dataclass(frozen=True)
class LinkedContact:
    contact: PressContact
    link_role: str | None = None

    def __getattr__(self, name: str) -> Any:  # name, phones, organisation…: the contact's own
        return getattr(self.contact, name)

    @property
    def role(self) -> str | None:
        parts = [r.strip() for r in (self.link_role, self.contact.role) if r and r.strip()]
        return "; ".join(dict.fromkeys(parts)) or None


def linked_contacts(links: Iterable[EventPressContact | PressReleaseContact]) -> list[LinkedContact]:
    return [LinkedContact(link.contact, link.role) for link in links]
