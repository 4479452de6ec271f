"""The public transparency log (RFC 9162 tree, C2SP checkpoints): read-only, no token.

Hashes are base64, as in RFC 9162. Entries are their canonical JSON text: the leaf hash is
SHA-256(0x00 || UTF-8 bytes of `entry`). Out-of-range requests are 400 problem details
(`LogRangeError`). Checkpoints and proofs change as the log grows, so they are not cached
for long; entries never change once written.
"""

from __future__ import annotations

import base64
from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import QueryParameter
from pydantic import BaseModel, Field

from registry.transparency import checkpoints, log

MAX_INDEX = 2**40 - 1  # the log's node keys leave room for 2**40 leaves


def _b64(items: list[bytes]) -> list[str]:
    return [base64.b64encode(item).decode("ascii") for item in items]


class LogEntryOut(BaseModel):
    index: int
    entry: str = Field(description="RFC 8785 canonical JSON of the event, hashed as UTF-8")


class LogEntriesOut(BaseModel):
    start: int
    end: int = Field(description="One past the last entry returned")
    tree_size: int = Field(description="The log's size when the page was read")
    entries: list[LogEntryOut]


class InclusionProofOut(BaseModel):
    index: int
    tree_size: int
    hashes: list[str] = Field(description="Base64 audit path, the leaf's sibling first")


class ConsistencyProofOut(BaseModel):
    from_: int = Field(alias="from")
    to: int
    hashes: list[str] = Field(description="Base64 consistency proof, RFC 9162 2.1.4")


Index = Annotated[int, QueryParameter(ge=0, le=MAX_INDEX)]
Size = Annotated[int, QueryParameter(ge=0, le=MAX_INDEX + 1)]


class LogController(Controller):
    path = "/log"
    tags = ["transparency log"]

    @get(
        "/checkpoint",
        operation_id="getLogCheckpoint",
        summary="The latest signed checkpoint",
        media_type="text/plain",
    )
    async def checkpoint(self) -> Response[str]:
        """A C2SP signed note (tlog-checkpoint): origin, tree size and base64 root hash, then
        an Ed25519 signature by the key at `/log/key`. A size is signed once; the registry
        never signs a checkpoint that does not extend the previous one."""
        note = await checkpoints.latest_checkpoint()
        return Response(note, media_type="text/plain; charset=utf-8", headers=_NO_STORE)

    @get(
        "/key",
        operation_id="getLogKey",
        summary="The checkpoint verifier key",
        media_type="text/plain",
    )
    async def key(self) -> Response[str]:
        """`<name>+<hex key ID>+<base64(0x01 || Ed25519 public key)>` (C2SP signed-note
        verifier key). Monitors pin it on first use."""
        text = await checkpoints.log_verifier_key()
        return Response(text + "\n", media_type="text/plain; charset=utf-8")

    @get("/entries", operation_id="listLogEntries", summary="A page of log entries")
    async def entries(
        self, start: Index = 0, end: Annotated[int | None, QueryParameter(ge=1)] = None
    ) -> LogEntriesOut:
        """Entries `[start, end)`, at most 256 per page; `end` is cut to the log's size, so
        read on from the answer's `end` until it equals `tree_size`."""
        size = await log.current_size()
        items = await log.read_entries(start, end, size)
        return LogEntriesOut(
            start=start,
            end=start + len(items),
            tree_size=size,
            entries=[LogEntryOut(index=item.index, entry=item.entry) for item in items],
        )

    @get(
        "/proof/inclusion",
        operation_id="getLogInclusionProof",
        summary="Inclusion proof of one entry",
    )
    async def inclusion(self, index: Index, tree_size: Size) -> InclusionProofOut:
        """PATH(index, D[tree_size]) of RFC 9162 2.1.3.1, computed from stored subtrees."""
        proof = await log.inclusion_proof(index, tree_size)
        return InclusionProofOut(index=index, tree_size=tree_size, hashes=_b64(proof))

    @get(
        "/proof/consistency",
        operation_id="getLogConsistencyProof",
        summary="Consistency proof between two tree sizes",
    )
    async def consistency(
        self,
        from_: Annotated[int, QueryParameter(name="from", ge=1, le=MAX_INDEX + 1)],
        to: Size,
    ) -> Response[dict[str, object]]:
        """PROOF(from, D[to]) of RFC 9162 2.1.4.1: shows the tree of size `to` extends the
        tree of size `from` (1 <= from <= to <= the log's size)."""
        proof = await log.consistency_proof(from_, to)
        body = ConsistencyProofOut.model_validate({"from": from_, "to": to, "hashes": _b64(proof)})
        return Response(body.model_dump(by_alias=True))


_NO_STORE = {"Cache-Control": "no-cache"}
