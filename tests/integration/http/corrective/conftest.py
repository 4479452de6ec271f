"""A provider certified under core-rights 2.0.0 with one major non-conformity: the cast of
the corrective-action tests."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import httpx
import pytest

from registry.settings import get_settings
from standards.model import NonConformityClass, NumericMeasure, ScaleMeasure, YesNoMeasure
from tests.support.assessments import World, build_world
from tests.support.certified import Certified, fetch_credential

STANDARD = "core-rights@2.0.0"


def failing(world: World, doc: dict[str, Any], klass: NonConformityClass) -> str:
    """Make one indicator of `klass` in `doc` fail; its id."""
    measures = {
        ind.id: ind.measure for _, ind in world.ruleset.indicators() if ind.failure_class is klass
    }
    for finding in doc["findings"]:
        measure = measures.get(finding["indicator"])
        if isinstance(measure, YesNoMeasure):
            finding["value"] = not measure.expected
        elif isinstance(measure, ScaleMeasure) and measure.pass_mark > 0:
            finding["value"] = 0
        elif isinstance(measure, NumericMeasure) and measure.comparator in ("<=", "<"):
            finding["value"] = measure.maximum or measure.threshold + 1000
        else:
            continue
        finding["notes"] = "Grievance log not kept since March"
        return str(finding["indicator"])
    raise AssertionError(f"no {klass} indicator to fail")


def today_doc(world: World, **changes: Any) -> dict[str, Any]:
    """A passing findings document of an audit that ended today: deadlines in the future."""
    today = dt.date.today().isoformat()
    return world.submission(started_on=today, ended_on=today, **changes)


@pytest.fixture
async def cworld(client: httpx.AsyncClient) -> World:
    shutil.rmtree(get_settings().data_dir / "evidence", ignore_errors=True)
    return await build_world(client, STANDARD)


@pytest.fixture
async def major(cworld: World) -> tuple[Certified, str]:
    """Certified with one failed major indicator; (certified, indicator)."""
    doc = today_doc(cworld)
    indicator = failing(cworld, doc, NonConformityClass.MAJOR)
    filed = await cworld.file(doc)
    assert filed.status_code == 201, filed.text
    decided = await cworld.client.post(
        f"/api/v1/applications/{cworld.application}/decision", headers=cworld.secretariat.headers
    )
    assert decided.status_code == 201, decided.text
    decision = decided.json()
    assert decision["outcome"] == "certified", decision
    credential = await fetch_credential(cworld.client, decision["certificate"]["id"])
    return Certified(cworld, decision, decision["certificate"], credential), indicator
