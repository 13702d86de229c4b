"""Unguessable link tokens that the server can re-create, stored only as SHA-256.

A token is HMAC-SHA256(secret key, purpose, subject, generation): 256 bits nobody can guess
without the secret key. Only `hash_token(token)` is stored (a leaked database yields no
working link), yet the server can put the same private link into every later e-mail
(promotion, reminder, re-sent link) and show the personal calendar and invitation links
again. "Resetting" a link moves it to the next generation; the old one stops working."""

import base64
import hashlib
import hmac

from eventhub.accounts.security import hash_token, same

MAX_GENERATION = 1000


def derive_token(secret: str, purpose: str, subject: str, generation: int = 0) -> str:
    mac = hmac.new(secret.encode(), f"eventhub:{purpose}:{subject}:{generation}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def find_generation(secret: str, purpose: str, subject: str, stored_hash: str | None) -> int | None:
    """The generation whose token hashes to `stored_hash` (bounded search), or None."""
    if not stored_hash:
        return None
    for generation in range(MAX_GENERATION):
        if same(hash_token(derive_token(secret, purpose, subject, generation)), stored_hash):
            return generation
    return None


def registration_subject(event_id: int, email_normalised: str) -> str:
    # Known before the row is inserted, stable for a person's one registration per event.
    return f"{event_id}:{email_normalised}"
