"""Short human certificate codes, e.g. `RM-7K3Q-9XPD`, that employers can read out and type.

Eight symbols of Crockford's base32 alphabet (digits and letters without I, L, O and U) give
40 random bits from `secrets`. Reading is forgiving the way Crockford intended: any case,
dashes and spaces optional, O read as 0 and I or L as 1. The `RM` prefix is required, so a
code is never confused with another identifier of similar length.
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "RM"
SYMBOLS = 8
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = frozenset(ALPHABET)
_MAX_INPUT = 64  # anything longer is not a code; don't spend time on it


def _format(symbols: str) -> str:
    return f"{PREFIX}-{symbols[:4]}-{symbols[4:]}"


def new_code() -> str:
    """A fresh random code `RM-XXXX-XXXX` (uniqueness is the caller's database's job)."""
    return _format("".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS)))


def normalise_code(text: str) -> str | None:
    """The canonical `RM-XXXX-XXXX` form of what a person typed, or None if it is not a code."""
    if not isinstance(text, str) or len(text) > _MAX_INPUT:
        return None
    compact = "".join(text.split()).replace("-", "").upper()
    if not compact.startswith(PREFIX):
        return None
    symbols = compact[len(PREFIX) :].translate(_READ_AS)
    if len(symbols) != SYMBOLS or not _VALID.issuperset(symbols):
        return None
    return _format(symbols)


def looks_like_code(text: str) -> bool:
    return normalise_code(text) is not None
