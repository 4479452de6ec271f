"""C2SP signed notes, checkpoints and tlog proofs.

Known-answer vectors are golang.org/x/mod/sumdb/note's tests (note_test.go): the
PeterNeumann and EnochRoot keys and signatures, reproduced byte for byte.
"""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.errors import (
    InvalidSignatureError,
    MalformedNoteError,
    ProofVerificationError,
    UnknownKeyError,
)
from registry.trust.merkle import MemoryTree, leaf_hash
from registry.trust.multikey import public_key_bytes
from registry.trust.signed_note import (
    Checkpoint,
    TlogProof,
    build_tlog_proof,
    key_id,
    open_note,
    parse_note,
    parse_signer_key,
    parse_tlog_proof,
    parse_verifier_key,
    sign_checkpoint,
    sign_note,
    verifier_key,
    verify_note,
    verify_tlog_proof,
)

PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
PETER_SIG = (
    "\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngo"
    "tpRZb6KE6RyyBwJnAM=\n"
)
ENOCH_SIG = (
    "\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWL"
    "ox33WWd1RvMc+QQ=\n"
)
PETER = parse_verifier_key(PETER_VKEY)
ENOCH = parse_verifier_key(ENOCH_VKEY)


def test_go_vector_keys() -> None:
    name, private_key = parse_signer_key(PETER_SKEY)
    assert name == PETER.name == "PeterNeumann"
    assert PETER.key_id == bytes.fromhex("c74f20a3")
    assert verifier_key(name, private_key.public_key()) == PETER_VKEY == PETER.key_string
    raw = public_key_bytes(PETER.public_key)
    assert key_id(name, raw) == hashlib.sha256(b"PeterNeumann\n\x01" + raw).digest()[:4]


def test_signing_reproduces_go_vector() -> None:
    name, private_key = parse_signer_key(PETER_SKEY)
    assert sign_note(TEXT, private_key, name) == TEXT + "\n" + PETER_SIG


def test_open_ignores_unknown_keys_and_checks_known_ones() -> None:
    note = TEXT + "\n" + PETER_SIG + ENOCH_SIG
    assert open_note(note, [PETER]) == TEXT
    assert open_note(note, [PETER, ENOCH]) == TEXT
    assert open_note(note.encode(), [ENOCH]) == TEXT
    with pytest.raises(UnknownKeyError):
        open_note(note, [])


def test_invalid_signature_from_known_key() -> None:
    bad = TEXT + "\n" + PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError, match="PeterNeumann\\+c74f20a3"):
        open_note(bad, [PETER])


@pytest.mark.parametrize(
    "note",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT + "\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
        "vqfqdngotpRZb6KE6RyyBwJnAM=",
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
        TEXT + "\n" + PETER_SIG * 101,
        TEXT + "\n" + PETER_SIG.replace("\u2014", "-"),
    ],
)
def test_malformed_notes(note: str) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(note, [PETER])


def test_invalid_utf8_is_malformed() -> None:
    with pytest.raises(MalformedNoteError, match="UTF-8"):
        parse_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode())


def test_c2sp_example_note_parses() -> None:
    note = (
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito "
        "sera.\n\n\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+"
        "EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
    )
    text, signatures = parse_note(note)
    assert text.endswith("subito sera.\n")  # text may hold blank lines
    assert "\n\n" in text
    assert [s.name for s in signatures] == ["quasimodo.example/salvatore"]
    assert len(signatures[0].signature) == 64


def test_verifier_key_manglings_are_refused() -> None:
    for start in range(len(PETER_VKEY)):
        for end in range(start + 1, len(PETER_VKEY) + 1):
            if (start, end) != (0, len(PETER_VKEY)):
                with pytest.raises(MalformedNoteError):
                    parse_verifier_key(PETER_VKEY[start:end])
    for i, char in enumerate(PETER_VKEY):
        with pytest.raises(MalformedNoteError):
            parse_verifier_key(PETER_VKEY[:i] + chr(ord(char) + 1) + PETER_VKEY[i + 1 :])


LOG_KEY = Ed25519PrivateKey.generate()
ORIGIN = "registry.rightsmark.example/log"
LOG_VKEY = verifier_key(ORIGIN, LOG_KEY.public_key())
ROOT = hashlib.sha256(b"root").digest()


def test_checkpoint_round_trip_and_exact_body() -> None:
    note = sign_checkpoint(ORIGIN, 20852163, ROOT, LOG_KEY)
    body = f"{ORIGIN}\n20852163\n{base64.b64encode(ROOT).decode()}\n"
    assert note.startswith(body + "\n\u2014 " + ORIGIN + " ")
    checkpoint = verify_note(note, LOG_VKEY, origin=ORIGIN)
    assert checkpoint == Checkpoint(ORIGIN, 20852163, ROOT)
    assert verify_note(note, [ENOCH_VKEY, parse_verifier_key(LOG_VKEY)]) == checkpoint


def test_checkpoint_verification_failures() -> None:
    note = sign_checkpoint(ORIGIN, 5, ROOT, LOG_KEY)
    with pytest.raises(UnknownKeyError):
        verify_note(note, PETER_VKEY)
    with pytest.raises(InvalidSignatureError):
        verify_note(note.replace("\n5\n", "\n6\n"), LOG_VKEY)
    with pytest.raises(MalformedNoteError, match="not 'other'"):
        verify_note(note, LOG_VKEY, origin="other")
    other = Ed25519PrivateKey.generate()  # same name, different key: a different key ID
    with pytest.raises(UnknownKeyError):
        verify_note(sign_checkpoint(ORIGIN, 5, ROOT, other), LOG_VKEY)


@pytest.mark.parametrize(
    "body",
    [
        f"{ORIGIN}\n05\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n-5\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n5\n",
        f"\n5\n{base64.b64encode(ROOT).decode()}\n",
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT[:31]).decode()}\n",
        f"{ORIGIN}\n5\n{base64.b64encode(ROOT).decode()}\n\nextension\n",
        f"{ORIGIN}\n{2**64}\n{base64.b64encode(ROOT).decode()}\n",
    ],
)
def test_malformed_checkpoint_bodies(body: str) -> None:
    note = sign_note(body, LOG_KEY, ORIGIN)
    with pytest.raises(MalformedNoteError):
        verify_note(note, LOG_VKEY)


def test_checkpoint_extension_lines_survive() -> None:
    text = Checkpoint(ORIGIN, 1, ROOT, ("ext one",)).to_text()
    assert verify_note(sign_note(text, LOG_KEY, ORIGIN), LOG_VKEY).extensions == ("ext one",)


@pytest.fixture(scope="module")
def tree() -> MemoryTree:
    tree = MemoryTree()
    for i in range(13):
        tree.append(f"certificate {i}".encode())
    return tree


def test_tlog_proof_round_trip(tree: MemoryTree) -> None:
    checkpoint = sign_checkpoint(ORIGIN, len(tree), tree.root(), LOG_KEY)
    proof = tree.inclusion_proof(6)
    text = build_tlog_proof(6, proof, checkpoint, extra=b"status-change")
    lines = text.split("\n")
    assert lines[:3] == ["c2sp.org/tlog-proof@v1", "extra c3RhdHVzLWNoYW5nZQ==", "index 6"]
    assert lines[3 : 3 + len(proof)] == [base64.b64encode(h).decode() for h in proof]
    assert text.endswith("\n\n" + checkpoint)
    parsed = parse_tlog_proof(text)
    assert parsed == TlogProof(6, tuple(proof), checkpoint, b"status-change")
    assert parsed.to_text() == text
    leaf = leaf_hash(b"certificate 6")
    assert verify_tlog_proof(text, leaf, LOG_VKEY, origin=ORIGIN).size == len(tree)
    with pytest.raises(ProofVerificationError):
        verify_tlog_proof(text, leaf_hash(b"certificate 7"), LOG_VKEY)
    with pytest.raises(UnknownKeyError):
        verify_tlog_proof(text, leaf, PETER_VKEY)


def test_tlog_proof_without_extra_or_hashes() -> None:
    one = MemoryTree()
    one.append(b"only")
    checkpoint = sign_checkpoint(ORIGIN, 1, one.root(), LOG_KEY)
    text = build_tlog_proof(0, [], checkpoint)
    assert text.startswith("c2sp.org/tlog-proof@v1\nindex 0\n\n")
    assert parse_tlog_proof(text).extra is None
    verify_tlog_proof(text, leaf_hash(b"only"), LOG_VKEY)


@pytest.mark.parametrize(
    ("text", "message"),
    [  # the error cases of transparency-dev/merkle proof/tlog_proof_test.go
        ("wrong-header\nindex 0\n\ncheckpoint\n", "bundle"),
        ("c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n", "base64"),
        ("c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n", "index"),
        ("c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n", "decimal"),
        ("c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n", "decimal"),
        ("c2sp.org/tlog-proof@v1\nindex 007\n\ncheckpoint\n", "decimal"),
        ("c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n", "base64"),
        (
            "c2sp.org/tlog-proof@v1\nindex 0\n"
            + base64.b64encode(bytes(64)).decode()
            + "\n\ncheckpoint\n",
            "32 bytes",
        ),
        ("c2sp.org/tlog-proof@v1\nindex 0\n", "bundle"),
    ],
)
def test_malformed_tlog_proofs(text: str, message: str) -> None:
    with pytest.raises(MalformedNoteError, match=message):
        parse_tlog_proof(text)


def test_signing_refuses_bad_input() -> None:
    with pytest.raises(MalformedNoteError):
        sign_note("no newline", LOG_KEY, ORIGIN)
    with pytest.raises(MalformedNoteError):
        sign_note("text\n", LOG_KEY, "bad name")
    with pytest.raises(MalformedNoteError):
        sign_note("tab\there\n", LOG_KEY, ORIGIN)
