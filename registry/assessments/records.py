"""What the assessment use cases return: typed records, encoded by the entry points.

The fields are declared in the order the API has always written them (the summary's keys,
then `id`, `amended_by` and `current`, then the report), so `msgspec.json.encode` of a record
gives the same bytes as before and a stored idempotent answer stays byte-identical to a new
one. `score` is the published score (`audits.published`): an int when integral.
"""

from __future__ import annotations

import msgspec


class AssessmentSummary(msgspec.Struct, frozen=True, kw_only=True):
    """One assessment of an application's chain, without its report."""

    application_id: str
    provider_id: str
    sequence: int  # 1 for the first filing, +1 for each amendment or later audit
    amends: str | None  # the assessment this one corrects
    standard: str
    audit_type: str
    inputs_digest: str
    report_digest: str
    score: int | float
    grade: str | None
    floor_holds: bool
    non_conformities: int
    auditor_id: str
    filed_at: str
    id: str
    amended_by: str | None  # the amendment that corrects this one, if any
    current: bool  # whether this is the latest of its chain (not amended)


class Assessment(AssessmentSummary, frozen=True, kw_only=True):
    """An assessment with its report, spliced in as the stored canonical JSON bytes."""

    report: msgspec.Raw
