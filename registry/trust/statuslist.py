"""W3C Bitstring Status List v1.0: the bitstring behind revocation and suspension lists.

- Index 0 is the left-most bit of the bitstring, i.e. the most significant bit of byte 0
  (spec section 3.2, "Bitstring Generation Algorithm").
- `encodedList` is the multibase base64url (prefix `u`, no padding) of the GZIP-compressed
  bitstring (RFC 1952), and the uncompressed bitstring is at least 16 KB = 131,072 bits
  (section 2.1 and 3.2) so that a single credential's index says little about its holder.
- Indexes are assigned at random (section 6.3 "Group Privacy" recommends it), using
  `secrets` so that the order of issuance cannot be read from the indexes.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from collections.abc import Callable, Container

from registry.errors import StatusListDecodeError, StatusListError, StatusListFullError

MIN_BITS = 131_072
# Decompression cap: a hostile encodedList could be a gzip bomb. 16 MiB is 134 million
# entries, far above any list the registry publishes.
MAX_BYTES = 16 * 1024 * 1024
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


class StatusList:
    """A mutable bitstring of `size` status bits, all initially 0."""

    __slots__ = ("_bits",)

    def __init__(self, size: int = MIN_BITS) -> None:
        if size < MIN_BITS or size % 8:
            raise StatusListError(f"size must be a multiple of 8 and >= {MIN_BITS}, not {size}")
        self._bits = bytearray(size // 8)

    @classmethod
    def from_bytes(cls, data: bytes, min_bits: int = MIN_BITS) -> StatusList:
        if len(data) * 8 < min_bits:
            raise StatusListDecodeError(
                f"bitstring has {len(data) * 8} bits; at least {min_bits} are required"
            )
        status_list = cls.__new__(cls)
        status_list._bits = bytearray(data)
        return status_list

    def __len__(self) -> int:
        return len(self._bits) * 8

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < len(self):
            raise StatusListError(f"index {index} is outside 0..{len(self) - 1}")
        return index >> 3, 0x80 >> (index & 7)

    def get(self, index: int) -> bool:
        byte, mask = self._locate(index)
        return bool(self._bits[byte] & mask)

    def set(self, index: int, value: bool = True) -> None:
        byte, mask = self._locate(index)
        if value:
            self._bits[byte] |= mask
        else:
            self._bits[byte] &= ~mask & 0xFF

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        """The `encodedList` value."""
        # mtime=0 makes the output a pure function of the bits: identical lists give identical
        # credentials, which keeps signed status list documents cacheable and reproducible.
        compressed = gzip.compress(bytes(self._bits), compresslevel=9, mtime=0)
        return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")

    @classmethod
    def decode(
        cls, encoded: str, min_bits: int = MIN_BITS, max_bytes: int = MAX_BYTES
    ) -> StatusList:
        """Parse an `encodedList`, checking every layer; StatusListDecodeError says which."""
        if not isinstance(encoded, str) or not encoded.startswith("u"):
            raise StatusListDecodeError("encodedList must be multibase base64url (prefix 'u')")
        body = encoded[1:]
        if not _BASE64URL.fullmatch(body) or len(body) % 4 == 1:
            raise StatusListDecodeError("encodedList is not unpadded base64url")
        try:
            compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError) as exc:
            raise StatusListDecodeError("encodedList is not unpadded base64url") from exc
        return cls.from_bytes(_gunzip(compressed, max_bytes), min_bits)


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # gzip container only
    try:
        raw = decompressor.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListDecodeError(f"encodedList is not valid gzip: {exc}") from exc
    if len(raw) > max_bytes:
        raise StatusListDecodeError(f"bitstring exceeds {max_bytes} bytes")
    if not decompressor.eof:
        raise StatusListDecodeError("encodedList gzip stream is truncated")
    if decompressor.unused_data:
        raise StatusListDecodeError("encodedList has data after the gzip stream")
    return raw


def allocate_index(
    used: Container[int] | StatusList, size: int | None = None, *, attempts: int = 64
) -> int:
    """A uniformly random index in [0, size) that is not in `used`.

    `used` is a set (or any container) of taken indexes, or a StatusList whose set bits mark
    them; `size` defaults to that list's length, else to MIN_BITS. Random probing is O(1)
    while the list is sparse, the normal case; once `attempts` probes fail, the free indexes
    are listed, so allocation stays uniform and succeeds until the list is truly full.
    """
    taken: Callable[[int], bool]
    if isinstance(used, StatusList):
        size = len(used) if size is None else size
        if size > len(used):
            raise StatusListError(f"size {size} exceeds the list's {len(used)} bits")
        taken = used.get
    else:
        size = MIN_BITS if size is None else size
        taken = used.__contains__
    if size <= 0:
        raise StatusListError("size must be positive")
    for _ in range(attempts):
        candidate = secrets.randbelow(size)
        if not taken(candidate):
            return candidate
    free = [index for index in range(size) if not taken(index)]
    if not free:
        raise StatusListFullError(f"all {size} indexes are in use")
    return secrets.choice(free)
