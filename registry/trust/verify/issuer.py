"""The trust anchor of verification: the registry's DID and its assertion keys.

`IssuerTrust` is built once from the registry's DID document (parsing keys costs more than
a whole credential's hash) and also owns the memo of verified status list credentials, whose
verification depends on these keys (see `registry.trust.verify.status`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.errors import CryptoError
from registry.trust.multikey import KeyRing, public_key_from_multibase
from registry.trust.verify.time import parse_datetime

if TYPE_CHECKING:
    from registry.trust.verify.results import VerifiedList

STATUS_LIST_CACHE_SIZE: Final = 256


class IssuerTrustError(CryptoError):
    """The DID document cannot serve as the registry's trust anchor (wrong DID, malformed)."""


@dataclass(frozen=True, slots=True)
class TrustedKey:
    method: str
    revoked: datetime | None  # compromised from this time on


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
        self._keys = {method: TrustedKey(method, revoked) for method, (_, revoked) in keys.items()}
        self._cache: OrderedDict[bytes, VerifiedList | str] = OrderedDict()
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

    def key(self, method: str) -> TrustedKey | None:
        return self._keys.get(method)

    @property
    def methods(self) -> tuple[str, ...]:
        return tuple(self._keys)

    # The status list memo: a bounded LRU keyed by canonical bytes.
    def cached(self, key: bytes) -> VerifiedList | str | None:
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
            return hit

    def remember(self, key: bytes, value: VerifiedList | str) -> None:
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
