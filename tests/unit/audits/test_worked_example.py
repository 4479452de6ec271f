"""The worked example of docs/scoring.md, read from the page and run through the engine."""

from __future__ import annotations

import json
import re
from typing import Any

from audits.decision import decide
from audits.scoring import parse_and_score
from standards.loader import load_ruleset
from tests.support.paths import DOCS

PAGE = DOCS / "scoring.md"
BLOCK = re.compile(r"<!-- example: (\w+) -->\s*```\w+\n(.*?)```", re.DOTALL)


def blocks() -> dict[str, str]:
    return dict(BLOCK.findall(PAGE.read_text(encoding="utf-8")))


def test_the_page_has_the_three_blocks() -> None:
    assert set(blocks()) == {"ruleset", "submission", "expected"}


def test_the_engine_agrees_with_the_worked_example() -> None:
    found = blocks()
    ruleset = load_ruleset(found["ruleset"])
    report = parse_and_score(ruleset, found["submission"].encode())
    assert not isinstance(report, list), report
    expected: dict[str, Any] = json.loads(found["expected"])
    assert {c.category: c.score for c in report.categories} == expected["categories"]
    assert {r.indicator: r.points for r in report.indicators} == expected["points"]
    assert report.score == expected["score"]
    assert report.floor_holds is expected["floor_holds"]
    assert report.grade == expected["grade"]
    assert decide(report, ruleset).outcome == expected["outcome"]
    ncs = [
        {
            "indicator": n.indicator,
            "class": n.class_.value,
            "corrective_plan_due": n.corrective_plan_due and n.corrective_plan_due.isoformat(),
            "close_by": n.close_by and n.close_by.isoformat(),
            "close_by_next_surveillance": n.close_by_next_surveillance,
        }
        for n in report.non_conformities
    ]
    assert ncs == expected["non_conformities"]


def test_the_prose_arithmetic_matches() -> None:
    # Step 4 of the page: 34999 / 4 = 8749.75 hundredths, rounded to 8750.
    text = PAGE.read_text(encoding="utf-8")
    assert "34999 / 4 = 8749.75" in text
    assert 3 * 8333 + 10000 == 34999
    assert "**83.33**" in text
    assert "**87.5**" in text
