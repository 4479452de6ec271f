"""The public log API through the in-process app: checkpoint, key, entries, proofs."""

from __future__ import annotations

import base64
import datetime as dt

import httpx

from registry.db.database import write_transaction
from registry.transparency import log
from registry.trust import merkle
from registry.trust.signed_note import verify_note
from registry.urls import log_origin

AT = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


async def fill(n: int) -> merkle.MemoryTree:
    async with write_transaction():
        for i in range(n):
            await log.append_event(
                "certificate.issued", {"certificate": f"crt_{i:04d}"}, actor_role="system", at=AT
            )
    tree = merkle.MemoryTree()
    while len(tree) < await log.current_size():
        for item in await log.read_entries(len(tree), None):
            tree.append(item.entry.encode())
    return tree


def hashes(body: dict[str, object]) -> list[bytes]:
    items = body["hashes"]
    assert isinstance(items, list)
    return [base64.b64decode(h) for h in items]


async def test_checkpoint_is_signed_by_the_published_key(client: httpx.AsyncClient) -> None:
    tree = await fill(7)
    key = (await client.get("/log/key")).text.strip()
    answer = await client.get("/log/checkpoint")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    checkpoint = verify_note(answer.text, key, origin=log_origin())
    assert (checkpoint.size, checkpoint.root_hash) == (7, tree.root())
    assert (await client.get("/log/checkpoint")).text == answer.text  # one size, one note
    await fill(2)
    grown = verify_note((await client.get("/log/checkpoint")).text, key)
    assert grown.size == 9


async def test_entries_and_proofs(client: httpx.AsyncClient) -> None:
    tree = await fill(300)
    first = (await client.get("/log/entries", params={"start": 0})).json()
    assert (first["start"], first["end"], first["tree_size"]) == (0, 256, 300)
    rest = (await client.get("/log/entries", params={"start": 256, "end": 999})).json()
    assert [e["index"] for e in rest["entries"]] == list(range(256, 300))
    assert merkle.leaf_hash(rest["entries"][0]["entry"].encode()) == tree.subtree_hash(0, 256)
    inclusion = await client.get("/log/proof/inclusion", params={"index": 5, "tree_size": 77})
    assert inclusion.status_code == 200, inclusion.text
    assert hashes(inclusion.json()) == tree.inclusion_proof(5, 77)
    consistency = await client.get("/log/proof/consistency", params={"from": 13, "to": 300})
    assert consistency.status_code == 200, consistency.text
    assert consistency.json()["from"] == 13
    assert hashes(consistency.json()) == tree.consistency_proof(13, 300)


async def test_bad_ranges_are_problem_details(client: httpx.AsyncClient) -> None:
    await fill(4)
    for path, params in [
        ("/log/entries", {"start": 4}),
        ("/log/entries", {"start": 2, "end": 2}),
        ("/log/entries", {"start": -1}),
        ("/log/proof/inclusion", {"index": 4, "tree_size": 4}),
        ("/log/proof/inclusion", {"index": 0, "tree_size": 5}),
        ("/log/proof/consistency", {"from": 3, "to": 2}),
        ("/log/proof/consistency", {"from": 0, "to": 2}),
        ("/log/proof/consistency", {"from": 1, "to": 9}),
    ]:
        answer = await client.get(path, params=params)
        assert answer.status_code == 400, (path, params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["status"] == 400


async def test_operations_are_documented(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ["/log/checkpoint", "/log/key", "/log/entries", "/log/proof/inclusion"]:
        operation = paths[path]["get"]
        assert operation["operationId"]
        assert operation["summary"]
    assert paths["/log/proof/consistency"]["get"]["operationId"] == "getLogConsistencyProof"
