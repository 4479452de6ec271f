"""The `log` check of a certificate: is its issuance in the transparency log? Pure (no
database, no network), so `rightsmark verify` and `POST /api/v1/verify` share it.

It passes when a tlog-proof bundle (`checkpoints.proof_bundle`) carries the
`certificate.issued` entry of *this* certificate with the SHA-256 of *this* credential's
canonical bytes, included under a checkpoint signed by the log key. So a credential edited
after issuance, a bundle for another certificate, a forged proof and a checkpoint signed by
any other key each fail it; a verifier that could get no bundle reports it skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Final

from registry.trust.tlog_bundles import BundleResult, match_bundle, open_bundle
from registry.trust.tlog_errors import MonitorError
from registry.trust.verify.results import Check, failed, passed, skipped
from standards.canonical import canonical_json

NAME: Final = "log"
CREDENTIALS_PATH: Final = "/credentials/"


def certificate_id(credential: object) -> str | None:
    """`crt_...` from the credential's id (`<registry>/credentials/crt_...`), or None."""
    url = credential.get("id") if isinstance(credential, Mapping) else None
    if not isinstance(url, str) or CREDENTIALS_PATH not in url:
        return None
    found = url.rsplit(CREDENTIALS_PATH, 1)[1]
    return found if found.startswith("crt_") and "/" not in found else None


def credential_digest(credential: object) -> str:
    """How issuance records it: `sha256:` + hex of the RFC 8785 bytes of the signed
    credential (the same encoder as `certificates.service`, so the same bytes)."""
    return "sha256:" + hashlib.sha256(canonical_json(credential)).hexdigest()


def check_log(credential: object, bundle: str | None, log_key: str | None, why: str = "") -> Check:
    """The `log` check; `why` says why there is no bundle or key when one is None."""
    if bundle is None or log_key is None:
        return skipped(NAME, why or "Not checked: no log proof was given.")
    if certificate_id(credential) is None:
        return failed(NAME, "The credential has no certificate id to look for in the log.")
    try:
        opened = open_bundle(bundle, log_key)
    except MonitorError as exc:
        return _refused(exc)
    return check_opened(credential, opened, log_key)


def check_opened(credential: object, opened: BundleResult, log_key: str) -> Check:
    """The `log` check against a bundle already opened with `log_key` (`open_bundle`: its
    checkpoint signature and the entry's inclusion hold): the part that depends on the
    credential, which must be the one the entry records."""
    public_id = certificate_id(credential)
    if public_id is None:
        return failed(NAME, "The credential has no certificate id to look for in the log.")
    try:
        digest = credential_digest(credential)
    except Exception:  # not encodable as JSON (cannot come from a parser): nothing to match
        return failed(NAME, "The credential cannot be hashed as the log records it.")
    try:
        result = match_bundle(
            opened, subject=("certificate", public_id), digest=("credential", digest)
        )
    except MonitorError as exc:
        return _refused(exc)
    if result.entry.get("type") != "certificate.issued":
        return failed(
            NAME, f"The log entry {result.index} is a {result.entry.get('type')}, not an issuance."
        )
    return passed(
        NAME,
        f"Issued as entry {result.index} of the transparency log, included under the "
        f"checkpoint of size {result.checkpoint.size} signed by {log_key.split('+', 1)[0]}.",
    )


def _refused(exc: MonitorError) -> Check:
    detail = str(exc)
    if "another credential digest" in detail:
        detail = (
            "The transparency log records a different credential for this certificate: "
            "it was changed after issuance."
        )
    return failed(NAME, detail[0].upper() + detail[1:].rstrip(".") + ".")
