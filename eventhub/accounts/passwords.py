"""What a staff password must be: long enough and not one everybody tries first.

The list is the 20,000 most common passwords compiled by Royce Williams (shipped, gzip'd,
as Django ships it: BSD licence). At 12 characters few of them still fit; so a password is
also refused when what is left after stripping trailing digits and symbols is common
("password2024!"), when it is nearly all digits, when it repeats a few characters
("abcabcabcabc"), or when it is the
e-mail address or its local part."""

import functools
import gzip
from pathlib import Path

from eventhub.core.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 1024
LIST = Path(__file__).with_name("common-passwords.txt.gz")


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(LIST, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why `password` may not be used (in the reader's language), or None when it is fine."""
    if len(password) < MIN_LENGTH:
        return _("не менее %(min)d символов") % {"min": MIN_LENGTH}
    if len(password) > MAX_LENGTH:
        return _("не более %(max)d символов") % {"max": MAX_LENGTH}
    lowered = password.lower()
    stem = lowered.rstrip("0123456789!@#$%^&*()-_=+.,?~ ")
    local = (email or "").lower().split("@")[0]
    if (
        lowered in common_passwords()
        or stem in common_passwords()
        or len(set(lowered)) < 5
        or len(stem) < 4  # digits and symbols with a word of three letters at most
        or (email and lowered in (email.lower(), local))
    ):
        return _("этот пароль слишком распространён или легко угадывается; выберите другой")
    return None
