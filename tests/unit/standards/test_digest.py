"""The digest names the rule set, not the text it was written in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from standards.digest import ruleset_digest
from standards.loader import load_document, load_ruleset
from tests.support.paths import LIBRARY
from tests.unit.standards.yaml_edits import BASE, Edit, edit

BASE_DATA = yaml.safe_load(BASE)


def _digest(text: str) -> str:
    return ruleset_digest(load_ruleset(text))


def _reverse_keys(value: object) -> object:
    if isinstance(value, dict):
        return {k: _reverse_keys(v) for k, v in reversed(value.items())}
    if isinstance(value, list):
        return [_reverse_keys(v) for v in value]
    return value


SAME = {
    "reversed key order": yaml.safe_dump(_reverse_keys(BASE_DATA), sort_keys=False),
    "sorted keys": yaml.safe_dump(BASE_DATA, sort_keys=True),
    "flow style": yaml.safe_dump(BASE_DATA, default_flow_style=True, width=1_000_000),
    "wide indentation": yaml.safe_dump(BASE_DATA, indent=6, sort_keys=False),
    "json text": json.dumps(BASE_DATA, default=str, indent=1),
    "comments and blank lines": "# header\n\n"
    + BASE.replace("\n  - id: BBB\n", "\n\n  # second category\n  - id: BBB   # trailing\n"),
    "quoting": edit(
        ("title: Demo standard", "title: 'Demo standard'"),
        ("name: First", 'name: "First"'),
        ("requirement: Core rule", "requirement: >-\n          Core\n          rule"),
    ),
    "integers written as floats": edit(
        ("weight: 2", "weight: 2.0"), ("threshold: 7", "threshold: 7.00")
    ),
    "explicit defaults": edit(
        (
            "requirement: Numeric rule\n",
            "requirement: Numeric rule\n        weight: 1\n        guidance: ''\n"
            "        core: false\n",
        )
    ),
    "crlf line endings": BASE.replace("\n", "\r\n"),
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_presentation_does_not_change_the_digest(text: str) -> None:
    assert _digest(text) == _digest(BASE)


def test_json_document_has_the_same_digest() -> None:
    data = json.loads(json.dumps(BASE_DATA, default=str))
    assert ruleset_digest(load_document(data)) == _digest(BASE)


CHANGED: dict[str, tuple[Edit, ...]] = {
    "weight": (("weight: 2", "weight: 3"),),
    "pass mark": (("pass_mark: 3", "pass_mark: 4"),),
    "threshold": (("threshold: 7", "threshold: 6.5"),),
    "wording": (("requirement: Core rule", "requirement: Core rule."),),
    "whitespace inside a value": (("title: Demo standard", "title: Demo  standard"),),
    "grade": (("min_score: 75", "min_score: 70"),),
    "deadline": (("corrective_plan_days: 14", "corrective_plan_days: 7"),),
    "provider types": (("[lender]", "[lender, recruiter]"),),
    "expected answer": (("expected: true", "expected: false"),),
    "version": (("version: 1.0.0", "version: 1.0.1"),),
    "category order": (
        (BASE[BASE.index("  - id: AAA\n") : BASE.index("  - id: BBB\n")], ""),
        ("grades:", BASE[BASE.index("  - id: AAA\n") : BASE.index("  - id: BBB\n")] + "grades:"),
    ),
}


@pytest.mark.parametrize("edits", CHANGED.values(), ids=CHANGED.keys())
def test_any_semantic_change_changes_the_digest(edits: tuple[Edit, ...]) -> None:
    assert _digest(edit(*edits)) != _digest(BASE)


def test_digest_format() -> None:
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", _digest(BASE))


# Published digests never change: a failure here means a published standard (or the way it
# is canonicalised) changed, which would orphan every certificate that names it.
LIBRARY_DIGESTS = {
    "core-rights/1.0.0.yaml": "sha256:"
    "a41069f15f7a683f5e7181e1b5cc7758205fc2198d857ed8cc4a928f222d4da5",
    "core-rights/1.1.0.yaml": "sha256:"
    "0a8b580ac0081f44b6709681cfc711fa39a9cfabac927e8a0cf6abb605b65909",
}


@pytest.mark.parametrize(("relative", "digest"), LIBRARY_DIGESTS.items())
def test_library_digests_are_pinned(relative: str, digest: str) -> None:
    path = LIBRARY / relative
    first, second = ruleset_digest(load_ruleset(path)), ruleset_digest(load_ruleset(path))
    assert first == second == digest


def test_library_digest_ignores_file_name(tmp_path: Path) -> None:
    source = LIBRARY / "core-rights/1.0.0.yaml"
    copy = tmp_path / "copy.yaml"
    copy.write_bytes(source.read_bytes())
    assert ruleset_digest(load_ruleset(copy)) == ruleset_digest(load_ruleset(source))
