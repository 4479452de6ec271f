"""Publishing decisions: idempotent re-publish, conflicts, version order, retirement."""

from __future__ import annotations

import pytest

from standards.errors import InvalidVersion, StandardConflict, StandardsError, VersionOrderError
from standards.lifecycle import (
    ExistingVersion,
    VersionStatus,
    can_edit,
    can_retire,
    latest_version,
    plan_publish,
    sort_versions,
)

D1, D2 = "sha256:" + "1" * 64, "sha256:" + "2" * 64
P, R, DRAFT = VersionStatus.PUBLISHED, VersionStatus.RETIRED, VersionStatus.DRAFT


@pytest.mark.parametrize(
    ("existing", "version", "digest", "plan"),
    [
        ([], "1.0.0", D1, "new"),
        ([("1.0.0", P, D1)], "1.0.0", D1, "noop"),
        ([("1.0.0", R, D1)], "1.0.0", D1, "noop"),
        ([("1.0.0", P, D1)], "1.1.0", D2, "new"),
        ([("1.0.0", DRAFT, None)], "1.0.0", D1, "new"),
        ([("1.0.0", DRAFT, D2)], "1.0.0", D1, "new"),
        ([("1.9.0", P, D1)], "1.10.0", D2, "new"),
        ([("1.0.0", P, D1), ("2.0.0", DRAFT, None)], "1.1.0", D2, "new"),
        ([("1.0.0", "published", D1)], "1.0.0", D1, "noop"),
        ([("1.0.0", P, D1), ("1.1.0", P, D2)], "1.0.0", D1, "noop"),
    ],
)
def test_plan_publish(
    existing: list[ExistingVersion], version: str, digest: str, plan: str
) -> None:
    assert plan_publish(existing, version, digest) == plan


@pytest.mark.parametrize("status", [P, R])
def test_same_version_other_digest_conflicts(status: VersionStatus) -> None:
    with pytest.raises(StandardConflict) as caught:
        plan_publish([("1.0.0", status, D1)], "1.0.0", D2)
    assert (caught.value.version, caught.value.existing_digest) == ("1.0.0", D1)
    assert isinstance(caught.value, StandardsError)


def test_build_metadata_is_the_same_release() -> None:
    with pytest.raises(StandardConflict):
        plan_publish([("1.0.0", P, D1)], "1.0.0+rebuild", D2)


@pytest.mark.parametrize(
    ("existing", "version"),
    [
        ([("1.1.0", P, D1)], "1.0.5"),
        ([("2.0.0", R, D1)], "1.5.0"),  # retired numbers stay taken
        ([("1.0.0", P, D1)], "1.0.0-rc.1"),  # a pre-release sorts before its release
        ([("1.0.0", P, D1), ("1.10.0", P, D2)], "1.9.0"),
    ],
)
def test_version_must_exceed_every_published(existing: list[ExistingVersion], version: str) -> None:
    with pytest.raises(VersionOrderError) as caught:
        plan_publish(existing, version, "sha256:" + "3" * 64)
    assert caught.value.version == version


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", ""])
def test_invalid_version(version: str) -> None:
    with pytest.raises(InvalidVersion):
        plan_publish([], version, D1)


def test_sort_versions_is_semantic() -> None:
    versions = ["1.10.0", "1.2.0", "1.9.1", "2.0.0-rc.1", "2.0.0", "0.9.0"]
    assert sort_versions(versions) == ["0.9.0", "1.2.0", "1.9.1", "1.10.0", "2.0.0-rc.1", "2.0.0"]
    assert sort_versions(versions, reverse=True)[0] == "2.0.0"
    assert latest_version(versions) == "2.0.0"
    assert latest_version([]) is None


@pytest.mark.parametrize(
    ("status", "editable", "retirable"),
    [(DRAFT, True, False), (P, False, True), (R, False, False), ("published", False, True)],
)
def test_transitions(status: VersionStatus | str, editable: bool, retirable: bool) -> None:
    assert can_edit(status) is editable
    assert can_retire(status) is retirable


def test_unknown_status_is_rejected() -> None:
    with pytest.raises(ValueError):
        can_retire("archived")
