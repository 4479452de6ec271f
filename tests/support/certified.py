"""A registry with one certified application: what the certificate API tests share (their
fixtures, `certified` and `clock`, are in `tests/integration/http/certificates/conftest.py`).

Everything goes through the real stack: the assessments world of `tests.support.assessments`, a
real signing key, real HTTP over ASGI and a real database (SQLite, or PostgreSQL under
`make test-postgres`). Time travel is explicit: `lifecycle.run(now=...)`, or the `clock`
fixture, which moves the clock of the verifier and of the certificate summaries only (not
the clock of authentication, so tokens stay valid).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import msgspec

from standards.model import ScaleMeasure, YesNoMeasure
from tests.support.assessments import World


@dataclass
class Certified:
    """A world whose `application` was decided `certified`, with what that produced."""

    world: World
    decision: dict[str, Any]
    certificate: dict[str, Any]  # the decision's `certificate` summary
    credential: dict[str, Any]  # the signed credential as GET /credentials/{id} serves it

    @property
    def client(self) -> httpx.AsyncClient:
        return self.world.client

    @property
    def id(self) -> str:
        return str(self.certificate["id"])

    def status_entry(self, purpose: str) -> dict[str, Any]:
        entries: list[dict[str, Any]] = [
            e for e in self.credential["credentialStatus"] if e["statusPurpose"] == purpose
        ]
        assert len(entries) == 1, self.credential["credentialStatus"]
        return entries[0]

    async def verify(self, credential: Any = None) -> dict[str, Any]:
        response = await self.client.post(
            "/api/v1/verify", json=self.credential if credential is None else credential
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def change(
        self, action: str, reason: str = "a test", *, who: Any = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/api/v1/certificates/{self.id}/{action}",
            json={"reason": reason},
            headers=(who or self.world.secretariat).headers,
        )

    async def read(self) -> dict[str, Any]:
        response = await self.client.get(f"/api/v1/certificates/{self.id}")
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


def failing_core(world: World, doc: dict[str, Any]) -> str:
    """Make one core indicator of `doc` fail; its id."""
    core = {ind.id: ind.measure for _, ind in world.ruleset.indicators() if ind.core}
    for finding in doc["findings"]:
        measure = core.get(finding["indicator"])
        if isinstance(measure, YesNoMeasure):
            finding["value"] = not measure.expected
            return str(finding["indicator"])
        if isinstance(measure, ScaleMeasure):
            finding["value"] = 0
            return str(finding["indicator"])
    raise AssertionError("no core indicator to fail")


async def certify(world: World, application: str | None = None) -> httpx.Response:
    """File a passing assessment on `application` and decide it; the decision's response."""
    application = application or world.application
    filed = await world.file(world.submission(), application=application)
    assert filed.status_code == 201, filed.text
    return await world.client.post(
        f"/api/v1/applications/{application}/decision", headers=world.secretariat.headers
    )


async def fetch_credential(client: httpx.AsyncClient, certificate_id: str) -> dict[str, Any]:
    response = await client.get(f"/credentials/{certificate_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = msgspec.json.decode(response.content)
    return body


Clock = Callable[[dt.datetime], None]
