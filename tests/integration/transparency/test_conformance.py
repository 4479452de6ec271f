"""The database-backed tree against the published vectors: the RFC example's 8 leaves give
the published root, and every happy-path proof of transparency-dev/merkle is regenerated
byte for byte from the stored subtrees (those vectors are proofs in that 8-leaf tree)."""

from __future__ import annotations

import base64
import datetime as dt
import json

from registry.db.database import write_transaction
from registry.transparency import log
from registry.trust import merkle
from tests.support.conformance import conformance_files

README_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
README_ROOT = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
AT = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)


def b64(items: list[str] | None) -> list[bytes]:
    return [base64.b64decode(item) for item in items or []]


async def test_stored_tree_reproduces_the_published_vectors(db: None) -> None:
    async with write_transaction():
        for raw in README_LEAVES:  # raw bytes, not JSON: stored as hex text for the test
            await log.append_leaf(merkle.leaf_hash(bytes.fromhex(raw)), raw, "test", AT)
    assert (await log.root_at(8)).hex() == README_ROOT
    checked = 0
    for path in conformance_files("merkle/inclusion/*/happy-path.json"):
        case = json.loads(path.read_text())
        proof = await log.inclusion_proof(case["leafIdx"], case["treeSize"])
        assert proof == b64(case["proof"]), path
        assert await log.root_at(case["treeSize"]) == base64.b64decode(case["root"])
        checked += 1
    for path in conformance_files("merkle/consistency/*/happy-path.json"):
        case = json.loads(path.read_text())
        proof = await log.consistency_proof(case["size1"], case["size2"])
        assert proof == b64(case["proof"]), path
        assert await log.root_at(case["size1"]) == base64.b64decode(case["root1"])
        checked += 1
    assert checked == 10
