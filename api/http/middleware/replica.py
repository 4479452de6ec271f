"""Which requests may read from a PostgreSQL standby (`RIGHTSMARK_DATABASE_REPLICA_URL`).

The public reads anyone makes without credentials: credentials, certificate pages and the
certificate API, search, provider pages, status lists, log entries, checkpoints and proofs.
Their answers are public and the standby's data is checked against the primary's log
position first (`registry.db.replica`), so they promise what they promised on the primary
alone (docs/freshness.md). Everything else reads on the primary: verification (the verdict
on a just-suspended certificate), the portal and every request with credentials (a token
revoked a moment ago), complaints, and anything that writes.
"""

from __future__ import annotations

from typing import Final

from litestar.types import Scope

_PREFIXES: Final = (
    "/credentials/",
    "/certificates/",
    "/providers/",
    "/api/v1/certificates",
    "/api/v1/status",
    "/log/",
    "/api/v1/log",
    "/feeds/",
)
_EXACT: Final = frozenset({"/", "/api/v1/providers", "/log"})
_CREDENTIALS: Final = (b"authorization", b"complaint-key", b"cookie")


def public_read(scope: Scope) -> bool:
    """Whether this HTTP request is a public read that a standby may answer."""
    if scope.get("method") not in ("GET", "HEAD"):
        return False
    if any(name in _CREDENTIALS for name, _ in scope.get("headers", ())):
        return False
    path: str = scope.get("path", "")
    return path in _EXACT or path.startswith(_PREFIXES)
