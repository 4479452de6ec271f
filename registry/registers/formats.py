"""The national licence registers the registry reads, one format per country, as each
authority publishes it. Pure: bytes in, a `Register` out, or a `RegisterFormatError` that
lists every problem with its line (and then nothing is imported).

| country | authority | file | docs |
|---|---|---|---|
| PH | Department of Migrant Workers (DMW) | CSV | docs/assurance.md |
| NP | Department of Foreign Employment (DoFE) | JSON: licences and the blacklist | |
| GB | Gangmasters and Labour Abuse Authority (GLAA) | CSV | |

The field mappings are in `PH`, `NP` and `GB` below; docs/assurance.md repeats them.
Made-up samples of each are shipped in `registry/registers/samples/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from registry.registers.model import (
    Problem,
    Register,
    RegisterEntry,
    RegisterFormatError,
    RegisterStatus,
    file_digest,
    number_key,
)
from standards.loader import parse_yaml

MAX_BYTES: Final = 20 * 1024 * 1024  # the largest national register is a few megabytes
SAMPLES: Final = Path(__file__).parent / "samples"
S = RegisterStatus


@dataclass(frozen=True)
class Authority:
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CsvFormat:
    """A register published as CSV with a header row. `columns`: our field -> the header
    the authority uses (matched without case or surrounding spaces); other columns are
    ignored. `statuses`: the authority's words (lower case) -> ours."""

    authority: Authority
    columns: Mapping[str, str]  # number, name, status; expires_on optional
    statuses: Mapping[str, RegisterStatus]
    sample: str


PH: Final = CsvFormat(
    authority=Authority(
        "Department of Migrant Workers",
        ("DMW", "POEA", "Philippine Overseas Employment Administration"),
    ),
    columns={
        "number": "License No",
        "name": "Agency Name",
        "status": "Status",
        "expires_on": "Validity",
    },
    statuses={
        "valid": S.VALID,
        "expired": S.EXPIRED,
        "suspended": S.SUSPENDED,
        "cancelled": S.CANCELLED,
        "canceled": S.CANCELLED,
        "delisted": S.DELISTED,
        "banned": S.BANNED,
    },
    sample="PH-dmw.csv",
)

GB: Final = CsvFormat(
    authority=Authority(
        "Gangmasters and Labour Abuse Authority",
        ("GLAA", "Gangmasters Licensing Authority", "GLA"),
    ),
    columns={
        "number": "Licence Number",
        "name": "Business Name",
        "status": "Licence Status",
        "expires_on": "Expiry Date",
    },
    statuses={
        "licensed": S.VALID,
        "licensed with additional conditions": S.VALID,
        "suspended": S.SUSPENDED,
        "revoked": S.CANCELLED,
        "revoked with immediate effect": S.CANCELLED,
        "refused": S.CANCELLED,
        "expired": S.EXPIRED,
        "surrendered": S.EXPIRED,  # given up, not taken away: warned like an expiry
    },
    sample="GB-glaa.csv",
)

# Nepal: one JSON document, {"licences": [...], "blacklist": [...]}. A licence: licence_no,
# company_name, status (below), valid_until (optional). A blacklist entry: company_name,
# licence_no (optional: DoFE lists some by name only), and anything else (ignored). A
# blacklisted licence is `banned` whatever its status in the list of licences.
NP_AUTHORITY: Final = Authority("Department of Foreign Employment", ("DoFE", "DOFE"))
NP_STATUSES: Final = {
    "active": S.VALID,
    "renewed": S.VALID,
    "expired": S.EXPIRED,
    "not renewed": S.EXPIRED,
    "suspended": S.SUSPENDED,
    "cancelled": S.CANCELLED,
    "revoked": S.CANCELLED,
}
NP_SAMPLE: Final = "NP-dofe.json"


def _date(text: str) -> str | None:
    """An ISO date from the forms registers print (2027-03-31, 03/31/2027, 31/03/2027 when
    unambiguous); None for one it cannot read."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    for pattern in ("%m/%d/%Y", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _text(data: bytes, file: str) -> str:
    if len(data) > MAX_BYTES:
        raise RegisterFormatError(file, [Problem(None, f"over {MAX_BYTES // 2**20} MB")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise RegisterFormatError(file, [Problem(line, "not UTF-8 text")]) from None


def _finish(
    file: str,
    country: str,
    authority: Authority,
    entries: list[RegisterEntry],
    problems: list[Problem],
    data: bytes,
) -> Register:
    seen: dict[str, int] = {}
    for entry in entries:
        key = number_key(entry.number)
        if key and key in seen:
            problems.append(
                Problem(entry.line, f"licence {entry.number} is listed twice (line {seen[key]})")
            )
        seen.setdefault(key, entry.line)
    if not entries and not problems:
        # An empty register would mark every licence "not found": surely a wrong file.
        problems.append(Problem(None, "no licences in the file"))
    if problems:
        raise RegisterFormatError(file, sorted(problems, key=lambda p: p.line or 0))
    return Register(
        country=country,
        authority=authority.name,
        aliases=authority.aliases,
        entries=tuple(entries),
        digest=file_digest(data),
    )


def _status(
    word: str, statuses: Mapping[str, RegisterStatus], line: int, problems: list[Problem]
) -> RegisterStatus | None:
    found = statuses.get(" ".join(word.lower().split()))
    if found is None:
        known = ", ".join(sorted(statuses))
        problems.append(Problem(line, f"status {word!r} is not one of: {known}"))
    return found


def parse_csv(fmt: CsvFormat, country: str, data: bytes, file: str) -> Register:
    text = _text(data, file)
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RegisterFormatError(file, [Problem(1, f"not CSV: {exc}")]) from None
    if header is None:
        raise RegisterFormatError(file, [Problem(None, "the file is empty")])
    where = {name.strip().lower(): i for i, name in enumerate(header)}
    index: dict[str, int] = {}
    for ours, theirs in fmt.columns.items():
        if theirs.lower() in where:
            index[ours] = where[theirs.lower()]
        elif ours != "expires_on":
            problems.append(Problem(1, f"no column {theirs!r} in the header"))
    if problems:
        raise RegisterFormatError(file, problems)
    entries: list[RegisterEntry] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < len(header):
                problems.append(Problem(line, f"{len(row)} columns, the header has {len(header)}"))
                continue
            entry = _entry(
                {k: row[i].strip() for k, i in index.items()}, fmt.statuses, line, problems
            )
            if entry is not None:
                entries.append(entry)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, f"not CSV: {exc}"))
    return _finish(file, country, fmt.authority, entries, problems, data)


def _entry(
    values: Mapping[str, str],
    statuses: Mapping[str, RegisterStatus],
    line: int,
    problems: list[Problem],
    *,
    number_required: bool = True,
) -> RegisterEntry | None:
    before = len(problems)
    number, name = values.get("number", ""), values.get("name", "")
    if number_required and not number_key(number):
        problems.append(Problem(line, "the licence number is empty"))
    if not name:
        problems.append(Problem(line, "the name is empty"))
    status = _status(values.get("status", ""), statuses, line, problems)
    expires_on = None
    if values.get("expires_on"):
        expires_on = _date(values["expires_on"])
        if expires_on is None:
            problems.append(Problem(line, f"{values['expires_on']!r} is not a date"))
    if len(problems) > before or status is None:
        return None
    return RegisterEntry(number, name, status, line, expires_on)


def _field(item: Any, key: str) -> str:
    value = item.get(key) if isinstance(item, dict) else None
    return str(value).strip() if isinstance(value, str | int) else ""


def parse_np(country: str, data: bytes, file: str) -> Register:
    text = _text(data, file)
    document, source, found = parse_yaml(text, file=file)  # JSON, with a line for each value
    if found or document is None:
        bad = [Problem(p.line, p.message) for p in found] or [Problem(1, "not JSON")]
        raise RegisterFormatError(file, bad)
    if not isinstance(document, dict) or not isinstance(document.get("licences"), list):
        raise RegisterFormatError(file, [Problem(1, 'not an object with a "licences" list')])
    blacklist = document.get("blacklist", [])
    if not isinstance(blacklist, list):
        raise RegisterFormatError(file, [Problem(source.line(("blacklist",)), "not a list")])
    problems: list[Problem] = []
    entries: list[RegisterEntry] = []
    for i, item in enumerate(document["licences"]):
        line = source.line(("licences", i)) or 1
        values = {
            "number": _field(item, "licence_no"),
            "name": _field(item, "company_name"),
            "status": _field(item, "status"),
            "expires_on": _field(item, "valid_until"),
        }
        entry = _entry(values, NP_STATUSES, line, problems)
        if entry is not None:
            entries.append(entry)
    banned: list[RegisterEntry] = []
    for i, item in enumerate(blacklist):
        line = source.line(("blacklist", i)) or 1
        values = {
            "number": _field(item, "licence_no"),
            "name": _field(item, "company_name"),
            "status": "blacklisted",
        }
        entry = _entry(values, {"blacklisted": S.BANNED}, line, problems, number_required=False)
        if entry is not None:
            banned.append(entry)
    # The blacklist wins over the list of licences: one entry per licence number.
    listed = {number_key(b.number) for b in banned if number_key(b.number)}
    entries = [e for e in entries if number_key(e.number) not in listed] + banned
    return _finish(file, country, NP_AUTHORITY, entries, problems, data)


Parser = Callable[[bytes, str], Register]

PARSERS: Final[dict[str, Parser]] = {
    "PH": lambda data, file: parse_csv(PH, "PH", data, file),
    "NP": lambda data, file: parse_np("NP", data, file),
    "GB": lambda data, file: parse_csv(GB, "GB", data, file),
}
SAMPLE_FILES: Final = {"PH": PH.sample, "NP": NP_SAMPLE, "GB": GB.sample}


def parse(country: str, data: bytes, file: str = "register") -> Register:
    """The register of `country` read from `data`; RegisterFormatError when the country has
    no known format or the file does not follow it."""
    parser = PARSERS.get(country.strip().upper())
    if parser is None:
        known = ", ".join(sorted(PARSERS))
        raise RegisterFormatError(
            file, [Problem(None, f"no register format for {country!r}; known: {known}")]
        )
    return parser(data, file)


def sample(country: str) -> Path:
    """The made-up sample file of `country`'s register shipped with the package."""
    return SAMPLES / SAMPLE_FILES[country]
