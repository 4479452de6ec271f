"""Figures 2 and 4: pure, in-process, single-threaded code paths against their baselines."""

from __future__ import annotations

import gc
import itertools
import random
import statistics
import time
from pathlib import Path

from bench import PROJECT_ROOT
from bench import scoring as audits_bench
from bench.figure import Figure, make_figure
from bench.timing import rate
from registry.errors import RegistryError
from registry.trust.merkle import MemoryTree, leaf_hash, verify_consistency, verify_inclusion
from standards.loader import load_ruleset

CORE_RIGHTS = PROJECT_ROOT / "standards" / "library" / "core-rights" / "1.0.0.yaml"
SMALL_TREE = 1_000
LARGE_TREE = 1_000_000


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


# Figure 3 (offline certificate verification) is in `bench.verify`.


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
