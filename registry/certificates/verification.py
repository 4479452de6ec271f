"""The one certificate verification engine: API, offline CLI and bulk verification all use it.

`verify_certificate` runs every check in a fixed order and reports each with a plain-language
detail, so an employer sees *why* a certificate is or is not valid:

    format      a JSON object that is a well-formed VC 2.0 certificate with known contexts
    issuer      issued by this registry's DID
    key         signed by a key of the registry's DID document (assertionMethod) that was not
                compromised when the proof was created
    signature   the `eddsa-jcs-2022` Data Integrity proof verifies
    validity    validFrom <= now < validUntil
    revocation  the revocation status list (itself verified) does not have the bit set
    suspension  likewise for suspension
    standard    the standard version is published (when the caller can tell)

Later checks still run after an earlier failure when they can, and are skipped with a reason
when they cannot. Nothing here raises on hostile input: every answer is a `Verdict`.

Performance: the trusted keys are parsed once (`IssuerTrust`), and each status list credential
is verified and decoded once, then memoised in a bounded LRU keyed by the list's complete JSON
text - so a list that differs from a verified one in any byte is a cache miss and is verified
afresh. Only time-dependent checks (validity window) and the bit lookup run on a cache hit.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.certificates.contexts import CREDENTIALS_V2
from registry.certificates.credential import (
    CERTIFICATE_TYPE,
    STATUS_ENTRY_TYPE,
    STATUS_LIST_CREDENTIAL_TYPE,
    STATUS_LIST_TYPE,
    STATUS_PURPOSES,
)
from registry.errors import CryptoError, StatusListError
from registry.multikey import KeyRing, public_key_from_multibase
from registry.proofs import Failure, is_xsd_datetime, verify_proof
from registry.statuslist import StatusList

CheckResult = Literal["passed", "failed", "skipped"]
Status = Literal["valid", "revoked", "suspended", "expired", "not_yet_valid", "invalid"]
StatusListSource = Callable[[str], Mapping[str, Any] | None]
PublishedCheck = Callable[[str, str], bool | None]

CHECK_NAMES: Final = (
    "format",
    "issuer",
    "key",
    "signature",
    "validity",
    "revocation",
    "suspension",
    "standard",
)
PROOF_PURPOSE: Final = "assertionMethod"
STATUS_LIST_CACHE_SIZE: Final = 256
_MAX_INDEX_DIGITS: Final = 12  # far beyond any list; keeps int() of hostile strings cheap
_DECIMAL: Final = re.compile(r"0|[1-9][0-9]*")
_FRACTION: Final = re.compile(r"(\.[0-9]+)")
_MEMO_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


class IssuerTrustError(CryptoError):
    """The DID document cannot serve as the registry's trust anchor (wrong DID, malformed)."""


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    result: CheckResult
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "result": self.result, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Verdict:
    valid: bool
    status: Status
    reason: str
    checks: tuple[Check, ...]
    # Summary: id, code, provider {id, legalName, country}, grade, score,
    # standard {slug, version, digest}, validFrom, validUntil. None when not a JSON object.
    certificate: dict[str, Any] | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "status": self.status,
            "reason": self.reason,
            "checks": [check.to_dict() for check in self.checks],
            "certificate": self.certificate,
        }

    def check(self, name: str) -> Check | None:
        for check in self.checks:
            if check.name == name:
                return check
        return None


def _passed(name: str, detail: str) -> Check:
    return Check(name, "passed", detail)


def _failed(name: str, detail: str) -> Check:
    return Check(name, "failed", detail)


def _skipped(name: str, detail: str) -> Check:
    return Check(name, "skipped", detail)


# Constant answers of the common path: built once, not per verification.
_FORMAT_OK: Final = _passed("format", "The credential is a well-formed VC 2.0 certificate.")
_ISSUER_OK: Final = _passed("issuer", "The credential was issued by this registry.")
_KEY_OK: Final = _passed(
    "key", "The signing key belongs to the registry and was not compromised when it was used."
)
_SIGNATURE_OK: Final = _passed("signature", "The signature is genuine; nothing has been altered.")
_VALIDITY_OK: Final = _passed("validity", "The certificate is within its validity period.")
_STATUS_OK: Final = {
    "revocation": _passed("revocation", "The certificate has not been revoked."),
    "suspension": _passed("suspension", "The certificate is not suspended."),
}
_STANDARD_OK: Final = _passed("standard", "The standard version is published.")


# --- time -------------------------------------------------------------------------------------


def parse_datetime(value: object) -> datetime | None:
    """An aware datetime from an XML Schema dateTime string, or None if unusable.

    A value without a time zone is read as UTC (VC 2.0 recommends always giving one). Fractions
    beyond microseconds are truncated; years outside Python's range are unusable.
    """
    if not is_xsd_datetime(value):
        return None
    assert isinstance(value, str)
    text = value
    if "." in text:  # Python takes at most 6 fractional digits
        text = _FRACTION.sub(lambda m: m.group(1)[:7], text, count=1)
    try:
        if "T24:00:00" in text:
            return None  # legal XSD, never produced by the registry; refuse rather than guess
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed


# --- trust ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TrustedKey:
    method: str
    revoked: datetime | None  # compromised from this time on


@dataclass(frozen=True, slots=True)
class _VerifiedList:
    """What a verified, decoded status list credential says, independent of the time."""

    url: object  # the credential's `id`
    purpose: str
    bits: StatusList
    valid_from: datetime | None
    valid_until: datetime | None


class IssuerTrust:
    """The registry's DID and its assertion keys, parsed once from its DID document.

    Also owns the memo of verified status list credentials: their verification depends on
    these keys, so the memo must never outlive or be shared across trust anchors.
    """

    def __init__(
        self,
        did: str,
        keys: Mapping[str, tuple[Ed25519PublicKey, datetime | None]],
        *,
        cache_size: int = STATUS_LIST_CACHE_SIZE,
    ) -> None:
        self.did = did
        self.keyring = KeyRing({method: key for method, (key, _) in keys.items()})
        self._keys = {method: _TrustedKey(method, revoked) for method, (_, revoked) in keys.items()}
        self._cache: OrderedDict[str, _VerifiedList | str] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()

    @classmethod
    def from_did_document(cls, document: Mapping[str, Any], expected_did: str) -> IssuerTrust:
        """Trust the `assertionMethod` keys of `document`, which must be `expected_did`'s."""
        if not isinstance(document, Mapping):
            raise IssuerTrustError("the DID document is not a JSON object")
        if document.get("id") != expected_did:
            raise IssuerTrustError(
                f"the DID document is for {document.get('id')!r}, not {expected_did!r}"
            )
        methods = document.get("verificationMethod")
        if not isinstance(methods, list):
            raise IssuerTrustError("the DID document has no verificationMethod list")
        parsed: dict[str, tuple[Ed25519PublicKey, datetime | None]] = {}
        for method in methods:
            method_id, key, revoked = _parse_method(method, expected_did)
            if method_id in parsed:
                raise IssuerTrustError(f"verification method {method_id} is listed twice")
            parsed[method_id] = (key, revoked)
        assertion = document.get("assertionMethod")
        if not isinstance(assertion, list):
            raise IssuerTrustError("the DID document has no assertionMethod list")
        trusted: dict[str, tuple[Ed25519PublicKey, datetime | None]] = {}
        for reference in assertion:
            if isinstance(reference, Mapping):  # an embedded method
                method_id, key, revoked = _parse_method(reference, expected_did)
                trusted[method_id] = (key, revoked)
                continue
            if not isinstance(reference, str):
                raise IssuerTrustError("an assertionMethod entry is neither a string nor an object")
            method_id = _absolute(reference, expected_did)
            if method_id not in parsed:
                raise IssuerTrustError(f"assertionMethod {reference} is not a verification method")
            trusted[method_id] = parsed[method_id]
        if not trusted:
            raise IssuerTrustError("the DID document lists no assertion keys")
        return cls(expected_did, trusted)

    def key(self, method: str) -> _TrustedKey | None:
        return self._keys.get(method)

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self._keys)

    # The status list memo: a bounded LRU keyed by canonical bytes.
    def _cached(self, key: str) -> _VerifiedList | str | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def _remember(self, key: str, value: _VerifiedList | str) -> None:
        with self._lock:
            self._cache[key] = value
            self._cache.move_to_end(key)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


def _absolute(reference: str, did: str) -> str:
    return f"{did}{reference}" if reference.startswith("#") else reference


def _parse_method(method: object, did: str) -> tuple[str, Ed25519PublicKey, datetime | None]:
    if not isinstance(method, Mapping):
        raise IssuerTrustError("a verification method is not a JSON object")
    method_id = method.get("id")
    if not isinstance(method_id, str) or not method_id:
        raise IssuerTrustError("a verification method has no id")
    method_id = _absolute(method_id, did)
    if not method_id.startswith(f"{did}#"):
        raise IssuerTrustError(f"verification method {method_id} is not under {did}")
    if method.get("type") != "Multikey":
        raise IssuerTrustError(f"verification method {method_id} is not a Multikey")
    if method.get("controller") != did:
        raise IssuerTrustError(f"verification method {method_id} is not controlled by {did}")
    try:
        key = public_key_from_multibase(method.get("publicKeyMultibase"))  # type: ignore[arg-type]
    except (CryptoError, ValueError) as exc:
        raise IssuerTrustError(f"verification method {method_id}: {exc}") from exc
    revoked: datetime | None = None
    if "revoked" in method:
        revoked = parse_datetime(method["revoked"])
        if revoked is None:
            raise IssuerTrustError(f"verification method {method_id}: revoked is not a dateTime")
    return method_id, key, revoked


# --- the checks -------------------------------------------------------------------------------


@dataclass(slots=True)
class _Parsed:
    """What the format check could read, each None when unusable."""

    issuer: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    statuses: dict[str, tuple[str, int] | str] | None = None  # purpose -> (url, index) | problem
    slug: str | None = None
    version: str | None = None


def _type_list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value]


def _issuer_id(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return value["id"]  # type: ignore[no-any-return]
    return None


def _is_url(value: object) -> bool:
    return isinstance(value, str) and (value.startswith(("https://", "http://")))


def _parse_status_entry(entry: object) -> tuple[str | None, tuple[str, int] | str]:
    """(purpose, (url, index)) of a status entry, or (purpose or None, problem)."""
    if not isinstance(entry, Mapping):
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


def _check_format(
    credential: Mapping[str, Any], registry_context_url: str, parsed: _Parsed
) -> Check:
    problems: list[str] = []
    known = (CREDENTIALS_V2, registry_context_url)
    context = credential.get("@context")
    if not isinstance(context, list) or not context or context[0] != CREDENTIALS_V2:
        problems.append(f"@context must be a list starting with {CREDENTIALS_V2}")
    else:
        unknown = [c for c in context if c not in known]
        if unknown:
            shown = ", ".join(str(c)[:80] for c in unknown[:3])
            problems.append(f"@context includes unknown contexts ({shown})")
        elif registry_context_url not in context:
            problems.append(f"@context lacks the registry context {registry_context_url}")
    types = _type_list(credential.get("type"))
    if "VerifiableCredential" not in types or CERTIFICATE_TYPE not in types:
        problems.append(f"type must include VerifiableCredential and {CERTIFICATE_TYPE}")
    if not _is_url(credential.get("id")):
        problems.append("id must be the credential's URL")

    parsed.issuer = _issuer_id(credential.get("issuer"))
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

    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        problems.append("credentialSubject must be an object")
    else:
        if not isinstance(subject.get("certificateCode"), str):
            problems.append("credentialSubject.certificateCode is missing")
        provider = subject.get("provider")
        if not isinstance(provider, Mapping) or not all(
            isinstance(provider.get(k), str) for k in ("registryId", "legalName", "country")
        ):
            problems.append("credentialSubject.provider needs registryId, legalName and country")
        standard = subject.get("standard")
        if isinstance(standard, Mapping) and all(
            isinstance(standard.get(k), str) for k in ("slug", "version", "digest")
        ):
            parsed.slug, parsed.version = standard["slug"], standard["version"]
        else:
            problems.append("credentialSubject.standard needs slug, version and digest")
        if not isinstance(subject.get("grade"), str):
            problems.append("credentialSubject.grade is missing")
        score = subject.get("score")
        if type(score) not in (int, float):
            problems.append("credentialSubject.score is not a number")

    statuses: dict[str, tuple[str, int] | str] = {}
    raw_status = credential.get("credentialStatus")
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

    if "proof" in credential and not isinstance(credential["proof"], Mapping):
        problems.append("proof must be a single object")

    if problems:
        return _failed("format", "Not a well-formed certificate: " + "; ".join(problems) + ".")
    return _FORMAT_OK


def _check_issuer(trust: IssuerTrust, parsed: _Parsed) -> Check:
    if parsed.issuer is None:
        return _skipped("issuer", "The credential names no issuer.")
    if parsed.issuer != trust.did:
        return _failed(
            "issuer", f"Issued by {parsed.issuer[:200]}, not by this registry ({trust.did})."
        )
    return _ISSUER_OK


def _key_problem(
    trust: IssuerTrust, proof: Mapping[str, Any], what: str
) -> tuple[bool, str | None]:
    """(usable, problem): whether the proof's key is trusted and was sound at `created`."""
    method = proof.get("verificationMethod")
    if not isinstance(method, str):
        return False, f"The {what} proof names no verification method."
    trusted = trust.key(method)
    if trusted is None:
        return False, f"The {what} was signed with {method[:200]}, which is not a registry key."
    created_raw = proof.get("created")
    if created_raw is None:
        return True, f"The {what} proof does not say when it was created."
    if not is_xsd_datetime(created_raw):
        return True, f"The {what} proof's created time is not an XML Schema dateTime."
    if trusted.revoked is not None:
        created = parse_datetime(created_raw)
        if created is None:
            return True, f"The {what} proof's created time cannot be read."
        if created >= trusted.revoked:
            return True, (
                f"The key {method} has been compromised since "
                f"{trusted.revoked.isoformat().replace('+00:00', 'Z')}; "
                f"the {what} was signed with it after that."
            )
    return True, None


def _check_key(trust: IssuerTrust, proof: object) -> tuple[Check, bool]:
    """The key check, and whether the signature can be checked with a trusted key."""
    if not isinstance(proof, Mapping):
        return _skipped("key", "The credential carries no proof, so no key to check."), False
    usable, problem = _key_problem(trust, proof, "certificate")
    if problem is not None:
        return _failed("key", problem), usable
    return _KEY_OK, True


def _check_signature(trust: IssuerTrust, credential: Mapping[str, Any], usable: bool) -> Check:
    proof = credential.get("proof")
    if proof is None:
        return _failed("signature", "The credential is not signed (it has no proof).")
    if not usable:
        return _skipped("signature", "Cannot check the signature without a trusted key.")
    try:
        result = verify_proof(
            credential, trust.keyring, expected_purpose=PROOF_PURPOSE, exact_context=True
        )
    except Exception:  # hostile input (e.g. nesting too deep to serialise) is an answer too
        return _failed("signature", "The credential cannot be processed for its signature.")
    if result.verified:
        return _SIGNATURE_OK
    if result.failure is Failure.BAD_SIGNATURE:
        return _failed(
            "signature", "The signature does not match: the credential has been altered."
        )
    return _failed("signature", f"The proof is not acceptable: {result.detail}.")


def _fmt(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _check_validity(parsed: _Parsed, now: datetime) -> tuple[Check, Status | None]:
    if parsed.valid_from is None or parsed.valid_until is None:
        return _skipped("validity", "The validity period cannot be read."), None
    try:
        if now < parsed.valid_from:
            return _failed(
                "validity", f"The certificate is not valid before {_fmt(parsed.valid_from)}."
            ), "not_yet_valid"
        if now >= parsed.valid_until:
            return _failed(
                "validity", f"The certificate expired on {_fmt(parsed.valid_until)}."
            ), "expired"
    except (TypeError, OverflowError):
        return _skipped("validity", "The validity period cannot be compared."), None
    return _VALIDITY_OK, None


def _verify_list(document: Mapping[str, Any], trust: IssuerTrust) -> _VerifiedList | str:
    """Time-independent verification of a status list credential: facts, or a problem."""
    context = document.get("@context")
    if not isinstance(context, list) or context != [CREDENTIALS_V2]:
        return f"its @context is not [{CREDENTIALS_V2}]"
    types = _type_list(document.get("type"))
    if "VerifiableCredential" not in types or STATUS_LIST_CREDENTIAL_TYPE not in types:
        return f"it is not a {STATUS_LIST_CREDENTIAL_TYPE}"
    if _issuer_id(document.get("issuer")) != trust.did:
        return "it was not issued by this registry"
    proof = document.get("proof")
    if not isinstance(proof, Mapping):
        return "it is not signed"
    usable, problem = _key_problem(trust, proof, "status list")
    if problem is not None:
        return problem[0].lower() + problem[1:].rstrip(".")
    if not usable:  # pragma: no cover - _key_problem always explains an unusable key
        return "its signing key is not a registry key"
    result = verify_proof(
        document, trust.keyring, expected_purpose=PROOF_PURPOSE, exact_context=True
    )
    if not result.verified:
        if result.failure is Failure.BAD_SIGNATURE:
            return "its signature does not verify"
        return f"its proof is not acceptable ({result.detail})"
    valid_from = parse_datetime(document["validFrom"]) if "validFrom" in document else None
    valid_until = parse_datetime(document["validUntil"]) if "validUntil" in document else None
    if ("validFrom" in document and valid_from is None) or (
        "validUntil" in document and valid_until is None
    ):
        return "its validity period is not an XML Schema dateTime"
    subject = document.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return "it has no credentialSubject"
    if subject.get("type") != STATUS_LIST_TYPE:
        return f"its credentialSubject is not a {STATUS_LIST_TYPE}"
    purpose = subject.get("statusPurpose")
    if not isinstance(purpose, str):
        return "it has no statusPurpose"
    try:
        bits = StatusList.decode(subject.get("encodedList"))  # type: ignore[arg-type]
    except StatusListError as exc:
        return f"its encodedList is unusable: {exc}"
    return _VerifiedList(document.get("id"), purpose, bits, valid_from, valid_until)


def _memo_key(document: Mapping[str, Any]) -> str | None:
    """The memo key of a status list credential: its complete JSON text.

    Any change to the document - a bit of the list, a date, the proof - changes the text, so
    a tampered list can never hit the memo of a verified one. Unlike the canonical form, this
    text is not independent of key order; that can only cause a harmless cache miss. It is
    the C encoder's output, several times cheaper than canonicalisation on this hot path.
    """
    try:
        return _MEMO_ENCODER.encode(document)
    except (TypeError, ValueError, RecursionError):
        return None


def _check_status(
    purpose: str,
    parsed: _Parsed,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    now: datetime,
) -> tuple[Check, bool]:
    """The revocation or suspension check, and whether the bit is set."""
    entry = (parsed.statuses or {}).get(purpose)
    if entry is None:
        return _skipped(purpose, f"The credential has no {purpose} status entry."), False
    if isinstance(entry, str):
        return _skipped(purpose, f"Cannot check {purpose}: {entry}."), False
    url, index = entry
    shown = url[:200]
    try:
        document = status_lists(url)
    except Exception:  # a fetcher's failure is "unavailable", never a crash
        document = None
    if document is None:
        return _failed(purpose, f"The {purpose} status list {shown} is unavailable."), False
    if not isinstance(document, Mapping):
        return _failed(purpose, f"The {purpose} status list {shown} is not a JSON object."), False
    key = _memo_key(document)
    if key is None:
        return _failed(purpose, f"The {purpose} status list {shown} is not valid JSON."), False
    verified = trust._cached(key)
    if verified is None:
        try:
            verified = _verify_list(document, trust)
        except Exception:
            verified = "it cannot be processed"
        trust._remember(key, verified)
    if isinstance(verified, str):
        detail = f"The {purpose} status list {shown} is not trustworthy: {verified}."
        return _failed(purpose, detail), False
    if verified.url != url:
        return _failed(
            purpose, f"The {purpose} status list served for {shown} is a different list."
        ), False
    if verified.purpose != purpose:
        return _failed(
            purpose,
            f"The status list {shown} is for {verified.purpose[:40]}, not {purpose}.",
        ), False
    if verified.valid_from is not None and now < verified.valid_from:
        return _failed(purpose, f"The {purpose} status list {shown} is not yet valid."), False
    if verified.valid_until is not None and now >= verified.valid_until:
        return _failed(purpose, f"The {purpose} status list {shown} has expired."), False
    if index >= len(verified.bits):
        return _failed(
            purpose,
            f"The {purpose} index {index} is beyond the list's {len(verified.bits)} entries.",
        ), False
    if verified.bits.get(index):
        verb = "revoked" if purpose == "revocation" else "suspended"
        return _failed(purpose, f"The certificate has been {verb} by the registry."), True
    return _STATUS_OK.get(purpose) or _passed(purpose, f"No {purpose} is recorded."), False


def _check_standard(parsed: _Parsed, is_published: PublishedCheck) -> Check:
    if parsed.slug is None or parsed.version is None:
        return _skipped("standard", "The credential does not name a standard version.")
    try:
        published = is_published(parsed.slug, parsed.version)
    except Exception:
        published = None
    if published is None:
        return _skipped(
            "standard", "Whether the standard version is published cannot be checked here."
        )
    if published:
        return _STANDARD_OK
    return _failed(
        "standard",
        f"The standard {parsed.slug[:80]} {parsed.version[:40]} is not published or was retired.",
    )


# --- the summary and the verdict ------------------------------------------------------------


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _summary(credential: Mapping[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    provider = subject.get("provider")
    provider = provider if isinstance(provider, Mapping) else {}
    standard = subject.get("standard")
    standard = standard if isinstance(standard, Mapping) else {}
    score = subject.get("score")
    return {
        "id": _str_or_none(credential.get("id")),
        "code": _str_or_none(subject.get("certificateCode")),
        "provider": {
            "id": _str_or_none(provider.get("registryId")),
            "legalName": _str_or_none(provider.get("legalName")),
            "country": _str_or_none(provider.get("country")),
        },
        "grade": _str_or_none(subject.get("grade")),
        "score": score if type(score) in (int, float) else None,
        "standard": {
            "slug": _str_or_none(standard.get("slug")),
            "version": _str_or_none(standard.get("version")),
            "digest": _str_or_none(standard.get("digest")),
        },
        "validFrom": _str_or_none(credential.get("validFrom")),
        "validUntil": _str_or_none(credential.get("validUntil")),
    }


_REASONS: Final[dict[str, str]] = {
    "valid": "The certificate is genuine, current, and neither suspended nor revoked.",
    "revoked": "The certificate has been revoked by the registry.",
    "suspended": "The certificate is suspended by the registry.",
}


def _verdict(
    checks: tuple[Check, ...],
    revoked: bool,
    suspended: bool,
    time_status: Status | None,
    summary: dict[str, Any] | None,
) -> Verdict:
    failures = [check for check in checks if check.result == "failed"]
    if revoked:
        status: Status = "revoked"
    elif suspended:
        status = "suspended"
    elif time_status is not None:
        status = time_status
    elif failures:
        status = "invalid"
    else:
        status = "valid"
    if status in _REASONS:
        reason = _REASONS[status]
    elif status in ("expired", "not_yet_valid"):
        reason = next(c.detail for c in checks if c.name == "validity")
    else:
        reason = failures[0].detail
    if status != "valid" and status not in ("revoked", "suspended") and failures:
        others = len(failures) - 1
        if others > 0 and status == "invalid":
            reason = f"{reason.rstrip('.')} (and {others} more problem{'s' if others > 1 else ''})."
    return Verdict(not failures, status, reason, checks, summary)


def verify_certificate(
    credential: object,
    *,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    is_published: PublishedCheck,
    now: datetime,
    registry_context_url: str,
) -> Verdict:
    """Verify one certificate completely; never raises, always a `Verdict`."""
    try:
        return _verify(
            credential,
            trust=trust,
            status_lists=status_lists,
            is_published=is_published,
            now=now if now.tzinfo is not None else now.replace(tzinfo=UTC),
            registry_context_url=registry_context_url,
        )
    except Exception:  # last line of defence: a verifier answers, it does not crash
        checks = (
            _failed("format", "The credential could not be processed."),
            *(
                _skipped(name, "Not checked: the credential could not be processed.")
                for name in CHECK_NAMES[1:]
            ),
        )
        return Verdict(False, "invalid", checks[0].detail, checks, None)


def _verify(
    credential: object,
    *,
    trust: IssuerTrust,
    status_lists: StatusListSource,
    is_published: PublishedCheck,
    now: datetime,
    registry_context_url: str,
) -> Verdict:
    if not isinstance(credential, Mapping):
        checks = (
            _failed("format", "The credential is not a JSON object."),
            *(
                _skipped(name, "Not checked: the credential is not a JSON object.")
                for name in CHECK_NAMES[1:]
            ),
        )
        return Verdict(False, "invalid", checks[0].detail, checks, None)
    parsed = _Parsed()
    format_check = _check_format(credential, registry_context_url, parsed)
    issuer_check = _check_issuer(trust, parsed)
    key_check, usable = _check_key(trust, credential.get("proof"))
    signature_check = _check_signature(trust, credential, usable)
    validity_check, time_status = _check_validity(parsed, now)
    revocation_check, revoked = _check_status("revocation", parsed, trust, status_lists, now)
    suspension_check, suspended = _check_status("suspension", parsed, trust, status_lists, now)
    standard_check = _check_standard(parsed, is_published)
    checks = (
        format_check,
        issuer_check,
        key_check,
        signature_check,
        validity_check,
        revocation_check,
        suspension_check,
        standard_check,
    )
    return _verdict(checks, revoked, suspended, time_status, _summary(credential))
