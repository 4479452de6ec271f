"""The files of complaints and appeals, opened for those who may see them: the secretariat
every file; the complainant, by reference and access key, the files they sent; a provider the
files it sent (about its own organisation, or with its own appeals). To anyone else a file
does not exist. Files are kept sealed (`filing.store_attachment`) and opened here, in memory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import anyio.to_thread

from registry.accounts import Actor, Role
from registry.assessments import store
from registry.complaints import cases, rules, sealing
from registry.complaints.tables import AppealRow, ComplaintAttachmentRow
from registry.errors import NotFoundError


@dataclass(frozen=True)
class OpenedFile:
    content: bytes
    content_type: str
    filename: str


async def _row(owner: str, attachment_id: str) -> dict[str, Any]:
    row = (
        await ComplaintAttachmentRow.select()
        .where(
            (ComplaintAttachmentRow.owner == owner)
            & (ComplaintAttachmentRow.public_id == attachment_id)
        )
        .first()
    )
    if row is None or row["filename_sealed"] is None:  # erased files are gone
        raise NotFoundError(f"file {attachment_id} does not exist")
    return dict(row)


async def _opened(row: dict[str, Any]) -> OpenedFile:
    owner, attachment_id = row["owner"], row["public_id"]
    try:
        sealed = await anyio.to_thread.run_sync(store.blob_path(row["stored_sha256"]).read_bytes)
    except (FileNotFoundError, ValueError):
        raise NotFoundError(f"file {attachment_id} does not exist") from None
    return OpenedFile(
        content=sealing.unseal_bytes(sealed, case=owner, field=attachment_id),
        content_type=row["content_type"],
        filename=sealing.unseal(row["filename_sealed"], case=owner, field=attachment_id),
    )


async def for_complainant(reference: str, key: str | None, attachment_id: str) -> OpenedFile:
    """A file the complainant sent, by the case's reference and access key."""
    await cases.row_by_key(reference, key)
    row = await _row(reference, attachment_id)
    if row["party"] != rules.Party.COMPLAINANT.value:
        raise NotFoundError(f"file {attachment_id} does not exist")
    return await _opened(row)


async def for_account(owner: str, attachment_id: str, actor: Actor) -> OpenedFile:
    """A file of the complaint or appeal `owner` (a reference or an appeal id)."""
    row = await _row(owner, attachment_id)
    if actor.role is Role.SECRETARIAT:
        return await _opened(row)
    if (
        actor.role is Role.PROVIDER
        and row["party"] == rules.Party.PROVIDER.value
        and actor.provider_id is not None
        and await _provider_of(owner) == actor.provider_id
    ):
        return await _opened(row)
    raise NotFoundError(f"file {attachment_id} does not exist")


async def _provider_of(owner: str) -> str | None:
    if owner.startswith("RMC-"):
        return (await cases.row_of(owner))["provider_id"]  # type: ignore[no-any-return]
    appeal = (
        await AppealRow.select(AppealRow.provider_id).where(AppealRow.public_id == owner).first()
    )
    return None if appeal is None else appeal["provider_id"]
