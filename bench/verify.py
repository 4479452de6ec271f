"""Figure 3: offline verification of one certificate against a raw Ed25519 verify.

`3a verify` is the whole engine an employer runs offline: `verify_certificate` on a real,
signed certificate (the registry's own builders, a non-integral score) with both status
checks, the `IssuerTrust` built once from the DID document and the status list memo warm -
as in bulk verification, where many certificates share two lists. `3b verify_proof` is the
bare `eddsa-jcs-2022` proof check of the same certificate. The baseline verifies the very
64 bytes the proof signs (vc-di-eddsa 3.3.4 hashData) with an already parsed key. All three
rates are measured interleaved, on one core.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from bench.certificate import SignedWorld, signed_world
from bench.figure import Figure, make_figure
from bench.timing import interleaved_rates
from registry.trust.multikey import b58decode
from registry.trust.proofs import verify_proof
from registry.trust.verify.engine import IssuerTrust, Verdict, verify_certificate
from standards.canonical import canonical_json

TARGET = 0.5


def offline_verifier(
    world: SignedWorld,
    trust: IssuerTrust | None = None,
    status_lists: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[dict[str, Any]], Verdict]:
    """verify_certificate bound to a trust anchor, the status lists and the world's clock."""
    anchor = trust or world.trust()
    lists = (status_lists if status_lists is not None else world.status_lists).get

    def verify(credential: dict[str, Any]) -> Verdict:
        return verify_certificate(
            credential,
            trust=anchor,
            status_lists=lists,
            is_published=lambda slug, version: True,
            now=world.now,
            registry_context_url=world.context_url,
        )

    return verify


def _sanity(world: SignedWorld, trust: IssuerTrust) -> list[str]:
    """A figure of a verifier that accepts forgeries or refuses the genuine is no figure.

    Uses the very trust anchor the figure times, after its status list memo is warm: a list
    differing from a remembered one in one signed byte must still fail.
    """
    problems = []
    verify = offline_verifier(world, trust)
    verdict = verify(world.certificate)
    if not verdict.valid:
        problems.append(f"the genuine certificate did not verify: {verdict.reason}")
    forged = copy.deepcopy(world.certificate)
    forged["credentialSubject"]["grade"] = "A+"
    if verify(forged).valid:
        problems.append("a certificate with an altered grade verified")
    tampered = copy.deepcopy(world.status_lists)
    for document in tampered.values():
        document["credentialSubject"]["ttl"] += 1
    if offline_verifier(world, trust, tampered)(world.certificate).valid:
        problems.append("a certificate verified against tampered status lists")
    return problems


def bench_verification(seconds: float) -> list[Figure]:
    """3a: verify_certificate/s with status checks, 3b: verify_proof/s, each / raw verify/s."""
    world = signed_world(score=87.5)
    trust = world.trust()
    verify = offline_verifier(world, trust)
    certificate = world.certificate
    proof = certificate["proof"]
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    unsecured = {k: v for k, v in certificate.items() if k != "proof"}
    message = (
        hashlib.sha256(canonical_json(options)).digest()
        + hashlib.sha256(canonical_json(unsecured)).digest()
    )
    signature = b58decode(proof["proofValue"][1:])
    public = trust.keyring(proof["verificationMethod"])
    failures = _sanity(world, trust)
    if public is None:
        failures.append("the certificate's key is not in the DID document")
    else:
        public.verify(signature, message)  # raises if the baseline is not the same check
    if failures:
        nan = float("nan")
        return [_figure("3a", nan, {}, failures), _figure("3b", nan, {}, [])]
    assert public is not None
    verify(certificate)  # the status list memo is warm from here on

    def certificate_case() -> None:
        if not verify(certificate).valid and len(failures) < 5:
            failures.append("verify_certificate failed during the run")

    def proof_case() -> None:
        result = verify_proof(
            certificate, trust.keyring, expected_purpose="assertionMethod", exact_context=True
        )
        if not result.verified and len(failures) < 5:
            failures.append(f"verify_proof failed: {result.failure}: {result.detail}")

    rates = interleaved_rates(
        {
            "raw_ed25519_verify": lambda: public.verify(signature, message),
            "verify_certificate": certificate_case,
            "verify_proof": proof_case,
        },
        seconds,
        rounds=7,
    )
    raw = rates["raw_ed25519_verify"]
    details: dict[str, float | int | str] = {
        "credential_bytes": len(canonical_json(certificate)),
        "status_list_bytes": len(canonical_json(next(iter(world.status_lists.values())))),
        "score": certificate["credentialSubject"]["score"],
        "verify_certificate_per_s": rates["verify_certificate"],
        "verify_proof_per_s": rates["verify_proof"],
        "raw_ed25519_verify_per_s": raw,
        "verify_certificate_us": 1e6 / rates["verify_certificate"],
        "raw_ed25519_verify_us": 1e6 / raw,
    }
    return [
        _figure("3a", rates["verify_certificate"] / raw, details, failures),
        _figure("3b", rates["verify_proof"] / raw, details, []),
    ]


def _figure(
    part: str, value: float, details: dict[str, float | int | str], failures: list[str]
) -> Figure:
    if part == "3a":
        fig_id = "3a verify"
        title = (
            "offline verify_certificate with both status checks (trust built once, status"
            " list memo warm) / raw Ed25519 verify"
        )
        keys: tuple[str, ...] = (
            "credential_bytes",
            "status_list_bytes",
            "score",
            "verify_certificate_per_s",
            "raw_ed25519_verify_per_s",
            "verify_certificate_us",
            "raw_ed25519_verify_us",
        )
    else:
        fig_id = "3b verify_proof"
        title = "verify_proof (eddsa-jcs-2022) of the same certificate / raw Ed25519 verify"
        keys = ("credential_bytes", "verify_proof_per_s", "raw_ed25519_verify_per_s")
    return make_figure(
        fig_id, title, value, TARGET, ">=", errors=len(failures), messages=failures,
        details={key: details[key] for key in keys if key in details},
    )  # fmt: skip
