"""The one error hierarchy of the `standards` package.

Services catch `StandardsError` and the API maps each subclass to a problem-details answer;
`LintError` carries every `Problem` found so that an author fixes a file in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]

PROBLEM_CODES: Mapping[str, str] = {
    # Reading the source (loader).
    "yaml-syntax": "the text is not well-formed YAML",
    "bad-encoding": "the bytes are not UTF-8",
    "duplicate-key": "a mapping repeats a key",
    "not-a-mapping": "the document is empty or not a mapping",
    "unsupported-tag": "a YAML tag other than the standard ones",
    "bad-scalar": "a value YAML cannot read as its type (e.g. the date 2026-13-45)",
    "recursive-alias": "an alias refers to its own ancestor",
    "bad-key": "a mapping key that is not a plain scalar",
    "too-deep": "nesting deeper than the loader allows",
    "too-large": "more values than the loader allows (alias bombs)",
    # Schema (pydantic errors, mapped by error type).
    "unknown-key": "a key the model does not define",
    "missing-field": "a required field is absent",
    "wrong-type": "a value of the wrong type",
    "bad-id": "a category or indicator id not like FEE or FEE-1",
    "bad-format": "a slug or grade name not in lower-case-with-dashes",
    "bad-version": "not a semantic version",
    "bad-length": "text or list too short or too long",
    "out-of-range": "a number outside the range the model allows",
    "pass-mark-range": "a scale pass mark outside 1-4",
    "unknown-value": "a value outside the allowed set",
    "unknown-provider-type": "applies_to names an unknown provider type",
    "unknown-measure-type": "a measure type other than yes_no, scale, numeric",
    "invalid-value": "any other schema error",
    # Whole-model checks (this module).
    "duplicate-category-id": "two categories share an id",
    "duplicate-indicator-id": "two indicators share an id anywhere in the rule set",
    "empty-category": "a category without indicators",
    "non-positive-weight": "a category or indicator weight that is not a positive number",
    "duplicate-provider-type": "applies_to lists a provider type twice",
    "non-finite-number": "a numeric threshold or bound that is NaN or infinite",
    "numeric-bounds": "a numeric minimum greater than its maximum",
    "threshold-out-of-bounds": "a numeric threshold outside [minimum, maximum]",
    "trivial-threshold": "a numeric test that passes or fails every reportable value",
    "core-not-critical": "a core indicator whose failure class is not critical",
    "critical-not-core": "a non-core indicator whose failure class is critical",
    "no-grades": "no grades are defined",
    "duplicate-grade-name": "two grades share a name",
    "duplicate-grade-score": "two grades share a min_score",
    "grade-order": "grades not listed highest min_score first",
    "missing-non-conformity-rule": "no rule for one of critical, major, minor",
    "no-closure-deadline": "a non-conformity rule that never requires closure",
    "deadline-order": "plan after closure, or withdrawal before closure",
    "grace-without-deadline": "an escalation grace period with no closure deadline to count from",
    "desk-review-with-visit": "desk review of closure allowed where closure needs a visit",
    "surveillance-exceeds-validity": "surveillance interval longer than the validity",
    "supersedes-not-older": "supersedes names a version not older than this one",
    "path-mismatch": "the file is not at <slug>/<version>.yaml",
    "version-bump": "(warning) the version bump is smaller than the changes imply",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a rule set, located as precisely as the source allows.

    `field` is a JSON-style path (`categories[2].indicators[0].measure.pass_mark`, empty for
    the document itself); `line` is 1-based and None when the source had no lines (a JSON
    upload validated as a dict). `code` is the short, stable name of the rule that fired.
    """

    file: str | None
    line: int | None
    field: str
    message: str
    code: str
    # Warnings (e.g. a version bump smaller than the changes imply) never block publishing.
    severity: Severity = "error"

    def __str__(self) -> str:
        where = ":".join(str(part) for part in (self.file, self.line) if part is not None)
        located = f"{where}: " if where else ""
        field = f"{self.field}: " if self.field else ""
        return f"{located}{field}{self.message} [{self.code}]"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class StandardsError(Exception):
    """Base of every error raised by the standards package."""


class LintError(StandardsError):
    """A rule set could not be loaded or is not valid; `problems` lists all that was found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        shown = "; ".join(str(p) for p in self.problems[:5])
        more = len(self.problems) - 5
        suffix = f" (and {more} more)" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s): {shown}{suffix}")


class InvalidVersion(StandardsError, ValueError):
    """A string that should be a semantic version is not one."""


class StandardConflict(StandardsError):
    """A different rule set is being published under a version that already exists."""

    def __init__(self, version: str, existing_digest: str, candidate_digest: str) -> None:
        self.version = version
        self.existing_digest = existing_digest
        self.candidate_digest = candidate_digest
        super().__init__(
            f"version {version} is already published with digest {existing_digest}; "
            f"a different rule set ({candidate_digest}) needs a new version"
        )


class VersionOrderError(StandardsError):
    """A version is not greater than every version already published for the standard."""

    def __init__(self, version: str, latest: str) -> None:
        self.version = version
        self.latest = latest
        super().__init__(f"version {version} is not greater than published version {latest}")


class StandardNotFound(StandardsError):
    """No such standard or version."""


class LifecycleError(StandardsError):
    """The requested transition is not allowed from the version's current status."""
