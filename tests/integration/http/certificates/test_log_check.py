"""The `log` check: `POST /api/v1/verify` proves a certificate's issuance entry under the
registry's signed checkpoint, and the pure check (`rightsmark verify`'s) refuses a tampered
credential, a checkpoint signed by another key and a forged bundle."""

from __future__ import annotations

import copy
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.certificates import verifier
from registry.transparency import checkpoints
from registry.trust.signed_note import build_tlog_proof, parse_tlog_proof, verifier_key
from registry.trust.tlog_bundles import open_bundle
from registry.trust.verify.engine import CHECK_NAMES
from registry.trust.verify.log import check_log, credential_digest
from tests.support.certified import Certified


def _log(verdict: dict[str, Any]) -> dict[str, str]:
    (found,) = [check for check in verdict["checks"] if check["name"] == "log"]
    return dict(found)


async def _bundle_and_key(certified: Certified) -> tuple[str, str]:
    proof = await certified.client.get(f"/api/v1/certificates/{certified.id}/log-proof")
    assert proof.status_code == 200, proof.text
    key = await certified.client.get("/log/key")
    return proof.text, key.text.strip()


async def test_a_certificate_of_this_registry_passes_the_log_check(certified: Certified) -> None:
    verdict = await certified.verify()
    assert verdict["valid"] is True, verdict
    assert [c["name"] for c in verdict["checks"]] == [*CHECK_NAMES, "log"]
    log = _log(verdict)
    assert log["result"] == "passed", log
    assert f"entry {certified.certificate['log_index']} " in log["detail"]


async def test_a_tampered_credential_is_not_genuine_and_not_looked_up(
    certified: Certified,
) -> None:
    """Not genuine comes first: nothing the altered credential says is looked up on its
    word, neither its status nor its log entry (the log's own digest mismatch is checked
    offline in tests/e2e/cli/test_cli_verify.py)."""
    tampered = copy.deepcopy(certified.credential)
    tampered["credentialSubject"]["grade"] = "AAA"
    verdict = await certified.verify(tampered)
    assert verdict["valid"] is False
    assert verdict["status"] == "invalid"
    assert verdict["reason"].startswith("Not a genuine certificate of this registry: ")
    assert "log" not in {check["name"] for check in verdict["checks"]}


async def test_the_repeated_and_the_changed_body_use_the_caches(certified: Certified) -> None:
    verifier._issued.clear()  # as in a new process: the latest entries are read at once
    await certified.verify()
    index, _entry = verifier._issued[certified.id]
    assert index == certified.certificate["log_index"]
    # Built from the remembered entry and subtrees: the bundle the log-proof endpoint serves,
    # opened once with the log key.
    view = verifier._log_view
    assert view is not None
    assert view.note is not None
    assert view.key is not None
    served = await checkpoints.proof_bundle(index, view.note)
    assert verifier._bundles[certified.id] == (view.key, open_bundle(served, view.key))
    # A state change is logged: a later checkpoint, under which the bundle opened before
    # still proves the issuance; the status comes from the status lists.
    assert (await certified.change("suspend")).status_code == 200
    verdict = await certified.verify()
    assert verdict["status"] == "suspended"
    assert "a test" in verdict["reason"]  # the recorded reason, read afresh
    assert _log(verdict)["result"] == "passed"


async def test_a_certificate_the_loaded_entries_lack_is_read_alone(certified: Certified) -> None:
    # Entries loaded before this certificate was issued (by another process, say): a miss,
    # so it is read on its own, and not reported as unknown.
    verifier._issued.clear()
    verifier._bundles.clear()
    verifier._issued.put("crt_loaded_before", (0, "{}"))
    verdict = await certified.verify()
    assert _log(verdict)["result"] == "passed", verdict
    assert verifier._issued[certified.id][0] == certified.certificate["log_index"]
    # One renamed to an id this registry never issued is not genuine, and not looked up.
    other = copy.deepcopy(certified.credential)
    other["id"] = other["id"].rsplit("/", 1)[0] + "/crt_neverissued"
    renamed = await certified.verify(other)
    assert renamed["status"] == "invalid"
    assert "log" not in {check["name"] for check in renamed["checks"]}


async def test_the_offline_check_of_the_served_bundle(certified: Certified) -> None:
    bundle, key = await _bundle_and_key(certified)
    assert check_log(certified.credential, bundle, key).result == "passed"

    # Another key under the same name: the checkpoint signature does not verify.
    name = key.split("+", 1)[0]
    wrong = verifier_key(name, Ed25519PrivateKey.generate().public_key())
    refused = check_log(certified.credential, bundle, wrong)
    assert refused.result == "failed"
    assert "does not verify" in refused.detail

    # A forged bundle: the entry rewritten to record the tampered credential's digest.
    tampered = copy.deepcopy(certified.credential)
    tampered["credentialSubject"]["grade"] = "AAA"
    parsed = parse_tlog_proof(bundle)
    assert parsed.extra is not None
    entry = json.loads(parsed.extra)
    entry["digests"]["credential"] = credential_digest(tampered)
    forged_entry = json.dumps(entry, separators=(",", ":"), sort_keys=True).encode()
    forged = build_tlog_proof(parsed.index, parsed.inclusion_proof, parsed.checkpoint, forged_entry)
    result = check_log(tampered, forged, key)
    assert result.result == "failed"
    assert "does not verify" in result.detail

    # Another certificate's bundle proves nothing about this one.
    other = copy.deepcopy(certified.credential)
    other["id"] = other["id"].rsplit("/", 1)[0] + "/crt_someoneelse"
    assert "not about certificate crt_someoneelse" in check_log(other, bundle, key).detail

    # No bundle: skipped, with the reason given.
    skipped = check_log(certified.credential, None, key, "Not checked: no bundle.")
    assert (skipped.result, skipped.detail) == ("skipped", "Not checked: no bundle.")
