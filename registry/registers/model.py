"""What a national licence register says, as the registry reads it. Pure: no database.

Each country's authority publishes its own file (`registry.registers.formats` reads them);
whatever the format, it comes down to a `Register`: who published it and one `RegisterEntry`
per licence, with the authority's status mapped onto `RegisterStatus`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from registry.countries import normalise_name


class RegisterStatus(StrEnum):
    """A licence's status in a national register, in the registry's words.

    `not_found` is never in a file: it is what a provider's licence gets when the register of
    its country does not list it."""

    VALID = "valid"
    EXPIRED = "expired"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"
    DELISTED = "delisted"
    BANNED = "banned"
    NOT_FOUND = "not_found"


# Statuses that mean the provider may not operate under the licence: a critical finding under
# the licence indicator (LAW-1 of core-rights), which suspends its certificates.
ADVERSE: Final = frozenset(
    {
        RegisterStatus.SUSPENDED,
        RegisterStatus.CANCELLED,
        RegisterStatus.DELISTED,
        RegisterStatus.BANNED,
    }
)


class MatchKind(StrEnum):
    """How a provider's licence was found in a register. A match by name alone is weaker:
    it is recorded and shown, but never suspends a certificate by itself."""

    NUMBER = "number"  # same licence number, issued by the register's authority
    NAME = "name"  # no such number; an entry under the provider's legal or trading name
    NONE = "none"  # not found


@dataclass(frozen=True, slots=True)
class RegisterEntry:
    number: str
    name: str
    status: RegisterStatus
    line: int  # where it is in the file, for messages
    expires_on: str | None = None  # ISO date, when the register gives one


@dataclass(frozen=True, slots=True)
class Register:
    country: str  # ISO 3166-1 alpha-2
    authority: str  # the authority's name, as the registry writes it in the source
    # Other names the authority goes by (its acronym, its former name): a provider's licence
    # whose issuing authority is one of these was issued by it.
    aliases: tuple[str, ...]
    entries: tuple[RegisterEntry, ...]
    digest: str  # sha256:<hex> of the file's bytes

    def issued_by(self, issuing_authority: str) -> bool:
        wanted = normalise_name(issuing_authority)
        return any(normalise_name(name) == wanted for name in (self.authority, *self.aliases))


def file_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def number_key(number: str) -> str:
    """A licence number compared without case, spaces or punctuation: `DMW-123-LB` and
    `dmw 123 lb` are the same licence."""
    return "".join(ch for ch in number.upper() if ch.isalnum())


@dataclass(frozen=True, slots=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line is not None else self.message


class RegisterFormatError(Exception):
    """A register file that cannot be imported, with every problem found (and its line):
    nothing of such a file is imported."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{file}: {shown}{more}")
