"""Bitstring Status List v1.0: bit order, encodedList round trips, strict decoding."""

from __future__ import annotations

import base64
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.errors import StatusListDecodeError, StatusListError, StatusListFullError
from registry.trust.statuslist import MIN_BITS, StatusList, allocate_index

# The all-zero 16 KB list from the Bitstring Status List v1.0 examples (gzip by another
# implementation, with a different XFL header byte than ours).
SPEC_EXAMPLE = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_bit_order_is_most_significant_bit_first() -> None:
    status = StatusList()
    for index in (0, 7, 10, MIN_BITS - 1):
        status.set(index)
    raw = status.to_bytes()
    # Hand-computed: index 0 -> 0b1000_0000 and index 7 -> 0b0000_0001 of byte 0; index 10 is
    # bit 2 of byte 1 -> 0b0010_0000; the last index is the lowest bit of the last byte.
    assert raw[0] == 0x81
    assert raw[1] == 0x20
    assert raw[-1] == 0x01
    assert sum(bin(b).count("1") for b in raw) == 4
    assert [i for i in range(16) if status.get(i)] == [0, 7, 10]


def test_bits_can_be_cleared() -> None:
    status = StatusList()
    status.set(9)
    status.set(9, False)
    assert not status.get(9)
    assert not any(status.to_bytes())


def test_spec_example_decodes_to_empty_list() -> None:
    status = StatusList.decode(SPEC_EXAMPLE)
    assert len(status) == MIN_BITS
    assert not any(status.to_bytes())
    assert StatusList.decode(StatusList().encode()).to_bytes() == status.to_bytes()


def test_encoding_is_deterministic_and_unpadded() -> None:
    status = StatusList()
    status.set(12345)
    assert status.encode() == status.encode()
    assert status.encode().startswith("u")
    assert "=" not in status.encode()


@settings(max_examples=50)
@given(st.sets(st.integers(0, 2 * MIN_BITS - 1), max_size=300))
def test_round_trip(indexes: set[int]) -> None:
    status = StatusList(2 * MIN_BITS)
    for index in indexes:
        status.set(index)
    decoded = StatusList.decode(status.encode())
    assert len(decoded) == 2 * MIN_BITS
    assert decoded.to_bytes() == status.to_bytes()
    assert {i for i in indexes if decoded.get(i)} == indexes


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("z" + SPEC_EXAMPLE[1:], "prefix 'u'"),
        (SPEC_EXAMPLE + "=", "base64url"),
        (SPEC_EXAMPLE.replace("-", "+"), "base64url"),
        (SPEC_EXAMPLE[:-1] + "/", "base64url"),
        (SPEC_EXAMPLE + "A", "base64url"),  # 4n+1 characters cannot be base64
        (encoded(b"not gzip at all"), "not valid gzip"),
        (encoded(gzip.compress(bytes(MIN_BITS // 8), mtime=0)[:-6]), "truncated"),
        (encoded(gzip.compress(bytes(MIN_BITS // 8), mtime=0) + b"junk"), "after the gzip"),
        (encoded(gzip.compress(bytes(MIN_BITS // 8 - 1), mtime=0)), "at least 131072"),
        ("u", "not valid gzip|truncated"),
    ],
)
def test_decode_rejects(value: str, message: str) -> None:
    with pytest.raises(StatusListDecodeError, match=message):
        StatusList.decode(value)


def test_decode_caps_decompressed_size() -> None:
    bomb = StatusList(64 * MIN_BITS).encode()
    with pytest.raises(StatusListDecodeError, match="exceeds"):
        StatusList.decode(bomb, max_bytes=MIN_BITS // 8)


@pytest.mark.parametrize("size", [MIN_BITS - 8, MIN_BITS + 1, 0])
def test_size_must_be_large_whole_bytes(size: int) -> None:
    with pytest.raises(StatusListError):
        StatusList(size)


@pytest.mark.parametrize("index", [-1, MIN_BITS])
def test_index_out_of_range(index: int) -> None:
    with pytest.raises(StatusListError, match="outside"):
        StatusList().get(index)


def test_allocation_avoids_used_indexes_until_full() -> None:
    used: set[int] = set()
    for _ in range(64):
        index = allocate_index(used, 64)
        assert 0 <= index < 64
        assert index not in used
        used.add(index)
    with pytest.raises(StatusListFullError):
        allocate_index(used, 64)


def test_allocation_is_spread_over_the_list() -> None:
    picks = {allocate_index(set()) for _ in range(200)}
    assert len(picks) > 190  # random, not sequential
    assert max(picks) > MIN_BITS // 2


def test_allocation_reads_a_status_list_bitmap() -> None:
    status = StatusList()
    for index in range(MIN_BITS - 1):
        status.set(index)
    assert allocate_index(status) == MIN_BITS - 1
    status.set(MIN_BITS - 1)
    with pytest.raises(StatusListFullError):
        allocate_index(status)
    with pytest.raises(StatusListError, match="exceeds"):
        allocate_index(status, 2 * MIN_BITS)
