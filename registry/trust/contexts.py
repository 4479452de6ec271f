"""The JSON-LD contexts a certificate uses, shipped in the repository.

- `credentials-v2.jsonld`: a byte-exact copy of the W3C VC 2.0 base context
  (https://www.w3.org/ns/credentials/v2, SHA-256 59955ced...2734 as published in the VC Data
  Model 2.0 Recommendation, appendix B.1), so verification and JSON-LD processing never fetch it.
- `rightsmark-v1.jsonld`: the registry's own protected, versioned context defining every term a
  certificate adds, served by the API at `registry_context_url(public_url)`. A new version gets
  a new file and URL; a published version is never edited (signed credentials depend on it).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

CREDENTIALS_V2 = "https://www.w3.org/ns/credentials/v2"
CREDENTIALS_V2_SHA256 = "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734"
REGISTRY_CONTEXT_FILE = "rightsmark-v1"
_FILES = {"credentials-v2": "credentials-v2.jsonld", "rightsmark-v1": "rightsmark-v1.jsonld"}


def registry_context_url(public_url: str) -> str:
    """The stable URL of the registry's v1 context under its public base URL."""
    return f"{public_url.rstrip('/')}/contexts/rightsmark/v1"


@cache
def context_bytes(name: str) -> bytes:
    """The shipped bytes of a context: "credentials-v2" or "rightsmark-v1"."""
    try:
        filename = _FILES[name]
    except KeyError:
        raise KeyError(f"unknown context {name!r}; known: {sorted(_FILES)}") from None
    return (resources.files(__package__) / "contexts" / filename).read_bytes()


def load_context(name: str) -> dict[str, Any]:
    """A fresh parsed copy of a shipped context document ({"@context": {...}})."""
    document: dict[str, Any] = json.loads(context_bytes(name))
    return document


def registry_context_bytes() -> bytes:
    """The registry context exactly as served (`application/ld+json`)."""
    return context_bytes(REGISTRY_CONTEXT_FILE)
