"""RFC 9162 (Certificate Transparency v2.0) Merkle tree: hashes, proofs, verification.

- Hashing (RFC 9162 section 2.1.1): leaf = SHA-256(0x00 || entry), node = SHA-256(0x01 || l || r);
  the tree of n > 1 leaves splits at k, the largest power of two smaller than n.
- Proof generation (2.1.3.1 PATH, 2.1.4.1 SUBPROOF) reads *complete subtree* hashes from a
  `SubtreeStore`: subtree (level, index) covers leaves [index * 2**level, (index+1) * 2**level).
  Every node of a tree of size n is either such a complete subtree or lies on the right
  border, whose hash folds at most log2(n) complete subtrees; so a proof costs O(log n)
  look-ups and never rehashes the log. The store will be a database table; `MemoryTree` is
  the in-memory one for tests, benchmarks and the offline verifier.
- Verification (2.1.3.2, 2.1.4.2) follows the RFC's fn/sn bit-walking algorithms. The edge
  cases follow github.com/transparency-dev/merkle `proof/verify.go`, whose test vectors we
  pass: a leaf hash must be 32 bytes, and a consistency proof from size 0 is an error.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Protocol

from registry.errors import InvalidProofError, MissingSubtreeError, RootMismatchError

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # MTH({}) per RFC 9162 2.1.1


def leaf_hash(entry: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """k: the largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """MTH of a list of leaf hashes, bottom-up in O(n) without recursion."""
    if not hashes:
        return EMPTY_ROOT
    level = list(hashes)
    while len(level) > 1:
        # Pair left to right; an odd last node rises unchanged, which is exactly the
        # "largest power of two" split applied at every level.
        paired = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            paired.append(level[-1])
        level = paired
    return level[0]


class SubtreeStore(Protocol):
    """Read access to the hashes of complete subtrees of an append-only log."""

    def subtree_hash(self, level: int, index: int) -> bytes:
        """Hash of leaves [index * 2**level, (index + 1) * 2**level); all must exist."""
        ...


def _range_hash(store: SubtreeStore, start: int, end: int) -> bytes:
    """MTH of leaves [start, end) for a node of the tree (complete or on the right border).

    Such a range decomposes into complete subtrees of strictly decreasing size, each aligned
    to its own size; folding them from the right gives the RFC's recursive split.
    """
    parts: list[bytes] = []
    while start < end:
        level = (end - start).bit_length() - 1
        parts.append(store.subtree_hash(level, start >> level))
        start += 1 << level
    result = parts.pop()
    while parts:
        result = node_hash(parts.pop(), result)
    return result


def tree_root(store: SubtreeStore, size: int) -> bytes:
    """Root hash of the first `size` leaves: O(log size) look-ups."""
    if size < 0:
        raise InvalidProofError("tree size must not be negative")
    return EMPTY_ROOT if size == 0 else _range_hash(store, 0, size)


def inclusion_proof(store: SubtreeStore, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 2.1.3.1, leaf sibling first."""
    if not 0 <= index < size:
        raise InvalidProofError(f"leaf index {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:  # walk down from the root, collecting the sibling at each split
        k = _split(end - start)
        if index < start + k:
            path.append(_range_hash(store, start + k, end))
            end = start + k
        else:
            path.append(_range_hash(store, start, start + k))
            start += k
    path.reverse()
    return path


def consistency_proof(store: SubtreeStore, size1: int, size2: int) -> list[bytes]:
    """PROOF(size1, D[size2]) of RFC 9162 2.1.4.1, deepest node first."""
    if not 0 < size1 <= size2:
        raise InvalidProofError(f"no consistency proof from size {size1} to size {size2}")
    path: list[bytes] = []
    start, end, m, whole_old_tree = 0, size2, size1, True
    while m != end - start:  # SUBPROOF(m, D[start:end], whole_old_tree), iteratively
        k = _split(end - start)
        if m <= k:
            path.append(_range_hash(store, start + k, end))
            end = start + k
        else:
            path.append(_range_hash(store, start, start + k))
            start, m, whole_old_tree = start + k, m - k, False
    if not whole_old_tree:
        # The verifier knows the old root but not this inner node, so the proof carries it.
        path.append(_range_hash(store, start, end))
    path.reverse()
    return path


def _check_hashes(proof: Sequence[bytes]) -> None:
    for position, item in enumerate(proof):
        if len(item) != HASH_SIZE:
            raise InvalidProofError(f"proof hash {position} is {len(item)} bytes, not 32")


def _mismatch(what: str) -> RootMismatchError:
    return RootMismatchError(f"the proof leads to a different {what}")


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 2.1.3.2; raises InvalidProofError or RootMismatchError, else returns."""
    if not 0 <= index < tree_size:
        raise InvalidProofError(f"leaf index {index} is not in a tree of size {tree_size}")
    if len(leaf) != HASH_SIZE:
        raise InvalidProofError(f"leaf hash is {len(leaf)} bytes, not 32")
    _check_hashes(proof)
    fn, sn, r = index, tree_size - 1, leaf
    for p in proof:
        if sn == 0:
            raise InvalidProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # Skip the levels where this node has no right sibling (the right border).
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProofError("inclusion proof is too short")
    if not hmac.compare_digest(r, root):
        raise _mismatch("root")


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> None:
    """RFC 9162 2.1.4.2; raises InvalidProofError or RootMismatchError, else returns."""
    if not 0 <= size1 <= size2:
        raise InvalidProofError(f"sizes {size1} -> {size2} are not ordered")
    if size1 == 0:
        raise InvalidProofError("a consistency proof from the empty tree is meaningless")
    if size1 == size2:
        if proof:
            raise InvalidProofError("equal sizes need an empty proof")
        if not hmac.compare_digest(root1, root2):
            raise _mismatch("root for equal sizes")
        return
    if not proof:
        raise InvalidProofError("consistency proof is empty")
    _check_hashes(proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:  # step 2: the old tree is itself a subtree of the new one
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:  # step 4
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise InvalidProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise InvalidProofError("consistency proof is too short")
    if not hmac.compare_digest(fr, root1):
        raise _mismatch("old root")
    if not hmac.compare_digest(sr, root2):
        raise _mismatch("new root")


class MemoryTree:
    """An in-memory log storing every complete subtree hash (about 2n hashes).

    Appending costs O(1) amortised hashes (O(log n) worst case), the same work a database
    store will do when it writes the subtree rows a new leaf completes.
    """

    def __init__(self) -> None:
        self._levels: list[list[bytes]] = [[]]

    def __len__(self) -> int:
        return len(self._levels[0])

    def append(self, entry: bytes) -> int:
        """Append an entry (hashed as a leaf); returns its index."""
        return self.append_leaf_hash(leaf_hash(entry))

    def append_leaf_hash(self, leaf: bytes) -> int:
        if len(leaf) != HASH_SIZE:
            raise InvalidProofError(f"leaf hash is {len(leaf)} bytes, not 32")
        index = len(self._levels[0])
        self._levels[0].append(leaf)
        level, node = 0, leaf
        # Each time a level gains an even count, the last two nodes complete a parent.
        while len(self._levels[level]) % 2 == 0:
            row = self._levels[level]
            node = node_hash(row[-2], node)
            level += 1
            if level == len(self._levels):
                self._levels.append([])
            self._levels[level].append(node)
        return index

    def subtree_hash(self, level: int, index: int) -> bytes:
        if 0 <= level < len(self._levels) and 0 <= index < len(self._levels[level]):
            return self._levels[level][index]
        raise MissingSubtreeError(f"no complete subtree at level {level}, index {index}")

    def root(self, size: int | None = None) -> bytes:
        return tree_root(self, len(self) if size is None else self._checked(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return inclusion_proof(self, index, len(self) if size is None else self._checked(size))

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        size2 = len(self) if size2 is None else self._checked(size2)
        return consistency_proof(self, size1, size2)

    def _checked(self, size: int) -> int:
        if not 0 <= size <= len(self):
            raise InvalidProofError(f"the tree has {len(self)} leaves, not {size}")
        return size
