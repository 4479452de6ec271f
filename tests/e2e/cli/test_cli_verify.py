"""`rightsmark verify`: offline verification as a real process, with no database.

Each test signs its own certificates, status lists and DID document (a small issuer living at
the URL of a real local HTTP server), writes them to files and serves them; the end-to-end
test at the bottom runs against a real registry server in a subprocess.
"""

from __future__ import annotations

import base64
import copy
import csv
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.signing.keys import KeyRecord, did_document, did_web, public_multibase
from registry.trust.contexts import registry_context_url
from registry.trust.credential import StatusEntry, build_certificate, build_status_list_credential
from registry.trust.merkle import MemoryTree
from registry.trust.proofs import create_proof
from registry.trust.signed_note import build_tlog_proof, sign_checkpoint, verifier_key
from registry.trust.statuslist import StatusList
from registry.trust.tlog_entries import build_entry
from registry.trust.verify.engine import CHECK_NAMES
from registry.trust.verify.log import check_log, credential_digest
from tests.support.credentials import facts
from tests.support.server import certify, change, cli, registry_server, static_server

Doc = dict[str, Any]
NOW = datetime.now(UTC).replace(microsecond=0)
DIGEST = "sha256:" + "ab" * 32


def iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Issuer:
    """A registry in miniature at `base`: key, DID document, status lists, certificates,
    all written under `root` in the layout the real registry serves them at."""

    base: str
    root: Path
    key: Ed25519PrivateKey = field(default_factory=Ed25519PrivateKey.generate)
    bits: dict[str, StatusList] = field(
        default_factory=lambda: {"revocation": StatusList(), "suspension": StatusList()}
    )
    next_index: int = 1000
    certificates: dict[str, Doc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.did = did_web(self.base)
        self.method = f"{self.did}#{public_multibase(self.key)}"
        self.write(".well-known/did.json", self.did_document())
        self.publish()
        self.write(  # what GET /api/v1/standards/{slug}/versions/{version} answers
            "api/v1/standards/core-rights/versions/1.2.0",
            {"slug": "core-rights", "version": "1.2.0", "status": "published", "digest": DIGEST},
        )

    def write(self, relative: str, document: Doc) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document))
        return path

    def path(self, relative: str) -> str:
        return str(self.root / relative)

    def url(self, relative: str) -> str:
        return f"{self.base}/{relative}"

    def did_document(self) -> Doc:
        record = KeyRecord(
            self.method, public_multibase(self.key), NOW - timedelta(days=400), "active", None, None
        )
        return did_document(self.did, [record])

    def list_url(self, purpose: str) -> str:
        return self.url(f"api/v1/status/{purpose}/1")

    def publish(self) -> None:
        for purpose, bits in self.bits.items():
            unsigned = build_status_list_credential(
                url=self.list_url(purpose),
                purpose=purpose,
                encoded_list=bits.encode(),
                issuer=self.did,
                valid_from=NOW - timedelta(days=1),
                valid_until=NOW + timedelta(days=30),
                ttl_ms=300_000,
            )
            self.write(f"api/v1/status/{purpose}/1", self.sign(unsigned))

    def sign(self, document: Doc) -> Doc:
        return create_proof(document, self.key, self.method, iso(NOW - timedelta(days=1)))

    def certificate(self, name: str, **changes: Any) -> Doc:
        """A signed certificate served at credentials/<name>; its status indexes are its own."""
        index = self.next_index
        self.next_index += 1
        values: dict[str, Any] = {
            "credential_url": self.url(f"credentials/{name}"),
            "code": f"RM-TEST-{index:04d}",
            "issuer": self.did,
            "context_url": registry_context_url(self.base),
            "valid_from": NOW - timedelta(days=30),
            "valid_until": NOW + timedelta(days=3 * 365),
            "standard_version": "1.2.0",
            "standard_digest": DIGEST,
            "standard_url": self.url("standards/core-rights/1.2.0"),
            "statuses": [
                StatusEntry("revocation", self.list_url("revocation"), index),
                StatusEntry("suspension", self.list_url("suspension"), index),
            ],
        }
        values.update(changes)
        signed = self.sign(build_certificate(facts(**values)))
        self.certificates[name] = signed
        self.write(f"credentials/{name}", signed)
        return signed

    def set_bit(self, purpose: str, name: str) -> None:
        for entry in self.certificates[name]["credentialStatus"]:
            if entry["statusPurpose"] == purpose:
                self.bits[purpose].set(int(entry["statusListIndex"]))
        self.publish()

    def save(self, folder: Path, name: str, document: Doc | None = None) -> str:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.json"
        path.write_text(json.dumps(document or self.certificates[name]))
        return str(path)

    def offline_args(self) -> list[str]:
        """The trust anchor and both status lists as local files; nothing fetched."""
        return [
            "--did",
            self.path(".well-known/did.json"),
            "--status",
            self.path("api/v1/status/revocation/1"),
            "--status",
            self.path("api/v1/status/suspension/1"),
            "--offline",
        ]


@dataclass
class Served:
    issuer: Issuer
    tmp: Path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """An issuer whose documents are served over real HTTP, with certificates in every state."""
    root = tmp_path / "site"
    root.mkdir()
    with static_server(root) as base:
        issuer = Issuer(base, root)
        issuer.certificate("valid")
        issuer.certificate("revoked")
        issuer.certificate("suspended")
        issuer.certificate(
            "expired",
            valid_from=NOW - timedelta(days=4 * 365),
            valid_until=NOW - timedelta(days=2),
        )
        tampered = copy.deepcopy(issuer.certificate("tampered"))
        tampered["credentialSubject"]["grade"] = "AAA"
        issuer.certificates["tampered"] = tampered
        issuer.write("credentials/tampered", tampered)
        issuer.set_bit("revocation", "revoked")
        issuer.set_bit("suspension", "suspended")
        yield Served(issuer, tmp_path)


def no_traceback(result: Any) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout


# --- one certificate, from files ------------------------------------------------------------


def test_a_valid_certificate_exits_0_with_every_check_shown(served: Served) -> None:
    issuer = served.issuer
    path = issuer.save(served.tmp / "in", "valid")
    result = cli("verify", path, *issuer.offline_args())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("VALID")
    assert issuer.certificates["valid"]["credentialSubject"]["certificateCode"] in result.stdout
    for name in CHECK_NAMES:
        assert name in result.stdout
    assert "not published" not in result.stdout
    assert "cannot be checked here" in result.stdout  # no registry: the standard is skipped
    no_traceback(result)


@pytest.mark.parametrize(
    ("name", "status", "reason"),
    [
        ("revoked", "revoked", "has been revoked by the registry"),
        ("suspended", "suspended", "is suspended by the registry"),
        ("expired", "expired", "The certificate expired on"),
        ("tampered", "invalid", "the credential has been altered"),
    ],
)
def test_a_certificate_that_is_not_valid_exits_1_with_its_reason(
    served: Served, name: str, status: str, reason: str
) -> None:
    issuer = served.issuer
    path = issuer.save(served.tmp / "in", name)
    human = cli("verify", path, *issuer.offline_args())
    assert human.returncode == 1, human.stdout + human.stderr
    assert human.stdout.startswith(f"NOT VALID ({status})")
    assert reason in human.stdout
    assert "VALID  " not in human.stdout.replace(f"NOT VALID ({status})", "")
    as_json = cli("verify", path, *issuer.offline_args(), "--json")
    assert as_json.returncode == 1
    verdict = json.loads(as_json.stdout)["results"][0]
    assert (verdict["valid"], verdict["status"]) == (False, status)
    assert reason in verdict["reason"] or any(reason in c["detail"] for c in verdict["checks"])


def test_json_output_has_one_result_per_certificate_with_its_source(served: Served) -> None:
    issuer = served.issuer
    valid = issuer.save(served.tmp / "in", "valid")
    suspended = issuer.save(served.tmp / "in", "suspended")
    result = cli("verify", valid, suspended, *issuer.offline_args(), "--json")
    assert result.returncode == 1
    body = json.loads(result.stdout)
    assert set(body) == {"results", "valid", "not_valid"}
    assert (body["valid"], body["not_valid"]) == (1, 1)
    first, second = body["results"]
    assert set(first) == {"valid", "status", "code", "reason", "checks", "certificate", "source"}
    assert (first["source"], first["valid"], first["status"]) == (valid, True, "valid")
    assert first["code"] == "valid"  # the stable code, the same in every language
    assert (second["source"], second["status"]) == (suspended, "suspended")
    assert [check["name"] for check in first["checks"]] == [*CHECK_NAMES, "log"]
    assert {check["result"] for check in first["checks"]} == {"passed", "skipped"}
    code = issuer.certificates["valid"]["credentialSubject"]["certificateCode"]
    assert first["certificate"]["code"] == code


def test_stdin_and_no_database_needed(served: Served) -> None:
    """An unreachable database changes nothing: verification never opens one."""
    issuer = served.issuer
    result = cli(
        "verify",
        "-",
        *issuer.offline_args(),
        env={"RIGHTSMARK_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/nowhere"},
        stdin=json.dumps(issuer.certificates["valid"]),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "VALID  -" in result.stdout


# --- fetching: status lists, DID document, the registry --------------------------------------


def test_status_lists_not_given_are_fetched_from_their_url(served: Served) -> None:
    issuer = served.issuer
    path = issuer.save(served.tmp / "in", "valid")
    did = ["--did", issuer.path(".well-known/did.json")]
    fetched = cli("verify", path, *did)
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    suspended = cli("verify", issuer.save(served.tmp / "in", "suspended"), *did)
    assert suspended.returncode == 1
    assert "NOT VALID (suspended)" in suspended.stdout
    offline = cli("verify", path, *did, "--offline", "--json")
    assert offline.returncode == 1
    verdict = json.loads(offline.stdout)["results"][0]
    checks = {check["name"]: check for check in verdict["checks"]}
    assert checks["revocation"]["result"] == "failed"
    assert "unavailable" in checks["revocation"]["detail"]


def test_certificate_and_did_by_url_and_the_registry_shortcut(served: Served) -> None:
    issuer = served.issuer
    by_url = cli(
        "verify", issuer.url("credentials/valid"), "--did", issuer.url(".well-known/did.json")
    )
    assert by_url.returncode == 0, by_url.stdout + by_url.stderr
    registry = cli("verify", issuer.url("credentials/valid"), "--registry", issuer.base, "--json")
    assert registry.returncode == 0, registry.stdout + registry.stderr
    checks = {c["name"]: c["result"] for c in json.loads(registry.stdout)["results"][0]["checks"]}
    assert checks.pop("log") == "skipped"  # this miniature registry keeps no log
    assert set(checks.values()) == {"passed"}  # the standard check ran against the registry
    # A standard the registry does not publish with that digest fails the standard check.
    issuer.certificate("other-digest", standard_digest="sha256:" + "ef" * 32)
    other = cli("verify", issuer.url("credentials/other-digest"), "--registry", issuer.base)
    assert other.returncode == 1
    assert "is not published or was retired" in other.stdout


# --- the log check ---------------------------------------------------------------------------


@dataclass
class Logged:
    """A certificate of the miniature registry with its issuance logged: the bundle and the
    log key are served where the real registry serves them, and also saved as files."""

    credential: str  # the credential file
    bundle: str  # the bundle file
    key: str  # the note verifier key, literally
    key_file: str


def logged(served: Served, name: str = "crt_logged", digest: str | None = None) -> Logged:
    issuer = served.issuer
    signed = issuer.certificate(name)
    log_key = Ed25519PrivateKey.generate()
    origin = issuer.base.split("://", 1)[1] + "/log"
    tree = MemoryTree()
    at = NOW
    for i in range(5):  # other certificates issued before
        tree.append(build_entry("certificate.issued", {"certificate": f"crt_x{i}"},
                                actor_role="system", at=at))  # fmt: skip
    entry = build_entry(
        "certificate.issued",
        {"certificate": name, "code": signed["credentialSubject"]["certificateCode"]},
        digests={"credential": digest or credential_digest(signed)},
        actor_role="secretariat",
        at=at,
    )
    index = tree.append(entry)
    tree.append(build_entry("certificate.revoked", {"certificate": "crt_x0"},
                            actor_role="secretariat", at=at))  # fmt: skip
    note = sign_checkpoint(origin, len(tree), tree.root(), log_key)
    bundle = build_tlog_proof(index, tree.inclusion_proof(index), note, extra=entry)
    key = verifier_key(origin, log_key.public_key())
    for relative, text in ((f"api/v1/certificates/{name}/log-proof", bundle), ("log/key", key)):
        (issuer.root / relative).parent.mkdir(parents=True, exist_ok=True)
        (issuer.root / relative).write_text(text)
    (served.tmp / "bundle.txt").write_text(bundle)
    (served.tmp / "key.txt").write_text(key + "\n")
    return Logged(
        issuer.save(served.tmp / "in", name),
        str(served.tmp / "bundle.txt"),
        key,
        str(served.tmp / "key.txt"),
    )


def log_check(result: Any) -> dict[str, str]:
    no_traceback(result)
    (found,) = [c for c in json.loads(result.stdout)["results"][0]["checks"] if c["name"] == "log"]
    return dict(found)


def test_log_proof_and_key_given_as_files_or_literally(served: Served) -> None:
    cert = logged(served)
    offline = served.issuer.offline_args()
    for key in (cert.key, cert.key_file):
        result = cli("verify", cert.credential, *offline, "--log-proof", cert.bundle,
                     "--log-key", key, "--json")  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr
        check = log_check(result)
        assert check["result"] == "passed", check
        assert "entry 5 of the transparency log" in check["detail"]
    human = cli("verify", cert.credential, *offline, "--log-proof", cert.bundle,
                "--log-key", cert.key)  # fmt: skip
    assert human.returncode == 0
    assert "Issued as entry 5" in human.stdout


def test_log_proof_fetched_from_the_registry(served: Served) -> None:
    cert = logged(served)
    issuer = served.issuer
    result = cli("verify", issuer.url("credentials/crt_logged"), "--registry", issuer.base,
                 "--json")  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert log_check(result)["result"] == "passed"
    by_url = cli("verify", cert.credential, "--did", issuer.path(".well-known/did.json"),
                 "--log-proof", issuer.url("api/v1/certificates/crt_logged/log-proof"),
                 "--log-key", cert.key_file, "--json")  # fmt: skip
    assert log_check(by_url)["result"] == "passed"


def test_a_tampered_credential_is_not_genuine_and_not_looked_up(served: Served) -> None:
    """Not genuine comes first (issue 16): nothing an altered credential names is looked up,
    not even in the log proof given; the offline digest mismatch is
    `test_the_log_check_names_a_changed_credential` below."""
    cert = logged(served)
    issuer = served.issuer
    document = json.loads(Path(cert.credential).read_text())
    document["credentialSubject"]["grade"] = "AAA"
    tampered = issuer.save(served.tmp / "in", "crt_logged-tampered", document)
    result = cli("verify", tampered, *issuer.offline_args(), "--log-proof", cert.bundle,
                 "--log-key", cert.key, "--json")  # fmt: skip
    assert result.returncode == 1
    verdict = json.loads(result.stdout)["results"][0]
    assert verdict["status"] == "invalid"
    assert verdict["reason"].startswith("Not a genuine certificate of this registry: ")
    assert "log" not in {check["name"] for check in verdict["checks"]}


def test_the_log_check_names_a_changed_credential(served: Served) -> None:
    cert = logged(served)
    document = json.loads(Path(cert.credential).read_text())
    document["credentialSubject"]["grade"] = "AAA"
    check = check_log(document, Path(cert.bundle).read_text(), cert.key)
    assert check.result == "failed"
    assert "changed after issuance" in check.detail


def test_a_wrong_key_or_a_forged_bundle_fails_the_log_check(served: Served) -> None:
    cert = logged(served)
    offline = served.issuer.offline_args()
    name = cert.key.split("+", 1)[0]
    wrong = verifier_key(name, Ed25519PrivateKey.generate().public_key())
    result = cli("verify", cert.credential, *offline, "--log-proof", cert.bundle,
                 "--log-key", wrong, "--json")  # fmt: skip
    assert result.returncode == 1
    assert log_check(result)["result"] == "failed"
    assert "does not verify" in log_check(result)["detail"]
    # A bundle whose entry was rewritten (here: another code) no longer hashes to the leaf.
    text = Path(cert.bundle).read_text()
    head, _, rest = text.partition("\n")
    extra, _, tail = rest.partition("\n")
    entry = json.loads(base64.b64decode(extra.removeprefix("extra ")))
    entry["subject"]["code"] = "RM-FORGED"
    forged_extra = base64.b64encode(json.dumps(entry).encode()).decode()
    forged = served.tmp / "forged.txt"
    forged.write_text(f"{head}\nextra {forged_extra}\n{tail}")
    result = cli("verify", cert.credential, *offline, "--log-proof", str(forged),
                 "--log-key", cert.key, "--json")  # fmt: skip
    assert result.returncode == 1
    assert log_check(result)["result"] == "failed"
    assert "does not verify" in log_check(result)["detail"]


def test_no_bundle_skips_the_log_check_with_the_reason(served: Served) -> None:
    path = served.issuer.save(served.tmp / "in", "valid")
    result = cli("verify", path, *served.issuer.offline_args(), "--json")
    assert result.returncode == 0
    check = log_check(result)
    assert check["result"] == "skipped"
    assert "no log proof given" in check["detail"]


# --- batches --------------------------------------------------------------------------------


def test_batch_over_a_folder_prints_a_summary(served: Served) -> None:
    issuer = served.issuer
    folder = served.tmp / "batch"
    for name in ("valid", "revoked", "suspended", "expired", "tampered"):
        issuer.save(folder, name)
    (folder / "notes.txt").write_text("not a certificate")
    result = cli("verify", "--batch", str(folder), *issuer.offline_args())
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if "valid" in line and "revoked" in line)
    assert header.split("┃")[1:-1] != []
    cells = [c.strip() for c in header.split("┃")[1:-1]]
    assert cells == ["valid", "revoked", "suspended", "expired", "invalid", "total"]
    row = next(line for line in lines if line.startswith("│") and line.count("│") == 7)
    assert [c.strip() for c in row.split("│")[1:-1]] == ["1", "1", "1", "1", "1", "5"]
    for name in ("revoked", "suspended", "expired", "tampered"):
        assert f"{name}.json" in result.stdout
    assert "verifying" in result.stderr  # the progress bar
    as_json = cli("verify", "--batch", str(folder), *issuer.offline_args(), "--json")
    body = json.loads(as_json.stdout)
    assert (body["valid"], body["not_valid"]) == (1, 4)
    assert body["counts"] == {
        "valid": 1,
        "revoked": 1,
        "suspended": 1,
        "expired": 1,
        "invalid": 1,
    }


def test_batch_over_a_csv_of_urls(served: Served) -> None:
    issuer = served.issuer
    rows = [["code", "url"]] + [
        [
            issuer.certificates[name]["credentialSubject"]["certificateCode"],
            issuer.url(f"credentials/{name}"),
        ]
        for name in ("valid", "revoked", "suspended", "expired", "tampered")
    ]
    table = served.tmp / "certificates.csv"
    with table.open("w", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = cli("verify", "--batch", str(table), "--registry", issuer.base, "--json")
    assert result.returncode == 1, result.stdout + result.stderr
    body = json.loads(result.stdout)
    assert [r["source"] for r in body["results"]] == [row[1] for row in rows[1:]]
    assert [r["status"] for r in body["results"]] == [
        "valid",
        "revoked",
        "suspended",
        "expired",
        "invalid",
    ]
    # Only valid ones, as a bare list of URLs (first column, no header): exit 0.
    only_valid = served.tmp / "valid.csv"
    issuer.certificate("valid-2")
    only_valid.write_text(
        f"{issuer.url('credentials/valid')}\n{issuer.url('credentials/valid-2')}\n"
    )
    good = cli("verify", "--batch", str(only_valid), "--registry", issuer.base)
    assert good.returncode == 0, good.stdout + good.stderr
    # A URL that cannot be fetched is reported, and the run exits 2.
    missing = served.tmp / "missing.csv"
    missing.write_text(
        f"url\n{issuer.url('credentials/valid')}\n{issuer.url('credentials/nope')}\n"
    )
    broken = cli("verify", "--batch", str(missing), "--registry", issuer.base)
    assert broken.returncode == 2
    assert "HTTP 404" in broken.stdout
    no_traceback(broken)


# --- usage and input errors: exit 2, one line -------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--did", "/nonexistent/did.json"], "/nonexistent/did.json: cannot read"),
        (["--did", "CERT"], "the DID document"),
        (["--did", "NOTJSON"], "not JSON"),
        (["--did", "DID", "--issuer", "did:web:elsewhere.example"], "not 'did:web:elsewhere"),
        (["--did", "http://127.0.0.1:9/did.json"], "http://127.0.0.1:9/did.json"),
        (["--did", "DID", "/nonexistent/cert.json"], "/nonexistent/cert.json: cannot read"),
        ([], "--did"),
    ],
)
def test_input_errors_exit_2_with_one_line(served: Served, args: list[str], message: str) -> None:
    issuer = served.issuer
    cert = issuer.save(served.tmp / "in", "valid")
    not_json = served.tmp / "not.json"
    not_json.write_text("{not json")
    swap = {"CERT": cert, "NOTJSON": str(not_json), "DID": issuer.path(".well-known/did.json")}
    arguments = [swap.get(a, a) for a in args]
    if not any(a.startswith("/nonexistent/cert") for a in arguments):
        arguments.append(cert)
    result = cli("verify", *arguments, "--timeout", "2")
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    no_traceback(result)
    if "Usage" not in result.stderr:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_fetches_have_a_size_limit_and_a_timeout(served: Served) -> None:
    issuer = served.issuer
    did = ["--did", issuer.path(".well-known/did.json")]
    (issuer.root / "credentials" / "huge").write_bytes(b" " * (1_048_576 + 1))
    huge = cli("verify", issuer.url("credentials/huge"), *did)
    assert huge.returncode == 2
    assert "larger than 1048576 bytes" in huge.stderr
    with socket.socket() as silent:  # accepts connections (the backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/credential"
        slow = cli("verify", url, *did, "--timeout", "0.5")
    assert slow.returncode == 2
    assert f"{url}: timed out" in slow.stderr
    no_traceback(slow)


# --- end to end: a real registry -----------------------------------------------------------------


@pytest.mark.e2e
def test_end_to_end_against_a_real_registry(tmp_path: Path) -> None:
    """No `db` fixture: the server is its own process with its own SQLite file."""
    with registry_server(tmp_path / "registry") as server:
        certificate = certify(server)
        url = certificate["url"]
        assert url.startswith(server.url)

        def verify(*extra: str) -> Any:
            return cli("verify", url, "--registry", server.url, *extra)

        valid = verify()
        assert valid.returncode == 0, valid.stdout + valid.stderr
        assert valid.stdout.startswith("VALID")
        assert certificate["code"] in valid.stdout
        body = json.loads(verify("--json").stdout)
        assert {c["result"] for c in body["results"][0]["checks"]} == {"passed"}

        change(server, certificate, "suspend")
        suspended = verify()
        assert suspended.returncode == 1, suspended.stdout + suspended.stderr
        assert "NOT VALID (suspended)" in suspended.stdout

        change(server, certificate, "reinstate")
        reinstated = verify()
        assert reinstated.returncode == 0, reinstated.stdout + reinstated.stderr

        # The lifecycle runs from the shell against the same database (more in its own tests).
        lifecycle = server.cli("lifecycle", "run", "--json")
        assert lifecycle.returncode == 0, lifecycle.stderr
        assert json.loads(lifecycle.stdout)["actions"] == []
