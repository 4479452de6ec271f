"""Engine-neutral row encoding: one JSON object per line, with timestamps and dates as ISO
8601 text (pure).

SQLite and PostgreSQL return different Python values for the same column only in how they
are produced; the drivers' values for every column kind the registry uses (text, integers,
doubles, booleans, dates, timestamps with zone) map onto JSON one-to-one once dates and
timestamps are text. Decoding needs each column's kind to turn that text back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from registry.backup.errors import ArchiveError


class Kind(StrEnum):
    PLAIN = "plain"  # str, int, float, None: JSON as they are
    BOOLEAN = "boolean"
    DATE = "date"
    TIMESTAMP = "timestamp"


def _encode_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:  # every registry timestamp is zoned; refuse a guess
            raise ValueError(f"naive timestamp {value!r}")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def encode_row(row: Mapping[str, Any]) -> bytes:
    """One line, keys sorted so the same rows always give the same bytes."""
    body = {key: _encode_value(value) for key, value in row.items()}
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def _decode_value(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind is Kind.TIMESTAMP:
        parsed = dt.datetime.fromisoformat(value)
        if parsed.utcoffset() is None:
            raise ValueError("a timestamp without a zone")
        return parsed
    if kind is Kind.DATE:
        return dt.date.fromisoformat(value)
    if kind is Kind.BOOLEAN:
        if value not in (True, False, 0, 1):
            raise ValueError(f"not a boolean: {value!r}")
        return bool(value)
    return value


def decode_row(table: str, line: bytes, kinds: Mapping[str, Kind]) -> dict[str, Any]:
    """The row of `line`, with exactly the columns `kinds` names."""
    try:
        body = json.loads(line)
        if not isinstance(body, dict):
            raise ValueError("not a JSON object")
        if set(body) != set(kinds):
            missing, extra = sorted(set(kinds) - set(body)), sorted(set(body) - set(kinds))
            raise ValueError(f"columns differ (missing {missing}, unknown {extra})")
        return {name: _decode_value(kinds[name], body[name]) for name in kinds}
    except (ValueError, TypeError) as exc:
        raise ArchiveError(f"a row of table {table} is malformed: {exc}") from exc
