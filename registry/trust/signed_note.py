"""C2SP signed notes, tlog checkpoints and tlog-proof bundles, with Ed25519 keys.

Formats relied on (C2SP/C2SP repository and golang.org/x/mod/sumdb/note):

- c2sp.org/signed-note: text ending in a newline, a blank line, then one or more lines
  "— <key name> <base64(4-byte big-endian key ID || signature)>" (em dash U+2014, space).
  No ASCII control characters but newline; key names are non-empty without Unicode spaces
  or "+". Ed25519 key ID = SHA-256(name || 0x0A || 0x01 || 32-byte public key)[:4]; the
  signature is Ed25519 over the note text (including its final newline). Verifiers ignore
  unknown keys, must verify known ones, and reject a note no known key has signed.
  Verifier key strings are "<name>+<hex key ID>+<base64(0x01 || public key)>", signer keys
  "PRIVATE+KEY+<name>+<hex key ID>+<base64(0x01 || seed)>" (sumdb/note NewVerifier,
  NewSigner; the key-hash and 100-signature limits follow note.go `Open`).
- c2sp.org/tlog-checkpoint: note text "<origin>\\n<tree size>\\n<base64 root hash>\\n" plus
  optional non-empty extension lines; size in decimal without leading zeros.
- c2sp.org/tlog-proof: "c2sp.org/tlog-proof@v1", an optional "extra <base64>" line,
  "index <n>", the base64 inclusion-proof hashes one per line (leaf sibling first), an
  empty line, then the checkpoint note verbatim.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from registry.errors import (
    InvalidSignatureError,
    MalformedNoteError,
    NoteError,
    UnknownKeyError,
)
from registry.trust.merkle import HASH_SIZE, verify_inclusion
from registry.trust.multikey import public_key_bytes

SIGNATURE_PREFIX = "\u2014 "  # em dash, space
ALG_ED25519 = b"\x01"
MAX_SIGNATURES = 100
TLOG_PROOF_HEADER = "c2sp.org/tlog-proof@v1"
_DECIMAL = re.compile(r"0|[1-9][0-9]*")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f]")
_KEY_ID_HEX = re.compile(r"[0-9a-fA-F]{8}")


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise MalformedNoteError(f"{what} is not base64") from exc
    if base64.b64encode(raw).decode("ascii") != text:  # one spelling per value
        raise MalformedNoteError(f"{what} is not canonical base64")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def valid_key_name(name: str) -> bool:
    return bool(name) and "+" not in name and not any(ch.isspace() for ch in name)


def key_id(name: str, public_key: Ed25519PublicKey | bytes) -> bytes:
    raw = public_key if isinstance(public_key, bytes) else public_key_bytes(public_key)
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ALG_ED25519 + raw).digest()[:4]


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted Ed25519 note key."""

    name: str
    key_id: bytes
    public_key: Ed25519PublicKey

    @property
    def key_string(self) -> str:
        raw = ALG_ED25519 + public_key_bytes(self.public_key)
        return f"{self.name}+{self.key_id.hex()}+{_b64(raw)}"


def verifier_key(name: str, public_key: Ed25519PublicKey) -> str:
    """The `<name>+<key ID>+<key>` string a log publishes for its checkpoints."""
    if not valid_key_name(name):
        raise MalformedNoteError(f"invalid key name {name!r}")
    return NoteVerifier(name, key_id(name, public_key), public_key).key_string


def _split_key(text: str, parts: int) -> list[str]:
    fields = text.split("+", parts - 1)  # base64 keys may themselves contain "+"
    if len(fields) != parts or not valid_key_name(fields[-3]):
        raise MalformedNoteError("malformed note key string")
    if not _KEY_ID_HEX.fullmatch(fields[-2]):
        raise MalformedNoteError("note key ID must be 8 hex digits")
    return fields


def parse_verifier_key(text: str) -> NoteVerifier:
    name, hex_id, encoded = _split_key(text, 3)
    raw = _b64decode(encoded, "verifier key")
    if raw[:1] != ALG_ED25519 or len(raw) != 33:
        raise MalformedNoteError("verifier key is not an Ed25519 (0x01) key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(raw[1:])
    except ValueError:
        raise MalformedNoteError("verifier key is not a valid Ed25519 key") from None
    if key_id(name, raw[1:]).hex() != hex_id.lower():
        raise MalformedNoteError("verifier key ID does not match its name and key")
    return NoteVerifier(name, bytes.fromhex(hex_id), public_key)


def parse_signer_key(text: str) -> tuple[str, Ed25519PrivateKey]:
    """Name and private key of a `PRIVATE+KEY+<name>+<key ID>+<key>` string."""
    private, key, name, hex_id, encoded = _split_key(text, 5)
    raw = _b64decode(encoded, "signer key")
    if (private, key) != ("PRIVATE", "KEY") or raw[:1] != ALG_ED25519 or len(raw) != 33:
        raise MalformedNoteError("signer key is not an Ed25519 PRIVATE+KEY string")
    private_key = Ed25519PrivateKey.from_private_bytes(raw[1:])
    if key_id(name, private_key.public_key()).hex() != hex_id.lower():
        raise MalformedNoteError("signer key ID does not match its name and key")
    return name, private_key


@dataclass(frozen=True)
class NoteSignature:
    name: str
    key_id: bytes
    signature: bytes


def _check_text(text: str) -> None:
    if _CONTROL.search(text):
        raise MalformedNoteError("note contains an ASCII control character")


def sign_note(text: str, private_key: Ed25519PrivateKey, name: str) -> str:
    """`text` (which must end in a newline) followed by one Ed25519 signature line."""
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    if not valid_key_name(name):
        raise MalformedNoteError(f"invalid key name {name!r}")
    _check_text(text)
    signature = private_key.sign(text.encode("utf-8"))
    stamp = key_id(name, private_key.public_key()) + signature
    return f"{text}\n{SIGNATURE_PREFIX}{name} {_b64(stamp)}\n"


def parse_note(note: str | bytes) -> tuple[str, list[NoteSignature]]:
    """Split a note into its text and signatures, without checking any signature."""
    if isinstance(note, bytes):
        try:
            note = note.decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedNoteError("note is not UTF-8") from None
    _check_text(note)
    split = note.rfind("\n\n")  # the last blank line separates text from signatures
    if split < 0 or not note.endswith("\n"):
        raise MalformedNoteError("note has no signature block")
    text, block = note[: split + 1], note[split + 2 :]
    lines = block[:-1].split("\n") if block else []
    if not lines or len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"a note carries 1 to {MAX_SIGNATURES} signatures")
    signatures = []
    for line in lines:
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        if not line.startswith(SIGNATURE_PREFIX) or not valid_key_name(name) or not encoded:
            raise MalformedNoteError("malformed signature line")
        raw = _b64decode(encoded, "signature")
        if len(raw) < 5:
            raise MalformedNoteError("signature is too short")
        signatures.append(NoteSignature(name, raw[:4], raw[4:]))
    return text, signatures


def open_note(note: str | bytes, verifiers: Iterable[NoteVerifier]) -> str:
    """The note's text once every signature by a trusted key verifies (at least one must)."""
    text, signatures = parse_note(note)
    known: dict[tuple[str, bytes], NoteVerifier] = {}
    for verifier in verifiers:
        if known.setdefault((verifier.name, verifier.key_id), verifier) is not verifier:
            raise NoteError(f"ambiguous trusted key {verifier.name}+{verifier.key_id.hex()}")
    message, verified = text.encode("utf-8"), False
    for sig in signatures:
        trusted = known.get((sig.name, sig.key_id))
        if trusted is None:
            continue  # unknown keys (witnesses, rotated keys) are ignored by design
        try:
            trusted.public_key.verify(sig.signature, message)
        except InvalidSignature:
            raise InvalidSignatureError(
                f"invalid signature for key {sig.name}+{sig.key_id.hex()}"
            ) from None
        verified = True
    if not verified:
        raise UnknownKeyError("no signature on the note is from a trusted key")
    return text


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def to_text(self) -> str:
        if not self.origin or "\n" in self.origin or not 0 <= self.size < 2**64:
            raise MalformedNoteError("checkpoint needs a one-line origin and a uint64 size")
        if any(not line or "\n" in line for line in self.extensions):
            raise MalformedNoteError("checkpoint extension lines must be non-empty lines")
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extensions]
        return "\n".join(lines) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text[:-1].split("\n") if text.endswith("\n") else []
        if len(lines) < 3 or not all(lines):
            raise MalformedNoteError("checkpoint needs origin, size and root hash lines")
        origin, size, root, *extensions = lines
        if not _DECIMAL.fullmatch(size) or int(size) >= 2**64:
            raise MalformedNoteError("checkpoint size is not a decimal uint64")
        root_hash = _b64decode(root, "checkpoint root hash")
        if len(root_hash) != HASH_SIZE:
            raise MalformedNoteError("checkpoint root hash is not 32 bytes")
        return cls(origin, int(size), root_hash, tuple(extensions))


def sign_checkpoint(
    origin: str, size: int, root: bytes, private_key: Ed25519PrivateKey, name: str | None = None
) -> str:
    """A signed checkpoint note; the key name defaults to the origin, as the spec advises."""
    text = Checkpoint(origin, size, root).to_text()
    return sign_note(text, private_key, origin if name is None else name)


def _verifiers(keys: str | NoteVerifier | Iterable[str | NoteVerifier]) -> list[NoteVerifier]:
    items = [keys] if isinstance(keys, str | NoteVerifier) else list(keys)
    return [parse_verifier_key(k) if isinstance(k, str) else k for k in items]


_VERIFIED_SIZE: Final = 64
_VERIFIED: dict[tuple[str | bytes, str], Checkpoint] = {}  # (note, verifier key) -> checkpoint


def verify_note(
    note: str | bytes,
    verifier_key: str | NoteVerifier | Iterable[str | NoteVerifier],
    *,
    origin: str | None = None,
) -> Checkpoint:
    """The checkpoint in a note signed by a trusted key (and from `origin`, if given).

    A note already verified with the same key string is not verified again: many proofs
    share one checkpoint (`_VERIFIED`, keyed by the exact note and key; failures are not
    kept)."""
    memo_key = (note, verifier_key) if isinstance(verifier_key, str) else None
    checkpoint = _VERIFIED.get(memo_key) if memo_key is not None else None
    if checkpoint is None:
        checkpoint = Checkpoint.parse(open_note(note, _verifiers(verifier_key)))
        if memo_key is not None:
            _VERIFIED[memo_key] = checkpoint
            while len(_VERIFIED) > _VERIFIED_SIZE:
                _VERIFIED.pop(next(iter(_VERIFIED)), None)
    if origin is not None and checkpoint.origin != origin:
        raise MalformedNoteError(f"checkpoint is from {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


@dataclass(frozen=True)
class TlogProof:
    index: int
    inclusion_proof: tuple[bytes, ...]
    checkpoint: str  # the signed checkpoint note, verbatim
    extra: bytes | None = None

    def to_text(self) -> str:
        return build_tlog_proof(self.index, self.inclusion_proof, self.checkpoint, self.extra)


def build_tlog_proof(
    index: int, proof: Sequence[bytes], checkpoint: str, extra: bytes | None = None
) -> str:
    if index < 0 or any(len(h) != HASH_SIZE for h in proof):
        raise MalformedNoteError("tlog proof needs a non-negative index and 32-byte hashes")
    lines = [TLOG_PROOF_HEADER]
    if extra is not None:
        lines.append(f"extra {_b64(extra)}")
    lines += [f"index {index}", *(_b64(h) for h in proof)]
    return "\n".join(lines) + "\n\n" + checkpoint


def parse_tlog_proof(text: str) -> TlogProof:
    head, sep, checkpoint = text.partition("\n\n")
    lines = head.split("\n")
    if not sep or not checkpoint or lines[0] != TLOG_PROOF_HEADER:
        raise MalformedNoteError(f"not a {TLOG_PROOF_HEADER} bundle")
    position, extra = 1, None
    if position < len(lines) and lines[position].startswith("extra "):
        extra = _b64decode(lines[position][len("extra ") :], "tlog proof extra data")
        position += 1
    if position >= len(lines) or not lines[position].startswith("index "):
        raise MalformedNoteError("tlog proof is missing its index line")
    index = lines[position][len("index ") :]
    if not _DECIMAL.fullmatch(index):
        raise MalformedNoteError("tlog proof index is not a decimal number")
    hashes = tuple(_b64decode(h, "inclusion proof hash") for h in lines[position + 1 :])
    if any(len(h) != HASH_SIZE for h in hashes):
        raise MalformedNoteError("inclusion proof hashes must be 32 bytes")
    return TlogProof(int(index), hashes, checkpoint, extra)


def verify_tlog_proof(
    text: str,
    leaf_hash: bytes,
    verifier_key: str | NoteVerifier | Iterable[str | NoteVerifier],
    *,
    origin: str | None = None,
) -> Checkpoint:
    """Check the checkpoint signature, then the leaf's inclusion under its root.

    Raises NoteError subclasses for the note, merkle ProofVerificationError for the proof.
    """
    bundle = parse_tlog_proof(text)
    checkpoint = verify_note(bundle.checkpoint, verifier_key, origin=origin)
    verify_inclusion(
        leaf_hash, bundle.index, checkpoint.size, bundle.inclusion_proof, checkpoint.root_hash
    )
    return checkpoint
