"""The trust kernel: everything needed to verify what the registry signs, and nothing else.

Pure: no database, no web framework, no settings (import contracts `trust-kernel` and
`trust-inside` in pyproject.toml). What it verifies against - the registry's DID document,
its status lists, its log key and checkpoint - is always a parameter, so the same code runs
in the server (`registry.certificates.verifier` feeds it a snapshot of the database), in
`rightsmark verify` on an employer's machine (`api.cli.verify`, fetched or offline files) and
in the benchmarks.

Its public face, by concern:

- certificates: `verify_certificate` -> `Verdict` (the checks, in `verify/`); `IssuerTrust`
  (the DID document's keys, parsed once); `check_log` (a certificate's log proof bundle).
- building what the registry signs: `build_certificate`, `build_status_list_credential`
  (`credential`), `create_proof` / `verify_proof` (Data Integrity `eddsa-jcs-2022`,
  `proofs`), `KeyRing` and Multikey encoding (`multikey`), `StatusList` (Bitstring Status
  List, `statuslist`).
- the transparency log: RFC 9162 Merkle proofs (`merkle`), C2SP signed notes and
  checkpoints (`signed_note`), entries, bundles and the monitor (`tlog_*`).
"""

from registry.trust.credential import build_certificate, build_status_list_credential
from registry.trust.merkle import verify_consistency, verify_inclusion
from registry.trust.multikey import KeyRing, encode_public_key, public_key_from_multibase
from registry.trust.proofs import create_proof, verify_proof
from registry.trust.signed_note import Checkpoint, verify_note
from registry.trust.statuslist import StatusList
from registry.trust.verify.engine import (
    Check,
    IssuerTrust,
    Verdict,
    verify_certificate,
)
from registry.trust.verify.log import check_log

__all__ = [
    "Check",
    "Checkpoint",
    "IssuerTrust",
    "KeyRing",
    "StatusList",
    "Verdict",
    "build_certificate",
    "build_status_list_credential",
    "check_log",
    "create_proof",
    "encode_public_key",
    "public_key_from_multibase",
    "verify_certificate",
    "verify_consistency",
    "verify_inclusion",
    "verify_note",
    "verify_proof",
]
