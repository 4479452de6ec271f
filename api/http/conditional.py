"""Conditional GET (RFC 9110 section 13.1.2): whether `If-None-Match` names the current
representation, so the answer can be `304 Not Modified` without a body."""

from __future__ import annotations

from typing import Any

from litestar import Request


def matches(if_none_match: str, etag: str) -> bool:
    """Whether the header value matches `etag`: `*`, or one of its comma-separated entity
    tags by the weak comparison (`W/"x"` matches `"x"`), which is the one for GET."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def not_modified(request: Request[Any, Any, Any], etag: str) -> bool:
    return matches(request.headers.get("if-none-match", ""), etag)
