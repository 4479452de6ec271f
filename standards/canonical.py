"""RFC 8785 (JCS) canonical JSON, fast.

The pure-Python `rfc8785` package is correct but slow (~100 us for a credential). For the
documents this registry handles - no floats, every key in the Basic Multilingual Plane -
`json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))` produces exactly the
same bytes: JCS sorts keys by UTF-16 code units, which equals code-point order inside the BMP,
and JCS string escaping matches `json.dumps` with `ensure_ascii=False`. Anything outside that
domain (floats, astral-plane keys, non-str keys) falls back to `rfc8785`, so the output is
always the canonical form. Property tests prove byte-identity against `rfc8785`.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

_encoder = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
)


_SAFE_INT_MAX = 2**53 - 1  # rfc8785 (I-JSON) rejects integers beyond +-(2**53 - 1)


def _fast_path_safe(value: Any) -> bool:
    """True when `json.dumps` is byte-identical to JCS for this value."""
    # Iterative walk: deeply nested input must not blow the Python stack. Exact type checks
    # come first because this walk runs on every credential verification.
    stack: list[Any] = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or item is None or kind is bool:
            continue
        if isinstance(item, int):
            # JCS serialises integers as IEEE 754 doubles; rfc8785 refuses those it cannot
            # represent exactly, and the fast path must refuse the same ones.
            if -_SAFE_INT_MAX <= item <= _SAFE_INT_MAX:
                continue
            return False
        if isinstance(item, dict):
            for key, child in item.items():
                # isascii() is a C-speed shortcut (true for ""); max() covers the rest of
                # the BMP, where code-point order equals JCS's UTF-16 order.
                if type(key) is not str or not (key.isascii() or max(key) <= "\uffff"):
                    return False
                if type(child) is not str:
                    stack.append(child)
            continue
        if isinstance(item, list | tuple):
            stack.extend(item)
            continue
        return False  # floats and anything else: let rfc8785 decide
    return True


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    if _fast_path_safe(value):
        try:
            return _encoder.encode(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # lone surrogates: rfc8785 raises its own CanonicalizationError below
    return bytes(rfc8785.dumps(value))


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_digest(value: Any) -> str:
    """`sha256:<hex>` of the canonical JSON of a value: how the registry names documents."""
    return "sha256:" + sha256_hex(canonical_json(value))
