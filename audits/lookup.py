"""A rule set compiled into lookup tables for the hot path, once, cached by object identity.

Validation and scoring of a submission then cost a dict lookup and a few exact type tests per
finding. Weights and grade thresholds become integers here, so that scores are computed in
exact integer arithmetic (see docs/scoring.md) and any implementation can reproduce them.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import weakref
from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any, Final

from audits.errors import RuleSetNotScorable
from audits.model import FindingValue, IndicatorResult
from standards.canonical import canonical_digest
from standards.model import Indicator, NonConformityClass, NonConformityRule, ProviderType, RuleSet

# Numeric answers beyond this lose exactness in JSON implementations that use doubles.
NUMERIC_LIMIT: Final = 1e15
YES_NO, SCALE, NUMERIC = 0, 1, 2
SCALE_MAX: Final = 4
FULL: Final = 4  # points are counted in quarters: full marks, and a scale answer v earns v
# Quarters q = 0..4 are shown as q/4, whole values as ints so that msgspec spells them as
# RFC 8785 does ("1", not "1.0").
POINTS: Final[tuple[float, ...]] = (0, 0.25, 0.5, 0.75, 1)

_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}


class IndicatorTable:
    """One indicator, flattened for the hot loop."""

    __slots__ = (
        "applies_to",
        "cached",
        "category",
        "category_id",
        "compare",
        "core",
        "exact",
        "failure",
        "high",
        "id",
        "indicator",
        "kind",
        "low",
        "not_applicable",
        "pass_quarters",
        "position",
        "scored",
        "threshold",
        "want",
        "weight",
    )

    def __init__(self, category: tuple[int, str], position: int, ind: Indicator, weight: int):
        measure = ind.measure
        self.id, self.position, self.indicator, self.weight = ind.id, position, ind, weight
        self.category, self.category_id = category
        self.core, self.applies_to = ind.core, frozenset(ind.applies_to)
        # The floor is the point of core indicators: failing one is always critical.
        self.failure = NonConformityClass.CRITICAL if ind.core else ind.failure_class
        self.not_applicable = IndicatorResult(
            False, self.category_id, ind.core, ind.id, None, None, None, None
        )
        self.cached: dict[FindingValue, IndicatorResult] = {}
        # value -> (result, weight x quarters, whether it fails): the scoring loop's table.
        self.scored: dict[FindingValue, tuple[IndicatorResult, int, bool]] = {}
        self.want = True
        self.compare: Callable[[Any, Any], bool] = operator.eq
        self.threshold = 0.0
        self.low, self.high, self.pass_quarters = -NUMERIC_LIMIT, NUMERIC_LIMIT, FULL
        # The one JSON type whose values the `scored` cache holds as they are (whole floats
        # are held as ints), so that a cache hit of this exact type is a valid answer.
        self.exact: type = bool if measure.type == "yes_no" else int
        if measure.type == "yes_no":
            self.kind, self.want = YES_NO, measure.expected
        elif measure.type == "scale":
            self.kind, self.pass_quarters = SCALE, measure.pass_mark
        else:
            self.kind, self.threshold = NUMERIC, measure.threshold
            self.compare = _COMPARE[measure.comparator]
            if measure.minimum is not None:
                self.low = max(self.low, measure.minimum)
            if measure.maximum is not None:
                self.high = min(self.high, measure.maximum)

    def score(self, value: FindingValue) -> tuple[IndicatorResult, int, bool]:
        """(result, weight x quarters, failed) of a valid answer, cached like `result`.

        A whole float is scored (and shown) as the integer it equals; since 5.0 == 5 as a
        dict key, a cached whole value is found by either spelling.
        """
        entry = self.scored.get(value)
        if entry is not None:
            return entry
        if type(value) is float and value.is_integer():
            value = int(value)
        # Checked once per new value, so that nothing invalid is ever cached: validation takes
        # a cache hit of the `exact` type as a valid answer.
        if not self.valid(value):
            raise ValueError(f"`{self.id}` cannot be scored with {value!r}: validate it first")
        if self.kind == YES_NO:
            quarters = FULL if value is self.want else 0
        elif self.kind == SCALE:
            quarters = value  # type: ignore[assignment]  # an int 0..4 once validated
        else:
            quarters = FULL if self.compare(value, self.threshold) else 0
        entry = (
            self.result(value, quarters),
            self.weight * quarters,
            quarters < self.pass_quarters,
        )
        if len(self.scored) < 64:
            self.scored[value] = entry
        return entry

    def valid(self, value: FindingValue) -> bool:
        """Whether `value` is a usable answer (as `audits.validation` checks it)."""
        if self.kind == YES_NO:
            return type(value) is bool
        if self.kind == SCALE:
            return type(value) is int and 0 <= value <= SCALE_MAX
        return type(value) in (int, float) and self.low <= value <= self.high  # type: ignore[operator]

    def result(self, value: FindingValue, quarters: int) -> IndicatorResult:
        """The result of an answer. Results are immutable and most answers repeat (true,
        0-4, zero cases), so they are cached: within one indicator all values have one
        JSON type (numbers are ints or non-whole floats), so no key can collide."""
        result = self.cached.get(value)
        if result is None:
            passed = quarters >= self.pass_quarters
            result = IndicatorResult(
                True,
                self.category_id,
                self.core,
                self.id,
                None if passed else self.failure,
                passed,
                POINTS[quarters],
                value,
            )
            if len(self.cached) < 64:
                self.cached[value] = result
        return result


class Scope:
    """The indicators that apply to one set of provider types."""

    __slots__ = ("applicable", "blank", "counts", "possible", "provider_types", "summaries")

    def __init__(self, table: CompiledRuleSet, provider_types: frozenset[ProviderType]) -> None:
        self.provider_types = tuple(sorted(provider_types))
        self.applicable = {i.id: i for i in table.ordered if i.applies_to & provider_types}
        # Results in rule-set order with the not-applicable ones already in place.
        self.blank: list[IndicatorResult | None] = [
            None if i.id in self.applicable else i.not_applicable for i in table.ordered
        ]
        # Per category: how many indicators apply, and the sum of their weights.
        self.counts = [0] * len(table.categories)
        # Points earned per category -> (category scores, overall hundredths), filled by
        # `audits.scoring` (a pure function of them; most submissions repeat a few vectors).
        self.summaries: dict[tuple[int, ...], Any] = {}
        self.possible = [0] * len(table.categories)
        for ind in self.applicable.values():
            self.counts[ind.category] += 1
            self.possible[ind.category] += ind.weight


class Deadlines:
    """A non-conformity rule as day offsets from the audit's end (or another `as_of`)."""

    __slots__ = ("close", "next_surveillance", "plan", "suspends", "withdraw")

    def __init__(self, rule: NonConformityRule | None) -> None:
        rule = rule or NonConformityRule()
        self.plan, self.close, self.withdraw = (
            None if days is None else dt.timedelta(days=days)
            for days in (
                rule.corrective_plan_days,
                rule.close_within_days,
                rule.withdraw_after_days,
            )
        )
        self.next_surveillance = rule.close_by_next_surveillance
        self.suspends = rule.suspends_certificate


class CompiledRuleSet:
    def __init__(self, ruleset: RuleSet) -> None:
        # No reference to `ruleset` itself is kept: the cache holds tables only while the
        # rule set lives (a weak reference), which a strong one here would defeat.
        self.ref = ruleset.ref
        # rfc8785 on the floats of a rule set is slow (~1 ms), which is why it is done once.
        self.digest = canonical_digest(ruleset.to_document())
        self.categories = tuple(
            zip(
                ruleset.categories,
                integer_weights([c.weight for c in ruleset.categories], "category weight"),
                strict=True,
            )
        )
        weights = iter(integer_weights([i.weight for _, i in ruleset.indicators()], "weight"))
        self.ordered = tuple(
            IndicatorTable((ci, c.id), pos, ind, next(weights))
            for pos, (ci, c, ind) in enumerate(
                (ci, c, ind) for ci, c in enumerate(ruleset.categories) for ind in c.indicators
            )
        )
        self.indicators = {i.id: i for i in self.ordered}
        if len(self.indicators) != len(self.ordered):
            raise RuleSetNotScorable(f"{self.ref} has two indicators with the same id")
        # score >= min_score, with the score in integer hundredths h, is h >= ceil(100 min_score).
        self.grades = tuple(
            sorted(
                (
                    (g.name, int((Decimal(repr(g.min_score)) * 100).to_integral(ROUND_CEILING)))
                    for g in ruleset.grades
                ),
                key=lambda g: -g[1],
            )
        )
        self.deadlines = {c: Deadlines(ruleset.non_conformities.get(c)) for c in NonConformityClass}
        self._scopes: dict[frozenset[ProviderType], Scope] = {}

    def scope(self, provider_types: Sequence[ProviderType]) -> Scope:
        key = frozenset(provider_types)
        scope = self._scopes.get(key)
        if scope is None:
            scope = self._scopes[key] = Scope(self, key)
        return scope


def integer_weights(weights: list[float], what: str) -> list[int]:
    """Weights as integers in a common decimal unit: 0.5 and 1.25 become 50 and 125.

    A weight is read as the shortest decimal that round-trips its float (what the YAML says),
    so the arithmetic is exact and the same in any language.
    """
    decimals = [Decimal(repr(float(w))) for w in weights]
    if any(not d.is_finite() or d <= 0 for d in decimals):
        raise RuleSetNotScorable(f"every {what} must be a finite number > 0, got {weights}")
    shift = max((-int(d.as_tuple().exponent) for d in decimals), default=0)
    return [int(d.scaleb(max(shift, 0))) for d in decimals]


_compiled: dict[int, tuple[weakref.ref[RuleSet], CompiledRuleSet]] = {}


def _forget(cache: dict[int, Any], key: int, _: object) -> None:
    cache.pop(key, None)


def compile_ruleset(ruleset: RuleSet) -> CompiledRuleSet:
    """The cached tables of a rule set (frozen, so identity is a sound key)."""
    key = id(ruleset)
    entry = _compiled.get(key)
    if entry is not None and entry[0]() is ruleset:
        return entry[1]
    table = CompiledRuleSet(ruleset)
    # The callback binds the dict itself: module globals may be gone at interpreter exit.
    forget = functools.partial(_forget, _compiled, key)
    _compiled[key] = (weakref.ref(ruleset, forget), table)
    return table
