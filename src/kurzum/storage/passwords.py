"""Password policy: long enough, not blank, not one of the most common passwords (issue 14).

The common passwords are the 30,000-entry list that ships with ``zxcvbn`` (MIT licence,
from leaked-password frequency data); comparison ignores case and surrounding spaces.
"""

from __future__ import annotations

from functools import cache

from kurzum.errors import WeakPasswordError
from kurzum.text import text_ok

MIN_PASSWORD = 10


@cache
def common_passwords() -> frozenset[str]:
    """The common-password list (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password(password: str) -> None:
    """WeakPasswordError unless ``password`` is at least MIN_PASSWORD characters, not only
    whitespace, valid Unicode and not on the common-password list."""
    if len(password) < MIN_PASSWORD:
        raise WeakPasswordError(f"password must have at least {MIN_PASSWORD} characters")
    if not password.strip():
        raise WeakPasswordError("password must not be only whitespace")
    if not text_ok(password):
        raise WeakPasswordError("password contains an unpaired UTF-16 surrogate")
    if password.strip().lower() in common_passwords():
        raise WeakPasswordError("password is one of the most common passwords; choose another")
