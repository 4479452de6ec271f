"""Errors of the assessments sub-package, within the registry's one hierarchy."""

from __future__ import annotations

from registry.errors import InvalidRequestError, RegistryError


class EvidenceTooLarge(RegistryError):
    """An evidence file exceeds `evidence_max_bytes` (HTTP 413)."""


class UnsupportedEvidence(RegistryError):
    """An evidence file's type is not accepted, or its bytes contradict it (HTTP 415)."""


class IdempotencyKeyReused(InvalidRequestError):
    """An `Idempotency-Key` already answered a different request (HTTP 422)."""
