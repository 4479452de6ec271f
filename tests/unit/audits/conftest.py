"""The audits tests' fixtures; the builders they use are in `rulesets.py`."""

from __future__ import annotations

import pytest

from standards.model import RuleSet
from tests.unit.audits.rulesets import (
    YES,
    category,
    indicator,
    load_library,
    make_ruleset,
    numeric,
    scale,
)


@pytest.fixture(scope="session")
def core_rights() -> RuleSet:
    """The shipped core-rights 1.0.0 standard."""
    return load_library()


@pytest.fixture
def small() -> RuleSet:
    """Two categories: FEE (weight 3) and REM (weight 1), every measure type, one N/A."""
    return make_ruleset(
        category(
            "FEE",
            3,
            indicator("FEE-1", YES, core=True, weight=2),
            indicator("FEE-2", scale(3), failure_class="major"),
        ),
        category(
            "REM",
            1,
            indicator("REM-1", numeric("<=", 7, minimum=0, unit="days"), failure_class="major"),
            indicator("REM-2", YES, applies_to=("lender",)),
        ),
    )
