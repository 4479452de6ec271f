"""Concurrent changes of one certificate: the state and its history never disagree, and a
revocation is never undone by a change that raced it."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.assessments import World
from tests.support.certified import Certified


@pytest.mark.parametrize(
    "actions",
    [("suspend", "revoke"), ("revoke", "suspend"), ("suspend", "suspend"), ("revoke", "revoke")],
)
async def test_concurrent_changes(certified: Certified, actions: tuple[str, str]) -> None:
    responses = await asyncio.gather(
        *(certified.change(action, f"{action} {n}") for n, action in enumerate(actions))
    )
    codes = sorted(r.status_code for r in responses)
    assert all(code in (200, 409) for code in codes), [r.text for r in responses]
    won = [action for action, r in zip(actions, responses, strict=True) if r.status_code == 200]
    read = await certified.read()
    changes = [e["action"] for e in read["history"]][1:]
    if "revoke" in won:
        assert read["status"] == "revoked"
        assert changes[-1] == "revoked"
    assert len(changes) == len(won), (changes, won)
    if actions[0] == actions[1]:
        assert codes == [200, 409], [r.text for r in responses]
    verdict = await certified.verify()
    assert verdict["status"] == read["status"]


async def _decide_both(world: World) -> list[httpx.Response]:
    for application in (world.application, world.other_application):
        filed = await world.file(world.submission(), application=application)
        assert filed.status_code == 201, filed.text
    return list(
        await asyncio.gather(
            *(
                world.client.post(
                    f"/api/v1/applications/{application}/decision",
                    headers=world.secretariat.headers,
                )
                for application in (world.application, world.other_application)
            )
        )
    )


async def test_two_first_certificates_decided_at_once(world: World) -> None:
    """The very first certificates open the status lists: both decisions must succeed."""
    responses = await _decide_both(world)
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    listed = (await world.client.get("/api/v1/certificates")).json()
    assert listed["total"] == 2
    lists = (await world.client.get("/api/v1/status")).json()["items"]
    assert {(i["purpose"], i["number"]) for i in lists} == {("revocation", 1), ("suspension", 1)}
