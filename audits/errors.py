"""The audits package's one error hierarchy; the API maps these to problem details."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from audits.model import FindingProblem


class AuditError(Exception):
    """Base class of every error the audits package raises on purpose."""


class InvalidSubmission(AuditError):
    """A submission does not satisfy its standard; `problems` lists every reason at once."""

    def __init__(self, problems: list[FindingProblem]) -> None:
        self.problems = problems
        first = problems[0].message if problems else "no details"
        super().__init__(f"{len(problems)} problem(s) in the submission, first: {first}")


class RuleSetNotScorable(AuditError):
    """The rule set cannot be scored deterministically (e.g. a weight that is not > 0)."""


class StandardMismatch(AuditError):
    """A report and a rule set (or a submission and a rule set) name different standards."""
