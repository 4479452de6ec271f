"""The provider's licences beside a verdict: each one's check and when it was last checked.

A credential does not carry them (a licence can be cancelled long after the certificate was
signed), so the engine never sees them: whoever runs it with the registry's current records
at hand adds them to the certificate summary with `with_licences`. The API and the web page
read them from the registry's own records; `rightsmark verify --registry` from the
provider's public record; offline, they are not known and the summary has no `licences`.
Pure: what the registry answered is read as untrusted JSON and only its strings are kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, Final

from registry.trust.verify.results import Verdict, is_object

_FIELDS: Final = ("country", "number", "issuingAuthority", "expiresOn")
_CHECK: Final = ("state", "checkedAt", "source", "registerStatus", "match")
_ADVERSE: Final = frozenset({"suspended", "cancelled", "delisted", "banned"})


def _text(value: object) -> str | None:
    return value[:300] if isinstance(value, str) else None


def licence_states(licences: object) -> list[dict[str, Any]]:
    """The licences of a provider record (`registry.providers.public_view`'s `licences`) as
    a verify result shows them, in its camelCase."""
    if not isinstance(licences, list):
        return []
    out: list[dict[str, Any]] = []
    for item in licences[:100]:
        if not is_object(item):
            continue
        check = item.get("verification")
        check = check if is_object(check) else {}
        out.append(
            {
                "country": _text(item.get("country")),
                "number": _text(item.get("number")),
                "issuingAuthority": _text(item.get("issuing_authority")),
                "expiresOn": _text(item.get("expires_on")),
                "state": _text(check.get("state")) or "self_declared",
                "checkedAt": _text(check.get("checked_at")),
                "source": _text(check.get("source")),
                "registerStatus": _text(check.get("register_status")),
                "match": _text(check.get("match")),
            }
        )
    return out


def with_licences(verdict: Verdict, licences: list[dict[str, Any]]) -> Verdict:
    """The verdict with the provider's licences in its certificate summary; unchanged when
    it has no summary (not a genuine certificate: nothing it names is looked up)."""
    if verdict.certificate is None:
        return verdict
    return replace(verdict, certificate={**verdict.certificate, "licences": licences})


def licence_words(licence: Mapping[str, Any]) -> str:
    """One licence's check in plain words, for the command line."""
    state, status = licence.get("state"), licence.get("registerStatus")
    when = str(licence.get("checkedAt") or "")[:10]
    if state == "checked_against_register":
        found = "not found" if status == "not_found" else str(status)
        weak = " (matched by name only)" if licence.get("match") == "name" else ""
        warn = "; the provider may not operate under it" if status in _ADVERSE else ""
        return f"{found} in the national register{weak}, checked {when}{warn}"
    if state == "checked_by_secretariat":
        return f"checked by the secretariat on {when}"
    return "self-declared, not checked"
