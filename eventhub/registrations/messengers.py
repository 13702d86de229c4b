"""WhatsApp for staff: `wa.me` links with a message prefilled from the event, and an audience's
phones as a list to paste into a group. Staff pages only: phones never reach public pages."""

from urllib.parse import quote

from eventhub.core import i18n
from eventhub.core.i18n import _
from eventhub.core.models import Event, Registration
from eventhub.core.typography import quote as quoted
from eventhub.templating import event_date_range


def wa_digits(e164: str) -> str:
    """'+996 702 174 107' -> '996702174107': what wa.me takes (the number without '+')."""
    return "".join(c for c in e164 if c.isdigit())


def whatsapp_url(e164: str, text: str) -> str:
    return f"https://wa.me/{wa_digits(e164)}?text={quote(text, safe='')}"


def event_text(event: Event, event_url: str, name: str | None = None, lang: str | None = None) -> str:
    """The message to start a chat with: a greeting, the event's title and date, its public page."""
    token = i18n.set_language(lang or i18n.current_language())
    try:
        greeting = _("Здравствуйте, %(name)s!") % {"name": name} if name else _("Здравствуйте!")
        return f"{greeting}\n{quoted(i18n.content(event, 'title'))} — {event_date_range(event)}\n{event_url}"
    finally:
        i18n.reset_language(token)


def whatsapp_link(event: Event, reg: Registration, event_url: str) -> str:
    """A chat with one registrant, in their language ('' without a phone)."""
    if not reg.phone:
        return ""
    return whatsapp_url(reg.phone, event_text(event, event_url, reg.full_name, reg.language))


def phone_list(regs: list[Registration]) -> list[str]:
    """The E.164 phones of `regs`, each once, in order."""
    return list(dict.fromkeys(r.phone for r in regs if r.phone))
