"""The standards tests' fixtures; the YAML they edit is in `yaml_edits.py`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from standards.loader import load_ruleset
from standards.model import RuleSet
from tests.unit.standards.yaml_edits import BASE, Edit, edit


@pytest.fixture
def base_ruleset() -> RuleSet:
    return load_ruleset(BASE)


@pytest.fixture
def make_ruleset() -> Callable[..., RuleSet]:
    """Build a valid rule set from BASE with edits applied."""

    def build(*edits: Edit) -> RuleSet:
        return load_ruleset(edit(*edits))

    return build
