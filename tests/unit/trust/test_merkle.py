"""RFC 9162 Merkle tree: transparency-dev/merkle vectors, generated proofs, naive roots."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from registry.errors import (
    InvalidProofError,
    MissingSubtreeError,
    ProofVerificationError,
    RootMismatchError,
)
from registry.trust.merkle import (
    EMPTY_ROOT,
    MemoryTree,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from tests.support.conformance import CONFORMANCE_DIR, conformance_files

INCLUSION = conformance_files("merkle/inclusion/**/*.json")
CONSISTENCY = conformance_files("merkle/consistency/**/*.json")
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
N = 64


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def proof_of(case: dict[str, Any]) -> list[bytes]:
    return [b64(p) for p in case["proof"] or []]  # Go's nil slices are serialised as null


def label(path: Path) -> str:
    return str(path.relative_to(CONFORMANCE_DIR / "merkle"))


@pytest.mark.parametrize("path", INCLUSION, ids=label)
def test_inclusion_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (
        b64(case["leafHash"]),
        case["leafIdx"],
        case["treeSize"],
        proof_of(case),
        b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(ProofVerificationError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=label)
def test_consistency_vectors(path: Path) -> None:
    case = json.loads(path.read_text())
    args = (case["size1"], case["size2"], proof_of(case), b64(case["root1"]), b64(case["root2"]))
    if case["wantErr"]:
        with pytest.raises(ProofVerificationError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_vector_sets_are_complete() -> None:
    # Guards against a partial copy of the shared folder silently shrinking the suite.
    assert len(INCLUSION) >= 80
    assert len(CONSISTENCY) >= 90


def test_readme_leaves_give_published_root() -> None:
    tree = MemoryTree()
    for entry in README_LEAVES:
        tree.append(bytes.fromhex(entry))
    assert tree.root().hex() == README_ROOT
    hashes = [leaf_hash(bytes.fromhex(entry)) for entry in README_LEAVES]
    assert root_from_leaf_hashes(hashes).hex() == README_ROOT


def naive_root(entries: Sequence[bytes]) -> bytes:
    """MTH straight from RFC 9162 2.1.1, recursively."""
    if not entries:
        return EMPTY_ROOT
    if len(entries) == 1:
        return leaf_hash(entries[0])
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return node_hash(naive_root(entries[:k]), naive_root(entries[k:]))


ENTRIES = [f"entry {i}".encode() for i in range(N)]


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    tree = MemoryTree()
    for i, entry in enumerate(ENTRIES):
        assert tree.append(entry) == i
    return tree


def test_roots_equal_naive_recursion(tree: MemoryTree) -> None:
    for size in range(N + 1):
        expected = naive_root(ENTRIES[:size])
        assert tree.root(size) == expected
        assert root_from_leaf_hashes([leaf_hash(e) for e in ENTRIES[:size]]) == expected


def test_every_inclusion_proof_verifies(tree: MemoryTree) -> None:
    for size in range(1, N + 1):
        root = tree.root(size)
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            verify_inclusion(leaf_hash(ENTRIES[index]), index, size, proof, root)
            if size > 1:  # and the same proof fails for any other leaf position
                with pytest.raises(ProofVerificationError):
                    verify_inclusion(
                        leaf_hash(ENTRIES[index]), (index + 1) % size, size, proof, root
                    )


def test_every_consistency_proof_verifies(tree: MemoryTree) -> None:
    roots = [tree.root(size) for size in range(N + 1)]
    for size1 in range(1, N + 1):
        for size2 in range(size1, N + 1):
            proof = tree.consistency_proof(size1, size2)
            verify_consistency(size1, size2, proof, roots[size1], roots[size2])
            if size1 < size2:
                with pytest.raises(RootMismatchError):
                    verify_consistency(size1, size2, proof, roots[size1 - 1], roots[size2])


class CountingStore:
    """Wraps a tree to count look-ups: proofs must cost O(log n), not O(n)."""

    def __init__(self, tree: MemoryTree) -> None:
        self.tree, self.lookups = tree, 0

    def subtree_hash(self, level: int, index: int) -> bytes:
        self.lookups += 1
        return self.tree.subtree_hash(level, index)


def test_proofs_cost_logarithmic_lookups() -> None:
    tree = MemoryTree()
    size = 100_003
    for i in range(size):
        tree.append_leaf_hash(i.to_bytes(32, "big"))
    store = CountingStore(tree)
    inclusion_proof(store, 12_345, size)
    consistency_proof(store, 77_777, size)
    tree_root(store, size)
    assert store.lookups <= 3 * 2 * size.bit_length()


def test_generation_rejects_bad_ranges(tree: MemoryTree) -> None:
    with pytest.raises(InvalidProofError):
        tree.inclusion_proof(N, N)
    with pytest.raises(InvalidProofError):
        tree.consistency_proof(0, N)
    with pytest.raises(InvalidProofError):
        tree.root(N + 1)
    with pytest.raises(MissingSubtreeError):
        tree.subtree_hash(0, N)


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        ((b"\0" * 31, 0, 1, [], b"\0" * 32), InvalidProofError, "leaf hash"),
        ((b"\0" * 32, 1, 1, [], b"\0" * 32), InvalidProofError, "not in a tree"),
        ((b"\0" * 32, -1, 1, [], b"\0" * 32), InvalidProofError, "not in a tree"),
        ((b"\0" * 32, 0, 2, [], b"\0" * 32), InvalidProofError, "too short"),
        ((b"\0" * 32, 0, 1, [b"\0" * 32], b"\0" * 32), InvalidProofError, "too long"),
        ((b"\0" * 32, 0, 2, [b"\0" * 31], b"\0" * 32), InvalidProofError, "proof hash 0"),
        ((b"\0" * 32, 0, 1, [], b"\1" * 32), RootMismatchError, "different root"),
    ],
)
def test_inclusion_errors_are_precise(
    args: tuple[bytes, int, int, list[bytes], bytes], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        verify_inclusion(*args)


def test_consistency_errors_are_precise(tree: MemoryTree) -> None:
    r4, r8 = tree.root(4), tree.root(8)
    proof = tree.consistency_proof(4, 8)
    with pytest.raises(InvalidProofError, match="empty tree"):
        verify_consistency(0, 8, proof, EMPTY_ROOT, r8)
    with pytest.raises(InvalidProofError, match="not ordered"):
        verify_consistency(8, 4, proof, r8, r4)
    with pytest.raises(InvalidProofError, match="too long"):
        verify_consistency(4, 8, [*proof, proof[0]], r4, r8)
    with pytest.raises(InvalidProofError, match="empty"):
        verify_consistency(4, 8, [], r4, r8)
    with pytest.raises(RootMismatchError, match="new root"):
        verify_consistency(4, 8, proof, r4, r4)
    # A power-of-two old tree seeds the check with root1 itself, so use size 5 here.
    with pytest.raises(RootMismatchError, match="old root"):
        verify_consistency(5, 8, tree.consistency_proof(5, 8), r4, r8)


def test_memory_tree_refuses_bad_leaf_hash() -> None:
    with pytest.raises(InvalidProofError):
        MemoryTree().append_leaf_hash(b"short")
