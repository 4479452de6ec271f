"""A small valid rule set as YAML text, and a way to break it one edit at a time.

Edits put a `# <-` comment on the line where the problem is expected, so each test states
its expected line in the YAML itself rather than as a fragile number.
"""

from __future__ import annotations

MARK = "# <-"

BASE = """\
slug: demo
version: 1.0.0
title: Demo standard
effective_date: 2026-01-01
categories:
  - id: AAA
    name: First
    weight: 2
    indicators:
      - id: AAA-1
        requirement: Core rule
        core: true
        failure_class: critical
        applies_to: [recruiter]
        measure:
          type: yes_no
          expected: true
      - id: AAA-2
        requirement: Scale rule
        failure_class: major
        applies_to: [recruiter, sub_agent]
        measure:
          type: scale
          pass_mark: 3
  - id: BBB
    name: Second
    weight: 1
    indicators:
      - id: BBB-1
        requirement: Numeric rule
        applies_to: [lender]
        measure:
          type: numeric
          comparator: "<="
          threshold: 7
          unit: days
          minimum: 0
          maximum: 365
grades:
  - name: gold
    min_score: 90
  - name: silver
    min_score: 75
non_conformities:
  critical:
    suspends_certificate: true
    close_within_days: 30
    withdraw_after_days: 90
  major:
    corrective_plan_days: 14
    close_within_days: 60
  minor:
    close_by_next_surveillance: true
certificate:
  validity_months: 36
  surveillance_interval_months: 12
"""

Edit = tuple[str, str]


def edit(*edits: Edit, text: str = BASE) -> str:
    """Apply `(old, new)` replacements; each `old` must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def marked_line(text: str) -> int | None:
    """The 1-based line carrying the `# <-` marker."""
    for number, line in enumerate(text.splitlines(), start=1):
        if MARK in line:
            return number
    return None
