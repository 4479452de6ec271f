"""If-None-Match, as RFC 9110 reads it for GET: `*`, a list, weak comparison."""

from __future__ import annotations

import pytest

from api.http.conditional import matches

ETAG = '"abc123"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"abc123"', True),
        ("*", True),
        ('W/"abc123"', True),
        ('"zzz", "abc123"', True),
        ('"zzz" ,W/"abc123" ', True),
        ('"abc12"', False),
        ('"abc1234"', False),
        ("abc123", False),
        ("", False),
        ('"zzz", "yyy"', False),
    ],
)
def test_if_none_match(header: str, expected: bool) -> None:
    assert matches(header, ETAG) is expected
    assert matches(header, f"W/{ETAG}") is expected
