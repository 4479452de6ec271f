"""What changed between two versions of a standard, and which version bump that implies.

Semantic versioning here speaks about what a *certificate* means:

* major - a certificate issued under the old version would not mean the same under the new
  one: an indicator removed, made core, moved to another category, applied to more provider
  types, made a more serious failure, reweighted or measured more strictly (pass mark up,
  threshold stricter, expected yes/no answer or unit changed, measure type changed); a
  category removed or reweighted; any change to grades, non-conformity or certificate rules.
* minor - the standard asks for more but keeps its meaning, or asks for less: a non-core
  indicator or a category added; an indicator loosened (pass mark down, threshold looser,
  applies to fewer provider types, no longer core, a less serious failure class); the range
  a numeric finding may report (minimum/maximum) changed.
* patch - text only: requirement wording, guidance, evidence lists, names, title, summary,
  effective date, the order of categories or indicators.
* none - the documents are identical apart from `version` and `supersedes`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from standards.errors import VersionOrderError
from standards.lifecycle import parse_version
from standards.model import Category, Indicator, NonConformityClass, NumericMeasure, RuleSet


class Bump(StrEnum):
    NONE = "none"
    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return list(Bump).index(self)


@dataclass(frozen=True)
class Change:
    """One field that differs; `field` is relative to the item (indicator, category, rules)."""

    field: str
    old: Any
    new: Any
    bump: Bump
    reason: str


@dataclass(frozen=True)
class ItemChange:
    id: str
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class RuleSetDiff:
    old_ref: str
    new_ref: str
    categories_added: tuple[str, ...] = ()
    categories_removed: tuple[str, ...] = ()
    categories_changed: tuple[ItemChange, ...] = ()
    indicators_added: tuple[str, ...] = ()
    indicators_removed: tuple[str, ...] = ()
    indicators_changed: tuple[ItemChange, ...] = ()
    rules_changed: tuple[Change, ...] = ()  # title, grades, non-conformities, certificate...
    implied_bump: Bump = Bump.NONE
    reasons: tuple[str, ...] = field(default=())  # why the implied bump is what it is

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (tuples become lists, enums strings)."""
        result: dict[str, Any] = json.loads(json.dumps(asdict(self)))
        return result


_TEXT_FIELDS = {
    "requirement": "requirement reworded",
    "guidance": "guidance reworded",
    "evidence": "evidence list edited",
}
# Most serious first, as the enum declares them.
_SEVERITY = list(NonConformityClass)


def _direction(comparator: str) -> int:
    return 1 if comparator in (">", ">=") else -1 if comparator in ("<", "<=") else 0


def _numeric_bump(old: NumericMeasure, new: NumericMeasure) -> tuple[Bump, str]:
    """Stricter pass condition -> major, looser -> minor; another question -> major."""
    direction = _direction(old.comparator)
    if direction == 0 or direction != _direction(new.comparator):
        return Bump.MAJOR, "changed"  # `==`, or the sense of the test flipped
    # Order pass conditions by strictness: for `>=`/`>` a higher threshold is stricter, for
    # `<=`/`<` a lower one; at an equal threshold the strict comparator is the stricter one.
    old_key = (direction * old.threshold, len(old.comparator) == 1)
    new_key = (direction * new.threshold, len(new.comparator) == 1)
    return (Bump.MAJOR, "tightened") if new_key > old_key else (Bump.MINOR, "loosened")


def _measure_changes(old: Indicator, new: Indicator) -> list[Change]:
    a, b = old.measure, new.measure
    if a.type != b.type:
        return [
            Change(
                "measure",
                a.model_dump(mode="json"),
                b.model_dump(mode="json"),
                Bump.MAJOR,
                f"measure type changed from {a.type} to {b.type}",
            )
        ]
    changes = []
    old_doc, new_doc = a.model_dump(mode="json"), b.model_dump(mode="json")
    for name in old_doc:
        before, after = old_doc[name], new_doc[name]
        if before == after:
            continue
        if name == "pass_mark":
            bump = Bump.MAJOR if after > before else Bump.MINOR
            verb = "raised" if after > before else "lowered"
            reason = f"pass mark {verb} from {before} to {after}"
        elif name in ("comparator", "threshold"):
            assert isinstance(a, NumericMeasure)
            assert isinstance(b, NumericMeasure)
            bump, word = _numeric_bump(a, b)
            reason = f"pass condition {word}: {a.comparator} {a.threshold:g} -> "
            reason += f"{b.comparator} {b.threshold:g}"
        elif name in ("minimum", "maximum"):
            bump, reason = Bump.MINOR, f"reportable {name} changed"
        else:  # expected answer, unit: the question itself changed
            bump, reason = Bump.MAJOR, f"measure {name} changed"
        changes.append(Change(f"measure.{name}", before, after, bump, reason))
    return changes


def _indicator_changes(old: Indicator, new: Indicator) -> list[Change]:
    changes = []
    for name, reason in _TEXT_FIELDS.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            changes.append(Change(name, _json(before), _json(after), Bump.PATCH, reason))
    if old.core != new.core:
        bump, reason = (Bump.MAJOR, "made core") if new.core else (Bump.MINOR, "no longer core")
        changes.append(Change("core", old.core, new.core, bump, reason))
    if old.failure_class != new.failure_class:
        harsher = _SEVERITY.index(new.failure_class) < _SEVERITY.index(old.failure_class)
        reason = f"failure class {old.failure_class} -> {new.failure_class}"
        bump = Bump.MAJOR if harsher else Bump.MINOR
        changes.append(
            Change("failure_class", str(old.failure_class), str(new.failure_class), bump, reason)
        )
    if old.applies_to != new.applies_to:
        gained = sorted(set(new.applies_to) - set(old.applies_to))
        lost = sorted(set(old.applies_to) - set(new.applies_to))
        if gained:
            bump, reason = Bump.MAJOR, f"now applies to {', '.join(gained)}"
        elif lost:
            bump, reason = Bump.MINOR, f"no longer applies to {', '.join(lost)}"
        else:
            bump, reason = Bump.PATCH, "provider types reordered"
        changes.append(
            Change("applies_to", _json(old.applies_to), _json(new.applies_to), bump, reason)
        )
    if old.weight != new.weight:
        reason = f"weight {old.weight:g} -> {new.weight:g}"
        changes.append(Change("weight", old.weight, new.weight, Bump.MAJOR, reason))
    return changes + _measure_changes(old, new)


def _json(value: Any) -> Any:
    return [str(v) for v in value] if isinstance(value, tuple) else value


def _flatten(value: Any, prefix: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        return {prefix: value}
    flat: dict[str, Any] = {}
    for key, child in value.items():
        flat.update(_flatten(child, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def _rule_changes(old: RuleSet, new: RuleSet) -> list[Change]:
    changes = []
    for name in ("slug", "title", "summary", "effective_date"):
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            bump = Bump.MAJOR if name == "slug" else Bump.PATCH
            changes.append(Change(name, str(before), str(after), bump, f"{name} changed"))
    # Grades, non-conformity and certificate rules define what a certificate promises.
    docs = [
        {
            "grades": {g.name: g.min_score for g in rs.grades},
            "non_conformities": rs.to_document()["non_conformities"],
            "certificate": rs.to_document()["certificate"],
        }
        for rs in (old, new)
    ]
    before_flat, after_flat = _flatten(docs[0], ""), _flatten(docs[1], "")
    for path in sorted(before_flat.keys() | after_flat.keys()):
        before, after = before_flat.get(path), after_flat.get(path)
        if before != after:
            bump, reason = _corrective_bump(path, before, after) or (
                Bump.MAJOR,
                f"{path} changed",
            )
            changes.append(Change(path, before, after, bump, reason))
    return changes


def _corrective_bump(path: str, before: Any, after: Any) -> tuple[Bump, str] | None:
    """How corrective actions are enforced: sooner enforcement, or a visit where paper did,
    changes what a certificate promises (major); later or gentler enforcement, and who may
    review on paper, keep it (minor). None for every other rule (always major)."""
    name = path.rpartition(".")[2]
    if name == "escalation_grace_days":
        if after is None:
            return Bump.MINOR, f"{path} removed: overdue actions no longer suspend"
        if before is None or after < before:
            return Bump.MAJOR, f"{path} shortened: overdue actions suspend sooner"
        return Bump.MINOR, f"{path} lengthened"
    if name == "closure_visit_required":
        if after:
            return Bump.MAJOR, f"{path}: closure now needs a follow-up visit"
        return Bump.MINOR, f"{path}: closure no longer needs a visit"
    if name == "surveillance_overdue_grace_days":
        if after is None:
            return Bump.MINOR, f"{path} removed: overdue surveillance no longer suspends"
        if before is None or after < before:
            return Bump.MAJOR, f"{path} shortened: overdue surveillance suspends sooner"
        return Bump.MINOR, f"{path} lengthened"
    if name == "unannounced_surveillance":
        if after:
            return Bump.MAJOR, f"{path}: surveillance audits are now unannounced"
        return Bump.MINOR, f"{path}: surveillance audits are announced again"
    if name in ("surveillance_lead_days", "recertification_lead_days"):
        # When the registry plans the work, not what a certificate promises.
        return Bump.MINOR, f"{path} changed: the registry plans at another lead time"
    if name == "secretariat_desk_review":
        return Bump.MINOR, f"{path}: who may review on paper changed"
    return None


def _order_change(name: str, old_ids: list[str], new_ids: list[str]) -> list[Change]:
    common = set(old_ids) & set(new_ids)
    before = [i for i in old_ids if i in common]
    after = [i for i in new_ids if i in common]
    return [] if before == after else [Change(name, before, after, Bump.PATCH, f"{name} reordered")]


def _category_changes(old: Category, new: Category) -> list[Change]:
    changes = []
    if old.name != new.name:
        changes.append(Change("name", old.name, new.name, Bump.PATCH, "name changed"))
    if old.weight != new.weight:
        reason = f"weight {old.weight:g} -> {new.weight:g}"
        changes.append(Change("weight", old.weight, new.weight, Bump.MAJOR, reason))
    ids = ([i.id for i in old.indicators], [i.id for i in new.indicators])
    return changes + _order_change("indicators", *ids)


def diff_rulesets(old: RuleSet, new: RuleSet) -> RuleSetDiff:
    """Compare two rule sets; see the module docstring for how changes are classified."""
    verdicts: list[tuple[Bump, str]] = []
    old_cats = {c.id: c for c in old.categories}
    new_cats = {c.id: c for c in new.categories}
    old_inds = {i.id: (c.id, i) for c, i in old.indicators()}
    new_inds = {i.id: (c.id, i) for c, i in new.indicators()}

    cats_added = tuple(c for c in new_cats if c not in old_cats)
    cats_removed = tuple(c for c in old_cats if c not in new_cats)
    verdicts += [(Bump.MINOR, f"category {c} added") for c in cats_added]
    verdicts += [(Bump.MAJOR, f"category {c} removed") for c in cats_removed]
    cats_changed = []
    for cid in (c for c in new_cats if c in old_cats):
        if changes := _category_changes(old_cats[cid], new_cats[cid]):
            cats_changed.append(ItemChange(cid, tuple(changes)))
            verdicts += [(c.bump, f"category {cid}: {c.reason}") for c in changes]

    inds_added = tuple(i for i in new_inds if i not in old_inds)
    inds_removed = tuple(i for i in old_inds if i not in new_inds)
    for iid in inds_added:
        kind, bump = ("core", Bump.MAJOR) if new_inds[iid][1].core else ("non-core", Bump.MINOR)
        verdicts.append((bump, f"{kind} indicator {iid} added"))
    verdicts += [(Bump.MAJOR, f"indicator {i} removed") for i in inds_removed]
    inds_changed = []
    for iid in (i for i in new_inds if i in old_inds):
        (cat_a, ind_a), (cat_b, ind_b) = old_inds[iid], new_inds[iid]
        changes = _indicator_changes(ind_a, ind_b)
        if cat_a != cat_b:
            reason = f"moved from category {cat_a} to {cat_b}"
            changes.insert(0, Change("category", cat_a, cat_b, Bump.MAJOR, reason))
        if changes:
            inds_changed.append(ItemChange(iid, tuple(changes)))
            verdicts += [(c.bump, f"indicator {iid}: {c.reason}") for c in changes]

    rules = _rule_changes(old, new) + _order_change("categories", [*old_cats], [*new_cats])
    verdicts += [(c.bump, c.reason) for c in rules]

    implied = max((bump for bump, _ in verdicts), key=lambda b: b.rank, default=Bump.NONE)
    return RuleSetDiff(
        old_ref=old.ref,
        new_ref=new.ref,
        categories_added=cats_added,
        categories_removed=cats_removed,
        categories_changed=tuple(cats_changed),
        indicators_added=inds_added,
        indicators_removed=inds_removed,
        indicators_changed=tuple(inds_changed),
        rules_changed=tuple(rules),
        implied_bump=implied,
        reasons=tuple(dict.fromkeys(reason for bump, reason in verdicts if bump is implied)),
    )


def declared_bump(old_version: str, new_version: str) -> Bump:
    """The bump a version change declares; VersionOrderError if it goes backwards.

    A pre-release change counts as a patch, build metadata as nothing; 0.x versions get no
    special treatment.
    """
    old, new = parse_version(old_version), parse_version(new_version)
    if new < old:
        raise VersionOrderError(new_version, old_version)
    if new.major != old.major:
        return Bump.MAJOR
    if new.minor != old.minor:
        return Bump.MINOR
    return Bump.PATCH if new != old else Bump.NONE


def check_bump(old_version: str, new_version: str, implied: Bump) -> bool:
    """True when going from `old_version` to `new_version` declares at least `implied`."""
    return declared_bump(old_version, new_version).rank >= implied.rank
