"""Errors of the transparency log, within the registry's one hierarchy.

`LogRangeError` derives from the bare `RegistryError`, which the API answers with 400: a
range or size outside the log is a bad request, not a missing record.
"""

from __future__ import annotations

from registry.errors import RegistryError


class LogError(RegistryError):
    """Base of the transparency log's errors."""


class LogRangeError(LogError):
    """An entry range, index or tree size the log cannot answer for."""


class LogUsageError(LogError):
    """A programming error: an append outside a write transaction, an unknown event kind."""


class LogIntegrityError(RuntimeError):
    """The stored log contradicts itself or a checkpoint already signed: refuse to sign.

    Deliberately not a `RegistryError`: it is the server's fault, never the caller's, so the
    API logs it and answers 500 instead of mapping it to a 4xx problem."""


class MonitorError(LogError):
    """A monitor found the log inconsistent: a bad signature, a fork, a rewritten entry."""
