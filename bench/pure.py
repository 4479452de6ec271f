"""Figures 2-4: pure, in-process, single-threaded code paths against their baselines."""

from __future__ import annotations

import gc
import hashlib
import itertools
import random
import statistics
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from audits import bench as audits_bench
from bench import PROJECT_ROOT
from bench.figure import Figure, make_figure
from bench.timing import interleaved_rates, rate
from registry.errors import RegistryError
from registry.merkle import MemoryTree, leaf_hash, verify_consistency, verify_inclusion
from registry.multikey import b58decode, did_key_verification_method, resolve_did_key
from registry.proofs import create_proof, verify_proof
from standards.canonical import canonical_json
from standards.loader import load_ruleset

CORE_RIGHTS = PROJECT_ROOT / "standards" / "library" / "core-rights" / "1.0.0.yaml"
SMALL_TREE = 1_000
LARGE_TREE = 1_000_000


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# --- Figure 2: audits scoring ----------------------------------------------------------


def bench_scoring(seconds: float, ruleset_path: Path = CORE_RIGHTS) -> list[Figure]:
    """Scoring engine/s and bytes->report/s, each over json.loads/s of the same bytes."""
    ruleset = load_ruleset(ruleset_path)
    findings_json = audits_bench.example_submission(ruleset)
    # One run measures all three rates interleaved, so both ratios share one baseline.
    result = audits_bench.run(ruleset, findings_json, seconds)
    details: dict[str, float | int | str] = {
        "standard": f"{ruleset_path.parent.name} {ruleset_path.stem}",
        "submission_bytes": int(result["bytes"]),
        "findings": int(result["findings"]),
        "json_loads_per_s": result["json_loads_per_s"],
    }
    return [
        make_figure(
            "2a scoring",
            "scoring engine (validated findings -> scores, grade, non-conformities)"
            " / json.loads of the same bytes",
            result["scoring_engine_vs_json_loads"],
            2.0,
            ">=",
            details={**details, "scoring_engine_per_s": result["scoring_engine_per_s"]},
        ),
        make_figure(
            "2b scoring",
            "bytes -> parse+validate+score -> report with digests / json.loads of the same bytes",
            result["full_vs_json_loads"],
            0.5,
            ">=",
            details={**details, "parse_validate_score_per_s": result["parse_validate_score_per_s"]},
        ),
    ]


# --- Figure 3: offline credential verification -----------------------------------------


def certificate_credential(issuer: str, size: int = 2048) -> dict[str, Any]:
    """A certificate-shaped Verifiable Credential whose JSON is about `size` bytes."""
    digest = "sha256:" + hashlib.sha256(b"core-rights/1.0.0").hexdigest()
    principles = [
        {"principle": f"P{n}", "title": f"Core right {n}", "score": 100, "result": "met"}
        for n in range(1, 9)
    ]
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://rightsmark.org/ns/v1"],
        "id": "http://127.0.0.1:8000/credentials/7f3c2a9e-5b1d-4c8e-9a2f-1e6d3b7c0a45",
        "type": ["VerifiableCredential", "RightsmarkCertificate"],
        "issuer": {"id": issuer, "name": "Rightsmark Secretariat"},
        "validFrom": "2025-03-10T00:00:00Z",
        "validUntil": "2028-03-09T23:59:59Z",
        "credentialSubject": {
            "id": "did:web:agency.example.np",
            "type": "CertifiedProvider",
            "name": "Himalayan Overseas Employment Pvt. Ltd.",
            "country": "NP",
            "providerTypes": ["recruiter"],
            "standard": {"slug": "core-rights", "version": "1.0.0", "digest": digest},
            "audit": {
                "type": "initial",
                "startedOn": "2025-03-03",
                "endedOn": "2025-03-07",
                "auditor": "did:web:auditor.example.org",
                "workersInterviewed": 24,
                "sites": ["Kathmandu", "Pokhara"],
            },
            "principles": principles,
        },
        "credentialStatus": {
            "id": "http://127.0.0.1:8000/status/1#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": "http://127.0.0.1:8000/status/1",
        },
    }
    filler = max(0, size - len(canonical_json(credential)) - 20)
    credential["credentialSubject"]["note"] = ("Scope: recruitment and deployment. " * 64)[:filler]
    return credential


def bench_proofs(seconds: float) -> list[Figure]:
    """verify_proof/s of a signed ~2 KB credential over raw Ed25519 verify/s."""
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    method = did_key_verification_method(public)
    document = certificate_credential(method.partition("#")[0])
    signed = create_proof(document, key, method, "2025-03-10T09:30:00Z")
    proof = signed["proof"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    # The baseline verifies the very 64 bytes the proof signs (vc-di-eddsa 3.3.4 hashData),
    # with an already parsed key.
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    message = _sha256(canonical_json(options)) + _sha256(canonical_json(unsecured))
    signature = b58decode(proof["proofValue"][1:])
    public.verify(signature, message)  # raises if the baseline is not the same check
    failures: list[str] = []

    def offline() -> None:
        result = verify_proof(signed, resolve_did_key, expected_purpose="assertionMethod")
        if not result.verified and len(failures) < 5:
            failures.append(f"verify_proof failed: {result.failure}: {result.detail}")

    offline()  # a wrong signature must not pass quietly as a fast one
    if failures:
        return [_proof_figure(float("nan"), {}, failures)]
    rates = interleaved_rates(
        {"raw_ed25519_verify": lambda: public.verify(signature, message), "verify_proof": offline},
        seconds,
    )
    details: dict[str, float | int | str] = {
        "credential_bytes": len(canonical_json(signed)),
        "verify_proof_per_s": rates["verify_proof"],
        "raw_ed25519_verify_per_s": rates["raw_ed25519_verify"],
    }
    return [_proof_figure(rates["verify_proof"] / rates["raw_ed25519_verify"], details, failures)]


def _proof_figure(
    value: float, details: dict[str, float | int | str], failures: list[str]
) -> Figure:
    return make_figure(
        "3 verification",
        "verify_proof (eddsa-jcs-2022, ~2 KB credential) / raw Ed25519 verify",
        value,
        0.5,
        ">=",
        errors=len(failures),
        messages=failures,
        details=details,
    )


# --- Figure 4: Merkle proofs -------------------------------------------------------------


def build_tree(size: int) -> MemoryTree:
    """A MemoryTree of `size` leaves appended as precomputed leaf hashes."""
    tree = MemoryTree()
    append = tree.append_leaf_hash
    # Hash in chunks: at most 64k extra hashes alive besides those the tree keeps.
    for start in range(0, size, 65_536):
        chunk = [leaf_hash(i.to_bytes(8, "big")) for i in range(start, min(size, start + 65_536))]
        for leaf in chunk:
            append(leaf)
    return tree


def _proof_rates(tree: MemoryTree, seconds: float, seed: int) -> dict[str, float]:
    """Inclusion and consistency proofs/s at the tree's full size, at seeded random points."""
    size = len(tree)
    rng = random.Random(seed)  # noqa: S311 - reproducible points, not secrets
    indices = itertools.cycle([rng.randrange(size) for _ in range(1024)])
    olds = itertools.cycle([rng.randrange(1, size) for _ in range(1024)])
    return {
        "inclusion": rate(lambda: tree.inclusion_proof(next(indices), size), seconds / 2),
        "consistency": rate(lambda: tree.consistency_proof(next(olds), size), seconds / 2),
    }


def _check_proofs(tree: MemoryTree, seed: int) -> list[str]:
    """Proofs the benchmark times must also verify: a fast wrong proof is no figure."""
    size, rng, problems = len(tree), random.Random(seed), []  # noqa: S311
    for _ in range(16):
        index, old = rng.randrange(size), rng.randrange(1, size)
        try:
            leaf = tree.subtree_hash(0, index)
            verify_inclusion(leaf, index, size, tree.inclusion_proof(index, size), tree.root())
            verify_consistency(
                old, size, tree.consistency_proof(old, size), tree.root(old), tree.root()
            )
        except RegistryError as exc:
            problems.append(f"proof at size {size} (index {index}, old {old}): {exc}")
    return problems[:5]


def bench_merkle(seconds: float, small: int = SMALL_TREE, large: int = LARGE_TREE) -> list[Figure]:
    """Time per proof at `large` leaves over time per proof at `small` leaves."""
    rounds, budget = 3, seconds / 6  # 3 rounds x 2 trees, each split between the two proofs
    started = time.perf_counter()
    trees = {"small": build_tree(small), "large": build_tree(large)}
    build_s = time.perf_counter() - started
    problems = [p for tree in trees.values() for p in _check_proofs(tree, seed=7)]
    samples: dict[str, list[float]] = {}
    for r in range(rounds):  # interleaved: both trees see the same machine state
        for name, tree in trees.items():
            for kind, per_s in _proof_rates(tree, budget, seed=r).items():
                samples.setdefault(f"{kind}_{name}", []).append(per_s)
    del trees
    gc.collect()
    us = {key: 1e6 / statistics.median(values) for key, values in samples.items()}
    figures = []
    for kind in ("inclusion", "consistency"):
        details: dict[str, float | int | str] = {
            "small_leaves": small,
            "large_leaves": large,
            f"{kind}_us_small": us[f"{kind}_small"],
            f"{kind}_us_large": us[f"{kind}_large"],
            "tree_build_s": build_s,
        }
        figures.append(
            make_figure(
                f"4{'a' if kind == 'inclusion' else 'b'} merkle",
                f"{kind} proof time at {large:,} / at {small:,} leaves",
                us[f"{kind}_large"] / us[f"{kind}_small"],
                3.0,
                "<=",
                errors=len(problems),
                messages=problems,
                details=details,
            )
        )
    return figures
