"""What the verification engine answers: one `Check` per check, and the overall `Verdict`.

Also the certificate summary shown beside a verdict, and how the verdict's status and reason
follow from the checks (revoked and suspended first, then the validity window, else invalid
when anything failed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Literal, TypeGuard

if TYPE_CHECKING:
    from registry.trust.statuslist import StatusList

CheckResult = Literal["passed", "failed", "skipped"]
Status = Literal["valid", "revoked", "suspended", "expired", "not_yet_valid", "invalid"]

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

    @property
    def code(self) -> str:
        """The reason as a stable code, the same in every language (docs/languages.md):
        the status when it says it all (`valid`, `revoked`, `suspended`, `expired`,
        `not_yet_valid`); for an invalid one, `not_genuine.<check>` when an authenticity
        check failed, else `failed.<check>`, naming the first check that failed."""
        if self.status != "invalid":
            return self.status
        failures = [check for check in self.checks if check.result == "failed"]
        first = next((c for c in failures if c.name in AUTHENTICITY), None)
        if first is not None:
            return f"not_genuine.{first.name}"
        return f"failed.{failures[0].name}" if failures else "invalid"

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "status": self.status,
            "code": self.code,
            "reason": self.reason,
            "checks": [check.to_dict() for check in self.checks],
            "certificate": self.certificate,
        }

    def check(self, name: str) -> Check | None:
        for check in self.checks:
            if check.name == name:
                return check
        return None


def passed(name: str, detail: str) -> Check:
    return Check(name, "passed", detail)


def failed(name: str, detail: str) -> Check:
    return Check(name, "failed", detail)


def skipped(name: str, detail: str) -> Check:
    return Check(name, "skipped", detail)


def is_object(value: object) -> TypeGuard[Mapping[str, Any]]:
    """A JSON object: the exact-type test first, since the ABC check costs more on a hot path."""
    return type(value) is dict or isinstance(value, Mapping)


def unprocessable(detail: str) -> Verdict:
    """The verdict on input that cannot be checked at all: format failed, the rest skipped."""
    checks = (
        failed("format", detail),
        *(
            skipped(name, f"Not checked: {detail[0].lower()}{detail[1:]}")
            for name in CHECK_NAMES[1:]
        ),
    )
    return Verdict(False, "invalid", detail, checks, None)


# --- the summary ----------------------------------------------------------------------------


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def summary(credential: Mapping[str, Any]) -> dict[str, Any]:
    subject = credential.get("credentialSubject")
    subject = subject if is_object(subject) else {}
    provider = subject.get("provider")
    provider = provider if is_object(provider) else {}
    standard = subject.get("standard")
    standard = standard if is_object(standard) else {}
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


# --- the verdict ----------------------------------------------------------------------------

_REASONS: Final[dict[str, str]] = {
    "valid": "The certificate is genuine, current, and neither suspended nor revoked.",
    "revoked": "The certificate has been revoked by the registry.",
    "suspended": "The certificate is suspended by the registry.",
}


# The checks that say whether the credential is this registry's, unaltered: until they all
# hold, nothing else it says (its status entries, its provider) is believed or shown.
AUTHENTICITY: Final = frozenset({"format", "issuer", "key", "signature"})
NOT_GENUINE: Final = "Not a genuine certificate of this registry"
NOT_CHECKED: Final = "Not checked: the credential is not a genuine certificate of this registry."


def genuine(checks: Iterable[Check]) -> bool:
    return not any(c.name in AUTHENTICITY and c.result == "failed" for c in checks)


def verdict(
    checks: tuple[Check, ...],
    revoked: bool,
    suspended: bool,
    time_status: Status | None,
    certificate: dict[str, Any] | None,
) -> Verdict:
    failures = [check for check in checks if check.result == "failed"]
    if not genuine(checks):
        first = next(c for c in failures if c.name in AUTHENTICITY)
        others = len(failures) - 1
        more = f" (and {others} more problem{'s' if others > 1 else ''})" if others else ""
        reason = f"{NOT_GENUINE}: {first.detail.rstrip('.')}{more}."
        # No summary: the provider and grade it names are the forger's words.
        return Verdict(False, "invalid", reason, checks, None)
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
    return Verdict(not failures, status, reason, checks, certificate)


def with_check(result: Verdict, check: Check) -> Verdict:
    """`result` with one more check after the engine's own (the transparency log's, say),
    its status and reason recomputed as if the engine had run it: a failure makes a
    certificate that was otherwise valid invalid, with that failure as the reason, and
    counts as one more problem on a verdict that already failed."""
    status = result.status
    time_status: Status | None = status if status in ("expired", "not_yet_valid") else None
    return verdict(
        (*result.checks, check),
        status == "revoked",
        status == "suspended",
        time_status,
        result.certificate,
    )


@dataclass(frozen=True, slots=True)
class VerifiedList:
    """What a verified, decoded status list credential says, independent of the time."""

    url: object  # the credential's `id`
    purpose: str
    bits: StatusList
    valid_from: datetime | None
    valid_until: datetime | None
