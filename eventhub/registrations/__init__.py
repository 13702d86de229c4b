"""Registration: the public form and API, private links, e-mail through an outbox,
organiser pages (list, check-in, statistics, import, exports)."""

# Subscribes to events' changes (core/hooks.py): whoever loads registrations gets the mail.
from eventhub.registrations import notify  # noqa: F401
