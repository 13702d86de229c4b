"""Opaque tokens of every domain: random or derived, stored only as SHA-256, compared in constant time.

Random tokens (`new_token`: API tokens) are shown once. Derived tokens (`derive_token`:
private registration links, invitations, personal calendars, check-in codes) are
HMAC-SHA256(secret key, purpose, subject, generation): 256 bits nobody can guess without
the secret key, which the server can re-create to put the same link into every later
e-mail. Either kind is stored as `hash_token(token)`, so a leaked database yields no
working link. "Resetting" a derived link moves it to the next generation.

The secret is a key ring (Settings.get_secret_keys): new tokens are made with its first key;
a token already issued is found again with whichever key made it (`find_token`), so a
rotation breaks no link mailed before it, nor any mailed after it for a row issued before."""

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence

MAX_GENERATION = 1000


def new_token(prefix: str = "") -> str:
    """An unguessable token (256 bits) to show once; only its hash is stored."""
    return prefix + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    # Tokens carry 256 bits of entropy: a fast hash is enough, no salt or stretching needed.
    return hashlib.sha256(token.encode()).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def derive_token(secret: str, purpose: str, subject: str, generation: int = 0) -> str:
    mac = hmac.new(secret.encode(), f"eventhub:{purpose}:{subject}:{generation}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).rstrip(b"=").decode()


def find_token(
    secrets: str | Sequence[str], purpose: str, subject: str, stored_hash: str | None
) -> tuple[int, str] | None:
    """(generation, token) of the token that hashes to `stored_hash`, made with any key of
    the ring (the current one first) — a bounded search — or None."""
    if not stored_hash:
        return None
    ring = (secrets,) if isinstance(secrets, str) else tuple(secrets)
    for generation in range(MAX_GENERATION):
        for secret in ring:
            token = derive_token(secret, purpose, subject, generation)
            if same(hash_token(token), stored_hash):
                return generation, token
    return None


def find_generation(secrets: str | Sequence[str], purpose: str, subject: str, stored_hash: str | None) -> int | None:
    """The generation whose token hashes to `stored_hash` (bounded search), or None."""
    found = find_token(secrets, purpose, subject, stored_hash)
    return found[0] if found else None
