"""The assessment submission an auditor files, and the report the scoring engine returns.

These are `msgspec` structs rather than pydantic models, on measurement: decoding a full
37-finding submission into them from JSON bytes takes ~9 us (half of a plain `json.loads` of
the same bytes), against ~28 us for pydantic, and building a report's 37 results costs ~2 us
against ~65 us for pydantic's `model_construct`. Litestar serves and documents msgspec
structs natively. Typing is strict where JSON is unambiguous (dates, enums, lengths) and
loose for a finding's `value`: whether a value fits its indicator depends on the standard,
which `audits.validation` checks, so that every problem is reported at once with its path.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from enum import StrEnum
from itertools import chain
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal, get_args, get_origin

import msgspec
from msgspec import Meta, Struct

from standards.model import NonConformityClass, ProviderType

MAX_NOTES = 4000
MAX_EVIDENCE = 50
MAX_FINDINGS = 1000
MAX_SITES = 200
EVIDENCE_PREFIX = "sha256:"
EVIDENCE_LENGTH = len(EVIDENCE_PREFIX) + 64

# ISO 3166-1 alpha-2 (officially assigned, from the iso-codes database) plus XK, the code the
# EU, IMF and most registries use for Kosovo, a major origin of labour migrants.
_COUNTRIES = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
ZW XK
"""
COUNTRY_CODES: frozenset[str] = frozenset(_COUNTRIES.split())

if TYPE_CHECKING:
    CountryCode = str
else:
    # A Literal lets msgspec check membership in C while decoding.
    CountryCode = Literal[tuple(sorted(COUNTRY_CODES))]


class AuditType(StrEnum):
    INITIAL = "initial"
    SURVEILLANCE = "surveillance"
    RECERTIFICATION = "recertification"
    SPECIAL = "special"  # e.g. follow-up of a complaint, unannounced
    # A visit to verify that corrective actions are closed (docs/assurance.md).
    FOLLOW_UP = "follow_up"


# Evidence names a stored file by its digest. msgspec checks the length in C; the hex digits
# are checked in one pass over all evidence by `audits.validation` (a per-string regex
# constraint costs ~0.4 us each, more than decoding the whole finding).
Evidence = Annotated[str, Meta(min_length=EVIDENCE_LENGTH, max_length=EVIDENCE_LENGTH)]
FindingValue = bool | int | float | None


# Every struct that is digested declares its fields in canonical (RFC 8785) order, i.e.
# sorted by their JSON names, so that msgspec can encode it without sorting: that saves ~3 us
# per report, and a test keeps the order honest. Structs with defaults are keyword-only.


class Finding(Struct, frozen=True, gc=False, kw_only=True, forbid_unknown_fields=True):
    """One answer: `value` is null in a template until the auditor fills it in."""

    evidence: Annotated[tuple[Evidence, ...], Meta(max_length=MAX_EVIDENCE)] = ()
    indicator: Annotated[str, Meta(min_length=1, max_length=32)]
    notes: Annotated[str, Meta(max_length=MAX_NOTES)] = ""
    value: FindingValue


class Site(Struct, frozen=True, gc=False, kw_only=True, forbid_unknown_fields=True):
    address: Annotated[str, Meta(max_length=500)] = ""
    country: CountryCode
    name: Annotated[str, Meta(min_length=1, max_length=200)]


class Submission(Struct, frozen=True, gc=False, forbid_unknown_fields=True):
    """An assessment against one standard version, for one scope of provider types.

    Build one from JSON with `audits.validation.parse_submission`, or from Python data with
    `msgspec.convert(data, Submission)`: the constructor itself checks nothing.
    """

    audit_type: AuditType
    ended_on: dt.date
    findings: Annotated[tuple[Finding, ...], Meta(max_length=MAX_FINDINGS)]
    provider_types: Annotated[tuple[ProviderType, ...], Meta(min_length=1, max_length=16)]
    sites: Annotated[tuple[Site, ...], Meta(min_length=1, max_length=MAX_SITES)]
    standard: Annotated[str, Meta(min_length=1, max_length=100)]  # slug@version
    started_on: dt.date
    workers_interviewed: Annotated[int, Meta(ge=0, le=10_000_000)]


class SubmissionDocument(Submission, frozen=True, gc=False, forbid_unknown_fields=True):
    """The wire form: a submission plus the optional `indicators_help` that templates carry.

    The help is accepted as any JSON value and never decoded or stored, so an auditor who
    edits or deletes it cannot make a document invalid.
    """

    indicators_help: msgspec.Raw = msgspec.Raw(b"null")

    def submission(self) -> Submission:
        return Submission(*msgspec.structs.astuple(self)[:-1])


class FindingProblem(Struct, frozen=True, gc=False):
    """One reason a document was refused: a JSON path into it, a stable code, and prose."""

    path: str
    code: str
    message: str


class IndicatorResult(Struct, frozen=True, gc=False):
    applicable: bool
    category: str
    core: bool
    indicator: str
    non_conformity: NonConformityClass | None
    passed: bool | None
    points: float | None  # 0..1
    value: FindingValue  # null when the indicator does not apply


class CategoryScore(Struct, frozen=True, gc=False):
    applicable: int  # number of applicable indicators
    category: str
    name: str
    score: float | None  # 0..100; null when no indicator of the category applies


class NonConformity(Struct, frozen=True, gc=False):
    category: str
    class_: NonConformityClass = msgspec.field(name="class")
    close_by: dt.date | None
    close_by_next_surveillance: bool
    corrective_plan_due: dt.date | None
    indicator: str
    suspends_certificate: bool
    withdraw_if_open_on: dt.date | None


class ReportBody(Struct, frozen=True, gc=False):
    """Everything a report says; `report_digest` is the digest of exactly this."""

    as_of: dt.date  # the date deadlines count from
    audit_type: AuditType
    categories: tuple[CategoryScore, ...]
    floor_holds: bool
    grade: str | None
    indicators: tuple[IndicatorResult, ...]
    inputs_digest: str
    method: str  # names the scoring method, so a changed formula cannot pass as the old one
    non_conformities: tuple[NonConformity, ...]
    provider_types: tuple[ProviderType, ...]
    score: float  # 0..100, two decimals
    standard: str
    standard_digest: str


class Report(ReportBody, frozen=True, gc=False):
    report_digest: str

    def body(self) -> ReportBody:
        return ReportBody(*msgspec.structs.astuple(self)[:-1])


# --- Evidence references ------------------------------------------------------------------

_HEX: Final = b"0123456789abcdef"
_HEX_CHARS: Final = frozenset("0123456789abcdef")
_PREFIX: Final = tuple((k, bytes((c,))) for k, c in enumerate(b"sha256:"))


def evidence_ok(items: Iterable[str]) -> bool:
    """Whether every item is a well-formed evidence reference (`sha256:` + 64 hex)."""
    # Each item is EVIDENCE_LENGTH long (checked while decoding), so a few C-speed passes over
    # all of them joined decide (~2 us for 74 items, against ~14 us for a regex per item).
    # Column k of the items is flat[k::EVIDENCE_LENGTH]: the first seven columns must spell
    # the prefix, and deleting hex digits must leave only the prefixes' "sh:".
    flat = "".join(items).encode("utf-8", "replace")
    count, rest = divmod(len(flat), EVIDENCE_LENGTH)
    if rest or flat.translate(None, _HEX) != b"sh:" * count:
        return False
    return all(flat[k::EVIDENCE_LENGTH] == column * count for k, column in _PREFIX)


def evidence_problems(lists: list[tuple[int, Sequence[str]]]) -> list[FindingProblem]:
    """A problem for each malformed item, given (finding index, evidence) pairs; "" skipped."""
    problems: list[FindingProblem] = []
    if evidence_ok(chain.from_iterable(e for _, e in lists)):
        return problems
    for i, evidence in lists:
        for j, item in enumerate(evidence):
            if item and not _is_digest(item):
                problems.append(
                    FindingProblem(
                        f"$.findings[{i}].evidence[{j}]",
                        "invalid_value",
                        "Expected `sha256:` and 64 lowercase hex digits",
                    )
                )
    return problems


def _is_digest(item: str) -> bool:
    hexdigits = item[len("sha256:") :]
    return item.startswith("sha256:") and len(hexdigits) == 64 and set(hexdigits) <= _HEX_CHARS


# --- Explaining why a document does not fit -------------------------------------------------
# Decoding stops at the first error. When it fails, this walk re-checks the plain JSON value
# field by field against the same struct definitions (via `msgspec.convert`), so the rules
# are written once and every problem is reported, each with its JSON path.


def structural_problems(doc: Any) -> list[FindingProblem]:
    """Every way a decoded JSON value fails to be a `SubmissionDocument`."""
    out: list[FindingProblem] = []
    _walk(doc, SubmissionDocument, "$", out)
    return out


def member_path(path: str, key: str) -> str:
    return f"{path}.{key}" if key.isidentifier() else f"{path}[{json.dumps(key)}]"


def _walk(value: Any, tp: Any, path: str, out: list[FindingProblem]) -> None:
    base, metas = (get_args(tp)[0], get_args(tp)[1:]) if get_origin(tp) is Annotated else (tp, ())
    if base is msgspec.Raw:
        return
    if isinstance(base, type) and issubclass(base, Struct):
        if not isinstance(value, dict):
            out.append(_problem(path, value, f"Expected `object`, got `{_json_type(value)}`"))
            return
        fields = {f.encode_name: f for f in msgspec.structs.fields(base)}
        out.extend(
            FindingProblem(member_path(path, k), "unknown_field", f"Unknown field `{k}`")
            for k in value
            if k not in fields
        )
        for name, field in fields.items():
            if name in value:
                _walk(value[name], field.type, f"{path}.{name}", out)
            elif field.required:
                out.append(FindingProblem(f"{path}.{name}", "missing_field", "Required"))
        return
    if get_origin(base) is tuple and get_args(base)[1:] == (Ellipsis,):
        container: Any = Annotated[(list[Any], *metas)] if metas else list[Any]
        if _convert(value, container, path, out):
            for i, item in enumerate(value):
                _walk(item, get_args(base)[0], f"{path}[{i}]", out)
        return
    _convert(value, tp, path, out)


def _convert(value: Any, tp: Any, path: str, out: list[FindingProblem]) -> bool:
    try:
        msgspec.convert(value, tp)
    except msgspec.ValidationError as exc:
        message, _, at = str(exc).partition(" - at `")
        out.append(_problem(path + at.rstrip("`")[1:], value, message))
        return False
    return True


def _problem(path: str, value: Any, message: str) -> FindingProblem:
    if value is None:
        return FindingProblem(path, "not_answered", "Not answered (null)")
    code = "wrong_type" if ", got `" in message else "invalid_value"
    return FindingProblem(path, code, message)


def _json_type(value: Any) -> str:
    names = {bool: "bool", int: "int", float: "float", str: "str", list: "array"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
