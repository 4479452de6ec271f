"""What a search box's text means, without a database: identifiers, countries, name words,
and what counts as a small typo. `registry.provider_search` turns these into queries.

- An **identifier** is compared in a compact form (`identifier_key`): ASCII letters upper
  case, and the separators people type differently (space - / . _ # : ,) left out, so
  `poea-123-lb` finds `POEA 123/LB`. The database triggers of migration 2026-12-03T12:00
  store licence and registration numbers in exactly this form; change both together.
- A registry id is `RMP-` and 8 Crockford base32 symbols, in any case, dash optional, O read
  as 0 and I or L as 1 (as certificate codes are read).
- A **country** is any name or code `registry.countries.country_names` knows, also a phrase
  of several words (`united arab emirates`).
- A **small typo** is one edit in a word of `TYPO_MIN` (5) or more letters: a letter added,
  dropped or changed, or two neighbouring letters swapped (optimal string alignment
  distance 1), after accents and case are set aside. Shorter words must be typed right:
  one edit in a four-letter word is a quarter of it, and finds too much that was not meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from registry import countries as cc

TYPO_MIN: Final = 5  # the shortest query word a typo is forgiven in
VOCABULARY_MIN: Final = 4  # the shortest name word kept for typo look-ups (5 - a dropped letter)
MAX_DELETE_POSITIONS: Final = 40  # deletion variants of longer words stop here (both sides)
_MAX_COUNTRY_WORDS: Final = 6  # "united kingdom of great britain and northern ireland" is 8;
# its short names are what people type

_SEPARATORS: Final = " -/._#:,"
_KEY_TABLE: Final = str.maketrans(
    "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ", _SEPARATORS
)
_CROCKFORD_READ: Final = str.maketrans({"O": "0", "I": "1", "L": "1"})
_PROVIDER_ID: Final = re.compile(r"RMP([0-9A-HJKMNP-TV-Z]{8})")


def identifier_key(text: str) -> str:
    """The compact form licence and registration numbers are stored and compared in."""
    return text.strip().translate(_KEY_TABLE)


def provider_id_in(text: str) -> str | None:
    """`RMP-XXXXXXXX` if `text` is a registry id as a person may type it, else None."""
    compact = "".join(text.split()).replace("-", "").upper()
    if not compact.startswith("RMP") or len(compact) != 11:
        return None
    found = _PROVIDER_ID.fullmatch("RMP" + compact[3:].translate(_CROCKFORD_READ))
    return f"{cc.PROVIDER_ID_PREFIX}{found.group(1)}" if found else None


@dataclass(frozen=True, slots=True)
class Term:
    """Part of a query every result must satisfy: all of `words` in its names, or (when the
    words name a country) that country as registration country or a corridor end."""

    words: tuple[str, ...]
    country: str | None = None


def terms(q: str) -> list[Term]:
    """The query's words (search form, see `registry.countries.normalise_name`), the longest
    run of words naming a country taken as one term."""
    words = cc.normalise_name(q).split()
    known = cc.country_names()
    found: list[Term] = []
    i = 0
    while i < len(words):
        for size in range(min(_MAX_COUNTRY_WORDS, len(words) - i), 0, -1):
            code = known.get(" ".join(words[i : i + size]))
            if code is not None:
                found.append(Term(tuple(words[i : i + size]), code))
                i += size
                break
        else:
            found.append(Term((words[i],)))
            i += 1
    return list(dict.fromkeys(found))


def deletion_variants(word: str) -> set[str]:
    """`word` and every string one letter shorter (of its first `MAX_DELETE_POSITIONS`
    letters): two words are one edit apart only if these sets meet (symmetric deletion)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(min(len(word), MAX_DELETE_POSITIONS))}


def one_edit_apart(a: str, b: str) -> bool:
    """At most one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = 0
    while start < len(a) and a[start] == b[start]:
        start += 1
    if len(a) < len(b):  # one letter added in b
        return a[start:] == b[start + 1 :]
    if a[start + 1 :] == b[start + 1 :]:  # one letter changed
        return True
    return (  # two neighbours swapped
        start + 1 < len(a)
        and a[start] == b[start + 1]
        and a[start + 1] == b[start]
        and a[start + 2 :] == b[start + 2 :]
    )


def country_by_typo(word: str) -> str | None:
    """The country whose one-word name `word` misspells by one edit, if exactly one does."""
    if len(word) < TYPO_MIN:
        return None
    codes = {
        code
        for name, code in cc.country_names().items()
        if " " not in name and len(name) >= TYPO_MIN and one_edit_apart(word, name)
    }
    return codes.pop() if len(codes) == 1 else None
