"""The `format` check: a JSON object that is a well-formed VC 2.0 certificate.

It also reads what the later checks need (issuer, validity window, status entries, standard)
into a `ParsedCertificate`, each field None when unusable, so every check after it can run or
say why it cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from registry.trust.contexts import CREDENTIALS_V2
from registry.trust.credential import CERTIFICATE_TYPE, STATUS_ENTRY_TYPE, STATUS_PURPOSES
from registry.trust.verify.results import Check, failed, is_object, passed
from registry.trust.verify.time import parse_datetime

_MAX_INDEX_DIGITS: Final = 12  # far beyond any list; keeps int() of hostile strings cheap
_DECIMAL: Final = re.compile(r"0|[1-9][0-9]*")
_FORMAT_OK: Final = passed("format", "The credential is a well-formed VC 2.0 certificate.")


@dataclass(slots=True)
class ParsedCertificate:
    """What the format check could read, each None when unusable."""

    issuer: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    statuses: dict[str, tuple[str, int] | str] | None = None  # purpose -> (url, index) | problem
    slug: str | None = None
    version: str | None = None


def type_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value]


def issuer_id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if is_object(value) and isinstance(value.get("id"), str):
        return value["id"]  # type: ignore[no-any-return]
    return None


def _is_url(value: object) -> bool:
    return isinstance(value, str) and (value.startswith(("https://", "http://")))


def _parse_status_entry(entry: object) -> tuple[str | None, tuple[str, int] | str]:
    """(purpose, (url, index)) of a status entry, or (purpose or None, problem)."""
    if not is_object(entry):
        return None, "a credentialStatus entry is not an object"
    purpose = entry.get("statusPurpose")
    if not isinstance(purpose, str):
        return None, "a credentialStatus entry has no statusPurpose"
    if entry.get("type") != STATUS_ENTRY_TYPE:
        return purpose, f"the {purpose} status entry is not a {STATUS_ENTRY_TYPE}"
    url = entry.get("statusListCredential")
    if not _is_url(url):
        return purpose, f"the {purpose} status entry has no statusListCredential URL"
    index = entry.get("statusListIndex")
    if (
        not isinstance(index, str)
        or len(index) > _MAX_INDEX_DIGITS
        or not _DECIMAL.fullmatch(index)
    ):
        return purpose, f"the {purpose} status entry's statusListIndex is not a decimal string"
    assert isinstance(url, str)
    if entry.get("id") is not None and not isinstance(entry.get("id"), str):
        return purpose, f"the {purpose} status entry's id is not a string"
    return purpose, (url, int(index))


def _check_context(context: object, registry_context_url: str, problems: list[str]) -> None:
    if not isinstance(context, list) or not context or context[0] != CREDENTIALS_V2:
        problems.append(f"@context must be a list starting with {CREDENTIALS_V2}")
        return
    if context == [CREDENTIALS_V2, registry_context_url]:  # the registry's own: the usual case
        return
    known = (CREDENTIALS_V2, registry_context_url)
    unknown = [c for c in context if c not in known]
    if unknown:
        shown = ", ".join(str(c)[:80] for c in unknown[:3])
        problems.append(f"@context includes unknown contexts ({shown})")
    elif registry_context_url not in context:
        problems.append(f"@context lacks the registry context {registry_context_url}")


def _check_subject(subject: object, parsed: ParsedCertificate, problems: list[str]) -> None:
    if not is_object(subject):
        problems.append("credentialSubject must be an object")
        return
    if not isinstance(subject.get("certificateCode"), str):
        problems.append("credentialSubject.certificateCode is missing")
    provider = subject.get("provider")
    if not is_object(provider) or not all(
        isinstance(provider.get(k), str) for k in ("registryId", "legalName", "country")
    ):
        problems.append("credentialSubject.provider needs registryId, legalName and country")
    standard = subject.get("standard")
    if is_object(standard) and all(
        isinstance(standard.get(k), str) for k in ("slug", "version", "digest")
    ):
        parsed.slug, parsed.version = standard["slug"], standard["version"]
    else:
        problems.append("credentialSubject.standard needs slug, version and digest")
    if not isinstance(subject.get("grade"), str):
        problems.append("credentialSubject.grade is missing")
    if type(subject.get("score")) not in (int, float):
        problems.append("credentialSubject.score is not a number")


def _check_statuses(raw_status: object, parsed: ParsedCertificate, problems: list[str]) -> None:
    statuses: dict[str, tuple[str, int] | str] = {}
    entries = raw_status if isinstance(raw_status, list) else [raw_status]
    if raw_status is None:
        problems.append("credentialStatus is missing")
        entries = []
    for entry in entries:
        purpose, outcome = _parse_status_entry(entry)
        if purpose is None:
            problems.append(str(outcome))
        elif purpose in statuses:
            problems.append(f"more than one {purpose} status entry")
            statuses[purpose] = f"the credential has more than one {purpose} status entry"
        else:
            statuses[purpose] = outcome
            if isinstance(outcome, str):
                problems.append(outcome)
    for purpose in STATUS_PURPOSES:
        if purpose not in statuses:
            problems.append(f"there is no {purpose} status entry")
    parsed.statuses = statuses


def check_format(
    credential: Mapping[str, Any], registry_context_url: str, parsed: ParsedCertificate
) -> Check:
    problems: list[str] = []
    _check_context(credential.get("@context"), registry_context_url, problems)
    types = type_list(credential.get("type"))
    if "VerifiableCredential" not in types or CERTIFICATE_TYPE not in types:
        problems.append(f"type must include VerifiableCredential and {CERTIFICATE_TYPE}")
    if not _is_url(credential.get("id")):
        problems.append("id must be the credential's URL")

    parsed.issuer = issuer_id(credential.get("issuer"))
    if parsed.issuer is None:
        problems.append("issuer is missing or not a DID")

    for name in ("validFrom", "validUntil"):
        if name not in credential:
            problems.append(f"{name} is missing")
            continue
        when = parse_datetime(credential[name])
        if when is None:
            problems.append(f"{name} is not an XML Schema dateTime")
        elif name == "validFrom":
            parsed.valid_from = when
        else:
            parsed.valid_until = when

    _check_subject(credential.get("credentialSubject"), parsed, problems)
    _check_statuses(credential.get("credentialStatus"), parsed, problems)

    if "proof" in credential and not is_object(credential["proof"]):
        problems.append("proof must be a single object")

    if problems:
        return failed("format", "Not a well-formed certificate: " + "; ".join(problems) + ".")
    return _FORMAT_OK
