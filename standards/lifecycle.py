"""Pure decisions for a standard version's life: draft -> published -> retired.

A published version is immutable: the registry names it by `slug@version` and digest, and
assessments and certificates point at it forever. Retiring only stops new applications.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Literal

import semver

from standards.errors import InvalidVersion, StandardConflict, VersionOrderError


class VersionStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


PublishPlan = Literal["new", "noop"]
# (version, status, digest); a draft's digest may be None while it is being edited.
ExistingVersion = tuple[str, VersionStatus | str, str | None]


def parse_version(version: str) -> semver.Version:
    """A semver Version, or InvalidVersion with a readable message."""
    try:
        return semver.Version.parse(version)
    except (ValueError, TypeError) as exc:
        raise InvalidVersion(f"{version!r} is not a semantic version (MAJOR.MINOR.PATCH)") from exc


def sort_versions(versions: Iterable[str], *, reverse: bool = False) -> list[str]:
    """Versions in semver order (1.9.0 < 1.10.0), oldest first unless `reverse`."""
    return sorted(versions, key=parse_version, reverse=reverse)


def latest_version(versions: Iterable[str]) -> str | None:
    ordered = sort_versions(versions)
    return ordered[-1] if ordered else None


def plan_publish(
    existing: Iterable[ExistingVersion], candidate_version: str, candidate_digest: str
) -> PublishPlan:
    """Decide what publishing `candidate_version` with `candidate_digest` means.

    - "noop": that exact rule set is already published (or was, and is now retired), so
      publishing again is idempotent - a retried request must not fail.
    - "new": publish it (a draft of the same version, if any, becomes the published one).

    Raises StandardConflict when the version was published with another digest, and
    VersionOrderError when it is not greater than every version ever published for the
    slug; retired versions count, since their numbers stay taken by issued certificates.
    """
    candidate = parse_version(candidate_version)
    released: list[tuple[semver.Version, str, str | None]] = [
        (parse_version(version), version, digest)
        for version, status, digest in existing
        if VersionStatus(status) is not VersionStatus.DRAFT
    ]
    for parsed, version, digest in released:
        # semver equality ignores build metadata, so 1.0.0+b is the same release as 1.0.0.
        if parsed == candidate:
            if digest == candidate_digest:
                return "noop"
            raise StandardConflict(version, digest or "unknown", candidate_digest)
    if released:
        latest, latest_text, _ = max(released, key=lambda item: item[0])
        if candidate <= latest:
            raise VersionOrderError(candidate_version, latest_text)
    return "new"


def can_edit(status: VersionStatus | str) -> bool:
    """Only drafts change; published and retired versions are immutable."""
    return VersionStatus(status) is VersionStatus.DRAFT


def can_retire(status: VersionStatus | str) -> bool:
    """Only a published version can be retired; retiring twice is not a transition."""
    return VersionStatus(status) is VersionStatus.PUBLISHED
