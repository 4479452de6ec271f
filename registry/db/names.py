"""Display names for public ids, for the portals' lists: a provider's legal name and an
account's name next to the ids the use cases return.

One query per kind of id, whatever the length of the list; an id that names nothing is
simply absent from the answer (the page then shows the bare id). Names are user-supplied
text: the templates isolate them (`<bdi>`).
"""

from __future__ import annotations

from collections.abc import Iterable

from registry.db.tables import AccountRow, ProviderRow


async def provider_names(ids: Iterable[str | None]) -> dict[str, str]:
    """Registry id (RMP-...) -> legal name."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = await (
        ProviderRow.select(ProviderRow.public_id, ProviderRow.legal_name)
        .where(ProviderRow.public_id.is_in(wanted))
        .run()
    )
    return {row["public_id"]: row["legal_name"] for row in rows}


async def account_names(ids: Iterable[str | None]) -> dict[str, str]:
    """Account id (acc_...) -> the account's name (an auditor's, a handler's)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    rows = await (
        AccountRow.select(AccountRow.public_id, AccountRow.name)
        .where(AccountRow.public_id.is_in(wanted))
        .run()
    )
    return {row["public_id"]: row["name"] for row in rows}
