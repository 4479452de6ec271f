"""Every lint rule, each on a small broken rule set: code, field path and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from standards.errors import LintError, Problem
from standards.lint import RULES, lint_document, lint_path, lint_ruleset, lint_source, load_checked
from standards.loader import MAX_DEPTH, load_document, load_ruleset, parse_source
from tests.unit.standards.yaml_edits import BASE, Edit, edit, marked_line

M = "  # <-"
# The indicators of BASE: AAA-1 (core yes/no), AAA-2 (scale), BBB-1 (numeric).
A1, A2, B1 = (
    "categories[0].indicators[0]",
    "categories[0].indicators[1]",
    "categories[1].indicators[0]",
)

# (code, field, edits): the edited BASE must report `code` at `field` on the marked line.
CASES: list[tuple[str, str, tuple[Edit, ...]]] = [
    # Reading the source.
    ("yaml-syntax", "", (("title: Demo standard", f"title: a: b{M}"),)),
    ("duplicate-key", "title", (("title: Demo standard\n", f"title: Demo\ntitle: Again{M}\n"),)),
    ("unsupported-tag", "title", (("title: Demo standard", f"title: !custom Demo{M}"),)),
    ("unsupported-tag", "title", (("title: Demo standard", f"title: !!python/name:os.system{M}"),)),
    ("unsupported-tag", "title", (("title: Demo standard", f"title: !!set {{a, b}}{M}"),)),
    (
        "bad-scalar",
        "effective_date",
        (("effective_date: 2026-01-01", f"effective_date: 2026-13-45{M}"),),
    ),
    ("bad-scalar", "categories[0].weight", (("    weight: 2", f"    weight: !!int two{M}"),)),
    ("bad-scalar", "title", (("title: Demo standard", f"title: !!bool maybe{M}"),)),
    (
        "recursive-alias",
        "summary[0]",
        (("title: Demo standard\n", f"title: T\nsummary: &s [*s]{M}\n"),),
    ),
    ("bad-key", "", (("title: Demo standard\n", f"title: T\n? [a, b]{M}\n: 1\n"),)),
    # Schema.
    (
        "unknown-key",
        "categories[0].wieght",
        (("    weight: 2\n", f"    weight: 2\n    wieght: 3{M}\n"),),
    ),
    (
        "missing-field",
        f"{A2}.requirement",
        (
            ("      - id: AAA-2\n", f"      - id: AAA-2{M}\n"),
            ("        requirement: Scale rule\n", ""),
        ),
    ),
    (
        "missing-field",
        f"{A2}.measure.type",
        (("        measure:\n          type: scale\n", f"        measure:{M}\n"),),
    ),
    ("wrong-type", "categories[0].weight", (("    weight: 2", f"    weight: heavy{M}"),)),
    ("wrong-type", "version", (("version: 1.0.0", f"version: 1.0{M}"),)),
    ("wrong-type", "effective_date", (("effective_date: 2026-01-01", f"effective_date: soon{M}"),)),
    ("bad-id", f"{A2}.id", (("- id: AAA-2", f"- id: aaa-2{M}"),)),
    ("bad-format", "slug", (("slug: demo", f"slug: Demo Standard{M}"),)),
    ("bad-format", "grades[1].name", (("name: silver", f"name: Silver{M}"),)),
    ("bad-version", "version", (("version: 1.0.0", f"version: v1{M}"),)),
    ("bad-length", f"{B1}.applies_to", (("[lender]", f"[]{M}"),)),
    (
        "out-of-range",
        "certificate.validity_months",
        (("validity_months: 36", f"validity_months: 0{M}"),),
    ),
    ("out-of-range", "grades[0].min_score", (("min_score: 90", f"min_score: 120{M}"),)),
    ("pass-mark-range", f"{A2}.measure.pass_mark", (("pass_mark: 3", f"pass_mark: 5{M}"),)),
    (
        "unknown-value",
        f"{A2}.failure_class",
        (("failure_class: major", f"failure_class: severe{M}"),),
    ),
    ("unknown-value", "non_conformities.trivial", (("  minor:\n", f"  trivial:{M}\n"),)),
    ("unknown-value", f"{B1}.measure.comparator", (('"<="', f'"=<"{M}'),)),
    (
        "unknown-provider-type",
        f"{A2}.applies_to[1]",
        (("[recruiter, sub_agent]", f"[recruiter, smuggler]{M}"),),
    ),
    (
        "unknown-measure-type",
        f"{A2}.measure.type",
        (("type: scale", f"type: stars{M}"),),
    ),
    # Whole-model checks.
    ("duplicate-category-id", "categories[1].id", (("  - id: BBB\n", f"  - id: AAA{M}\n"),)),
    ("duplicate-indicator-id", f"{B1}.id", (("- id: BBB-1", f"- id: AAA-1{M}"),)),
    (
        "empty-category",
        "categories[1].indicators",
        (
            (
                BASE[BASE.index("    indicators:\n      - id: BBB-1") : BASE.index("grades:")],
                f"    indicators: []{M}\n",
            ),
        ),
    ),
    ("non-positive-weight", "categories[1].weight", (("    weight: 1\n", f"    weight: 0{M}\n"),)),
    (
        "non-positive-weight",
        f"{B1}.weight",
        (("Numeric rule\n", f"Numeric rule\n        weight: -1{M}\n"),),
    ),
    ("non-positive-weight", "categories[0].weight", (("    weight: 2", f"    weight: .inf{M}"),)),
    (
        "duplicate-provider-type",
        f"{A2}.applies_to[1]",
        (("[recruiter, sub_agent]", f"[recruiter, recruiter]{M}"),),
    ),
    ("non-finite-number", f"{B1}.measure.threshold", (("threshold: 7", f"threshold: .nan{M}"),)),
    ("numeric-bounds", f"{B1}.measure.minimum", (("minimum: 0", f"minimum: 400{M}"),)),
    (
        "threshold-out-of-bounds",
        f"{B1}.measure.threshold",
        (("threshold: 7", f"threshold: 500{M}"),),
    ),
    (
        "threshold-out-of-bounds",
        f"{B1}.measure.threshold",
        (("threshold: 7", f"threshold: -1{M}"),),
    ),
    ("trivial-threshold", f"{B1}.measure.threshold", (("threshold: 7", f"threshold: 365{M}"),)),
    (
        "trivial-threshold",
        f"{B1}.measure.threshold",
        (('"<="', '"<"'), ("threshold: 7", f"threshold: 0{M}")),
    ),
    ("pass-mark-range", f"{A2}.measure.pass_mark", (("pass_mark: 3", f"pass_mark: 0{M}"),)),
    (
        "core-not-critical",
        f"{A1}.failure_class",
        (("failure_class: critical", f"failure_class: major{M}"),),
    ),
    (
        "critical-not-core",
        f"{A2}.failure_class",
        (("failure_class: major", f"failure_class: critical{M}"),),
    ),
    (
        "no-grades",
        "grades",
        (
            (
                "grades:\n  - name: gold\n    min_score: 90\n  - name: silver\n    min_score: 75\n",
                f"grades: []{M}\n",
            ),
        ),
    ),
    ("duplicate-grade-name", "grades[1].name", (("name: silver", f"name: gold{M}"),)),
    ("duplicate-grade-score", "grades[1].min_score", (("min_score: 75", f"min_score: 90{M}"),)),
    ("grade-order", "grades[1].min_score", (("min_score: 75", f"min_score: 95{M}"),)),
    (
        "missing-non-conformity-rule",
        "non_conformities",
        (
            ("non_conformities:\n", f"non_conformities:{M}\n"),
            ("  minor:\n    close_by_next_surveillance: true\n", ""),
        ),
    ),
    (
        "no-closure-deadline",
        "non_conformities.minor",
        (
            ("  minor:\n", f"  minor:{M}\n"),
            ("close_by_next_surveillance: true", "close_by_next_surveillance: false"),
        ),
    ),
    (
        "deadline-order",
        "non_conformities.major.corrective_plan_days",
        (("corrective_plan_days: 14", f"corrective_plan_days: 70{M}"),),
    ),
    (
        "deadline-order",
        "non_conformities.critical.withdraw_after_days",
        (("withdraw_after_days: 90", f"withdraw_after_days: 20{M}"),),
    ),
    (
        "grace-without-deadline",
        "non_conformities.minor.escalation_grace_days",
        (
            (
                "close_by_next_surveillance: true",
                f"close_by_next_surveillance: true\n    escalation_grace_days: 10{M}",
            ),
        ),
    ),
    (
        "desk-review-with-visit",
        "non_conformities.critical.secretariat_desk_review",
        (
            (
                "withdraw_after_days: 90",
                "withdraw_after_days: 90\n    closure_visit_required: true\n"
                f"    secretariat_desk_review: true{M}",
            ),
        ),
    ),
    (
        "surveillance-exceeds-validity",
        "certificate.surveillance_interval_months",
        (("interval_months: 12", f"interval_months: 48{M}"),),
    ),
    (
        "supersedes-not-older",
        "supersedes",
        (("version: 1.0.0\n", f"version: 1.0.0\nsupersedes: 1.0.0{M}\n"),),
    ),
    (
        "supersedes-not-older",
        "supersedes",
        (("version: 1.0.0\n", f"version: 1.0.0\nsupersedes: 1.2.0{M}\n"),),
    ),
]

# Codes exercised by dedicated tests below rather than by an edit of BASE.
SPECIAL = {
    "bad-encoding",
    "not-a-mapping",
    "too-deep",
    "too-large",
    "path-mismatch",
    "version-bump",
}
# Fallback for pydantic error types the model cannot currently produce.
UNREACHABLE = {"invalid-value"}


def _only(problems: list[Problem], code: str) -> list[Problem]:
    return [p for p in problems if p.code == code]


@pytest.mark.parametrize(("code", "field", "edits"), CASES, ids=[f"{c[0]}:{c[1]}" for c in CASES])
def test_rule(code: str, field: str, edits: tuple[Edit, ...]) -> None:
    text = edit(*edits)
    problems = lint_source(text, file="demo.yaml").problems
    hits = _only(problems, code)
    assert hits, f"{code} not reported; got {[str(p) for p in problems]}"
    assert (hits[0].file, hits[0].field, hits[0].line) == ("demo.yaml", field, marked_line(text))
    assert hits[0].message
    assert hits[0].severity == "error"


def test_every_rule_is_tested() -> None:
    assert {c[0] for c in CASES} | SPECIAL | UNREACHABLE == set(RULES)


def test_base_is_clean() -> None:
    assert lint_source(BASE).problems == []


def test_all_problems_reported_at_once() -> None:
    text = edit(
        ("title: Demo standard\n", "title: T\ntitle: U\n"),  # duplicate key
        ("name: silver", "name: gold"),  # semantic
        ("  - id: BBB\n", "  - id: AAA\n"),  # semantic
        ("interval_months: 12", "interval_months: 48"),  # semantic
    )
    codes = {p.code for p in lint_source(text).problems}
    assert codes == {
        "duplicate-key",
        "duplicate-grade-name",
        "duplicate-category-id",
        "surveillance-exceeds-validity",
    }
    schema = edit(
        ("slug: demo", "slug: Demo"), ("pass_mark: 3", "pass_mark: 9"), ("[lender]", "[x]")
    )
    with pytest.raises(LintError) as caught:
        load_ruleset(schema)
    lines = [p.line or 0 for p in caught.value.problems]
    assert [p.code for p in caught.value.problems] == [
        "bad-format",
        "pass-mark-range",
        "unknown-provider-type",
    ]
    assert lines == sorted(lines)


def test_unknown_key_suggests_the_right_one() -> None:
    problems = lint_source(edit(("    weight: 2\n", "    weight: 2\n    wieght: 3\n"))).problems
    assert "did you mean 'weight'" in problems[0].message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("slug: demo\ntitle: [unclosed\n", 3),
        ("slug: demo\n  bad indent: x\n", 2),
        ("a: 1\n---\nb: 2\n", 2),
        ("title: '\x07'\n", 1),
    ],
)
def test_malformed_yaml(text: str, line: int) -> None:
    (problem,) = lint_source(text, file="x.yaml").problems
    assert (problem.code, problem.line, problem.file) == ("yaml-syntax", line, "x.yaml")


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just text\n", "~\n"])
def test_not_a_mapping(text: str) -> None:
    (problem,) = lint_source(text).problems
    assert problem.code == "not-a-mapping"


def test_bad_encoding() -> None:
    (problem,) = lint_source(b"slug: demo\ntitle: caf\xe9\n").problems
    assert (problem.code, problem.line) == ("bad-encoding", 2)


def test_utf8_bytes_and_bom_are_fine() -> None:
    assert lint_source(("\ufeff" + BASE).encode()).problems == []


def test_too_deep() -> None:
    depth = MAX_DEPTH + 5
    problems = lint_source(f"slug: demo\ntitle: {'[' * depth}1{']' * depth}\n").problems
    assert _only(problems, "too-deep")[0].line == 2


def test_too_large_alias_bomb() -> None:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    (problem,) = lint_source("\n".join(rows) + "\n").problems
    assert problem.code == "too-large"


def test_yaml_1_1_keys_stay_text() -> None:
    # `on:` must be reported as an unknown key "on", not crash or become True.
    problems = lint_source(edit(("title: Demo standard\n", "title: T\non: 1\n"))).problems
    assert [(p.code, p.field) for p in problems] == [("unknown-key", "on")]


def test_merge_keys_are_supported() -> None:
    text = BASE.replace(
        "  major:\n    corrective_plan_days: 14\n", "  major: &m\n    corrective_plan_days: 14\n"
    )
    text += "x_extra: {<<: *m}\n"
    assert [p.code for p in lint_source(text).problems] == ["unknown-key"]


def _write(root: Path, relative: str, text: str = BASE) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_lint_path_clean(tmp_path: Path) -> None:
    assert lint_path(_write(tmp_path, "demo/1.0.0.yaml")) == []


@pytest.mark.parametrize(
    ("relative", "field", "line"),
    [
        ("other/1.0.0.yaml", "slug", 1),
        ("demo/1.0.1.yaml", "version", 2),
        ("demo/v1.yml", "version", 2),
    ],
)
def test_path_mismatch(tmp_path: Path, relative: str, field: str, line: int) -> None:
    path = _write(tmp_path, relative)
    (problem,) = lint_path(path)
    assert (problem.code, problem.field, problem.line, problem.file) == (
        "path-mismatch",
        field,
        line,
        str(path),
    )
    assert lint_path(path, check_location=False) == []


def test_version_bump_warning_from_sibling(tmp_path: Path) -> None:
    _write(tmp_path, "demo/1.0.0.yaml")
    removed = BASE[BASE.index("      - id: AAA-2") : BASE.index("  - id: BBB")]
    newer = edit(("version: 1.0.0\n", "version: 1.1.0\nsupersedes: 1.0.0\n"), (removed, ""))
    (problem,) = lint_path(_write(tmp_path, "demo/1.1.0.yaml", newer))
    assert (problem.code, problem.severity, problem.field, problem.line) == (
        "version-bump",
        "warning",
        "version",
        2,
    )
    assert "minor bump, but the changes imply major" in problem.message
    # A warning does not stop the rule set from loading.
    assert load_checked(tmp_path / "demo/1.1.0.yaml").version == "1.1.0"


def test_version_bump_ok() -> None:
    newer = load_ruleset(
        edit(("version: 1.0.0\n", "version: 2.0.0\n"), ("pass_mark: 3", "pass_mark: 4"))
    )
    assert lint_ruleset(newer, previous=load_ruleset(BASE)) == []


def test_version_going_backwards_is_a_bump_warning() -> None:
    older = load_ruleset(edit(("version: 1.0.0", "version: 0.9.0")))
    (problem,) = lint_ruleset(older, previous=load_ruleset(BASE))
    assert (problem.code, problem.severity) == ("version-bump", "warning")


def test_json_document_has_fields_but_no_lines() -> None:
    data = yaml.safe_load(BASE)
    data["effective_date"] = "2026-01-01"
    assert lint_document(data).problems == []
    data["categories"][0]["indicators"][1]["measure"]["pass_mark"] = 7
    data["grades"][1]["min_score"] = 95
    report = lint_document(data)
    assert not report.ok
    assert [(p.code, p.field, p.line) for p in report.problems] == [
        ("pass-mark-range", "categories[0].indicators[1].measure.pass_mark", None)
    ]
    with pytest.raises(LintError):
        load_document(data)
    with pytest.raises(LintError):
        load_checked(data)


def test_json_text_gets_lines() -> None:
    data = yaml.safe_load(BASE)
    data["effective_date"] = "2026-01-01"
    data["grades"][1]["min_score"] = 95
    text = json.dumps(data, indent=2)
    (problem,) = lint_source(text).problems
    assert problem.code == "grade-order"
    assert problem.line is not None
    assert text.splitlines()[problem.line - 1].strip().startswith('"min_score": 95')


def test_load_checked_raises_with_semantic_errors_only() -> None:
    with pytest.raises(LintError) as caught:
        load_checked(edit(("name: silver", "name: gold")))
    assert [p.code for p in caught.value.problems] == ["duplicate-grade-name"]
    assert "duplicate-grade-name" in str(caught.value)


def test_parse_source_keeps_the_model_despite_duplicate_keys() -> None:
    result = parse_source(edit(("title: Demo standard\n", "title: A\ntitle: B\n")))
    assert result.ruleset is not None
    assert result.ruleset.title == "B"
    assert not result.ok
    with pytest.raises(LintError):
        load_ruleset(edit(("title: Demo standard\n", "title: A\ntitle: B\n")))


def test_problem_str() -> None:
    problem = Problem("f.yaml", 3, "title", "bad", "code")
    assert str(problem) == "f.yaml:3: title: bad [code]"
    assert str(Problem(None, None, "", "bad", "code")) == "bad [code]"
    assert problem.to_dict()["line"] == 3


def test_unreadable_value_is_reported_once() -> None:
    problems = lint_source(edit(("title: Demo standard", "title: !!int ''"))).problems
    assert [(p.code, p.field, p.line) for p in problems] == [("bad-scalar", "title", 3)]


YAMLISH = st.sampled_from([*"ab1:- \n[]{}&*!?|>'\"#,.%@`~\t\x00é", "!!int ", "<<: ", "2026-13-01"])


@settings(max_examples=300, deadline=None)
@given(text=st.lists(YAMLISH, max_size=60).map("".join))
def test_lint_never_raises_on_arbitrary_text(text: str) -> None:
    assert all(p.code in RULES for p in lint_source(text).problems)


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(0, len(BASE)),
    cut=st.integers(0, 20),
    insert=st.lists(YAMLISH, max_size=8).map("".join),
)
def test_lint_never_raises_on_a_damaged_base(position: int, cut: int, insert: str) -> None:
    text = BASE[:position] + insert + BASE[position + cut :]
    assert all(p.code in RULES for p in lint_source(text).problems)
