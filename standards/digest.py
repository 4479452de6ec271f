"""The published identity of a rule set: the SHA-256 of its canonical JSON.

The digest is taken over the validated model, not the source text, so YAML key order,
whitespace, comments, quoting and flow/block style cannot change it, while any change of a
value (or of the order of a list, e.g. categories) does. Digest only lint-clean rule sets:
a NaN or infinite number has no canonical JSON form and makes `rfc8785` raise.
"""

from __future__ import annotations

from standards.canonical import canonical_digest
from standards.model import RuleSet


def ruleset_digest(ruleset: RuleSet) -> str:
    """`sha256:<hex>` of the RFC 8785 canonical form of `ruleset.to_document()`."""
    return canonical_digest(ruleset.to_document())
