"""Where the registry's certificates say they come from, against where it is served.

Every credential names its issuer (`did:web:<host>`, resolved at
`<public URL>/.well-known/did.json`), its own id and its status lists under the public URL
the registry had when it signed them. Served under another `RIGHTSMARK_PUBLIC_URL`, the
registry would announce a DID no certificate carries, and each of them would fail
verification on its own registry: `rightsmark serve` checks before it starts.
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec

from registry.certificates.tables import CertificateRow
from registry.settings import get_settings
from registry.signing.keys import did_web


@dataclass(frozen=True)
class OriginMismatch:
    issued_as: str  # the DID the newest certificate was signed as
    served_as: str  # the DID of RIGHTSMARK_PUBLIC_URL
    credential_id: str  # that certificate's credential id (whose origin is the old URL)


async def origin_mismatch() -> OriginMismatch | None:
    """None when no certificate was issued yet (or the database is not initialised), or
    the newest was issued as this URL's DID."""
    if not await CertificateRow.table_exists():
        return None
    newest = (
        await CertificateRow.select(CertificateRow.credential)
        .order_by(CertificateRow.id, ascending=False)
        .first()
    )
    if newest is None:
        return None
    credential = msgspec.json.decode(newest["credential"])
    issuer = credential.get("issuer")
    issued_as = issuer.get("id") if isinstance(issuer, dict) else issuer
    served_as = did_web(get_settings().public_url)
    if not isinstance(issued_as, str) or issued_as == served_as:
        return None
    return OriginMismatch(issued_as, served_as, str(credential.get("id", "")))
