"""Use cases of standard versions: upload a draft, publish, retire, read, diff.

Each write runs in one transaction and raises a `StandardsError`; the API maps them to
problem details. Published versions are immutable, so their public JSON is encoded once and
kept in `_published_cache`, a volatile region of the read cache (`registry.db.cache`): every
change of a version's status is logged, which clears it once committed; a retirement made
by another process is seen within the read cache's window (docs/freshness.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.clock import iso_utc as _iso
from registry.clock import utc_now as _now
from registry.db.cache import Region, read_cache
from registry.db.database import write_transaction
from registry.standards.tables import StandardVersionRow
from registry.transparency.log import append_event
from registry.trust.tlog_entries import actor_role
from standards.canonical import canonical_json
from standards.diff import RuleSetDiff, diff_rulesets
from standards.digest import ruleset_digest
from standards.errors import LifecycleError, StandardNotFound
from standards.lifecycle import VersionStatus, can_edit, can_retire, parse_version, plan_publish
from standards.lint import load_checked
from standards.loader import load_document
from standards.model import RuleSet

_published_cache: Region[tuple[str, str], bytes] = read_cache.region(
    "standards.published", size=1024, volatile=True
)


@dataclass(frozen=True)
class VersionSummary:
    slug: str
    version: str
    title: str
    status: str
    digest: str
    effective_date: dt.date
    supersedes: str | None
    published_at: dt.datetime | None
    retired_at: dt.datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "ref": f"{self.slug}@{self.version}",
            "title": self.title,
            "status": self.status,
            "digest": self.digest,
            "effective_date": self.effective_date.isoformat(),
            "supersedes": self.supersedes,
            "published_at": _iso(self.published_at),
            "retired_at": _iso(self.retired_at),
        }


def _summary(row: dict[str, Any]) -> VersionSummary:
    return VersionSummary(
        slug=row["slug"],
        version=row["version"],
        title=row["title"],
        status=row["status"],
        digest=row["digest"],
        effective_date=row["effective_date"],
        supersedes=row["supersedes"],
        published_at=row["published_at"],
        retired_at=row["retired_at"],
    )


async def _rows(slug: str) -> list[dict[str, Any]]:
    return await StandardVersionRow.select().where(StandardVersionRow.slug == slug).run()


async def _row(slug: str, version: str) -> dict[str, Any]:
    row = (
        await StandardVersionRow.select()
        .where(StandardVersionRow.slug_version == f"{slug}@{version}")
        .first()
        .run()
    )
    if row is None:
        raise StandardNotFound(f"standard version {slug}@{version} does not exist")
    return row


async def _latest_published(slug: str) -> RuleSet | None:
    published = [r for r in await _rows(slug) if r["status"] != VersionStatus.DRAFT]
    if not published:
        return None
    latest = max(published, key=lambda r: parse_version(r["version"]))
    return load_document(json.loads(latest["document"]))


async def save_draft(
    source: str | bytes | Mapping[str, Any], *, actor: str
) -> tuple[VersionSummary, bool]:
    """Validate and store a draft. Returns (summary, created).

    A draft of the same version is replaced; uploading a rule set identical to a published
    version is a no-op that returns it; anything else under a taken version is a conflict.
    """
    ruleset = load_checked(source)
    digest = ruleset_digest(ruleset)
    async with write_transaction():
        rows = await _rows(ruleset.slug)
        existing = [(r["version"], r["status"], r["digest"]) for r in rows]
        if plan_publish(existing, ruleset.version, digest) == "noop":
            return _summary(await _row(ruleset.slug, ruleset.version)), False
        current = next((r for r in rows if r["version"] == ruleset.version), None)
        version = parse_version(ruleset.version)
        values: dict[Any, Any] = {
            StandardVersionRow.title: ruleset.title,
            StandardVersionRow.digest: digest,
            StandardVersionRow.document: canonical_json(ruleset.to_document()).decode(),
            StandardVersionRow.effective_date: ruleset.effective_date,
            StandardVersionRow.supersedes: ruleset.supersedes,
        }
        if current is not None:
            await (
                StandardVersionRow.update(values)
                .where(StandardVersionRow.id == current["id"])
                .run()
            )
            created = False
        else:
            await StandardVersionRow.insert(
                StandardVersionRow(
                    slug_version=ruleset.ref,
                    slug=ruleset.slug,
                    version=ruleset.version,
                    major=version.major,
                    minor=version.minor,
                    patch=version.patch,
                    status=VersionStatus.DRAFT.value,
                    created_at=_now(),
                    created_by=actor,
                    **{column._meta.name: value for column, value in values.items()},
                )
            ).run()
            created = True
        return _summary(await _row(ruleset.slug, ruleset.version)), created


async def _move(row: dict[str, Any], status: VersionStatus, actor: str) -> VersionSummary:
    """Record a lifecycle transition (who and when); its log entry (`_log`) drops the cached
    public copies once committed."""
    stamp = {
        VersionStatus.PUBLISHED: (StandardVersionRow.published_at, StandardVersionRow.published_by),
        VersionStatus.RETIRED: (StandardVersionRow.retired_at, StandardVersionRow.retired_by),
    }
    at_column, by_column = stamp[status]
    await (
        StandardVersionRow.update(
            {StandardVersionRow.status: status.value, at_column: _now(), by_column: actor}
        )
        .where(StandardVersionRow.id == row["id"])
        .run()
    )
    return _summary(await _row(row["slug"], row["version"]))


async def _log(summary: VersionSummary, kind: str, at: dt.datetime | None, actor: str) -> None:
    """The transparency-log entry of a lifecycle step, in the step's own transaction."""
    await append_event(
        kind,
        {"standard": f"{summary.slug}@{summary.version}"},
        digests={"rule_set": summary.digest},
        actor_role=actor_role(actor),
        at=at or _now(),
    )


async def publish(slug: str, version: str, *, actor: str) -> tuple[VersionSummary, bool]:
    """Freeze a draft. Publishing an already published version again is a no-op."""
    async with write_transaction():
        row = await _row(slug, version)
        rows = await _rows(slug)
        existing = [(r["version"], r["status"], r["digest"]) for r in rows]
        if plan_publish(existing, version, row["digest"]) == "noop":
            return _summary(row), False
        if not can_edit(row["status"]):
            raise LifecycleError(f"{slug}@{version} is {row['status']} and cannot be published")
        summary = await _move(row, VersionStatus.PUBLISHED, actor)
        await _log(summary, "standard.published", summary.published_at, actor)
        return summary, True


async def retire(slug: str, version: str, *, actor: str) -> VersionSummary:
    async with write_transaction():
        row = await _row(slug, version)
        if not can_retire(row["status"]):
            raise LifecycleError(
                f"{slug}@{version} is {row['status']}; only a published version can be retired"
            )
        summary = await _move(row, VersionStatus.RETIRED, actor)
        await _log(summary, "standard.retired", summary.retired_at, actor)
        return summary


async def list_versions(*, include_drafts: bool = False) -> list[VersionSummary]:
    query = (
        StandardVersionRow.select()
        .order_by(StandardVersionRow.slug)
        .order_by(StandardVersionRow.major)
        .order_by(StandardVersionRow.minor)
        .order_by(StandardVersionRow.patch)
    )
    if not include_drafts:
        query = query.where(StandardVersionRow.status != VersionStatus.DRAFT.value)
    return [_summary(row) for row in await query.run()]


def _version_body(row: dict[str, Any]) -> dict[str, Any]:
    return {**_summary(row).to_dict(), "rule_set": json.loads(row["document"])}


async def get_version(slug: str, version: str, *, include_drafts: bool = False) -> dict[str, Any]:
    row = await _row(slug, version)
    if row["status"] == VersionStatus.DRAFT and not include_drafts:
        raise StandardNotFound(f"standard version {slug}@{version} does not exist")
    return _version_body(row)


async def get_published_json(slug: str, version: str) -> bytes:
    """The public JSON of a published or retired version, encoded once and cached."""

    async def encoded() -> bytes:
        return json.dumps(await get_version(slug, version), separators=(",", ":")).encode()

    # No narrow topic: a standard changes only by writes that invalidate everything.
    return await read_cache.remembered(
        _published_cache, (slug, version), encoded, depends_on=lambda _: frozenset()
    )


async def get_ruleset(slug: str, version: str, *, include_drafts: bool = False) -> RuleSet:
    body = await get_version(slug, version, include_drafts=include_drafts)
    return load_document(body["rule_set"])


async def diff(slug: str, old: str, new: str, *, include_drafts: bool = False) -> RuleSetDiff:
    return diff_rulesets(
        await get_ruleset(slug, old, include_drafts=include_drafts),
        await get_ruleset(slug, new, include_drafts=include_drafts),
    )


async def latest_published(slug: str) -> RuleSet | None:
    return await _latest_published(slug)


def library_files(folder: Path) -> list[Path]:
    """`<slug>/<version>.yaml` files, per slug in semantic-version order (publishing order)."""
    files = [p for p in folder.glob("*/*.yaml") if p.is_file()]
    return sorted(files, key=lambda p: (p.parent.name, parse_version(p.stem)))


async def publish_library(folder: Path, *, actor: str) -> list[tuple[VersionSummary, bool]]:
    """Publish every rule set of the library; already published identical ones are no-ops.
    Returns (summary, newly published) per file."""
    results = []
    for path in library_files(folder):
        summary, _ = await save_draft(path.read_bytes(), actor=actor)
        if summary.status == VersionStatus.DRAFT:
            summary, published = await publish(summary.slug, summary.version, actor=actor)
        else:
            published = False
        results.append((summary, published))
    return results
