"""Registration: the public form and API, private links, e-mail through an outbox,
organiser pages (list, check-in, statistics, import, exports)."""
