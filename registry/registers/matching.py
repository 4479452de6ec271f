"""Finding a provider's licence in a national register. Pure: no database.

First by number and issuing authority: the same number (without case, spaces or
punctuation) in the register of the licence's country, and an issuing authority that is the
register's (by name or alias). Failing that, by name: an entry under the provider's legal
or one of its trading names (compared as the registry's search compares names), flagged as
the weaker match it is. Else the licence is `not_found`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from registry.countries import normalise_name
from registry.registers.model import (
    MatchKind,
    Register,
    RegisterEntry,
    RegisterStatus,
    number_key,
)

# When one name has several entries, the most serious status is the one reported.
_SEVERITY = (
    RegisterStatus.BANNED,
    RegisterStatus.CANCELLED,
    RegisterStatus.DELISTED,
    RegisterStatus.SUSPENDED,
    RegisterStatus.EXPIRED,
    RegisterStatus.VALID,
)


@dataclass(frozen=True, slots=True)
class Match:
    status: RegisterStatus
    kind: MatchKind
    entry: RegisterEntry | None


class RegisterIndex:
    """A register indexed by licence number and by name, built once per import."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self._numbers = {number_key(e.number): e for e in register.entries if e.number}
        self._names: dict[str, list[RegisterEntry]] = {}
        for entry in register.entries:
            self._names.setdefault(normalise_name(entry.name), []).append(entry)

    def match(self, number: str, issuing_authority: str, names: Iterable[str]) -> Match:
        found = self._numbers.get(number_key(number))
        if found is not None and self.register.issued_by(issuing_authority):
            return Match(found.status, MatchKind.NUMBER, found)
        candidates = [e for n in names for e in self._names.get(normalise_name(n), [])]
        if candidates:
            worst = min(candidates, key=lambda e: _SEVERITY.index(e.status))
            return Match(worst.status, MatchKind.NAME, worst)
        return Match(RegisterStatus.NOT_FOUND, MatchKind.NONE, None)
