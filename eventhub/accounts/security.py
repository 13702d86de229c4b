"""Passwords (Argon2). Opaque tokens are eventhub.core.tokens."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane) rather than
# argon2-cffi's default of 64 MiB: every login allocates the memory cost, and 64 MiB per
# concurrent login would be most of a worker's budget. Older hashes are re-hashed at login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
