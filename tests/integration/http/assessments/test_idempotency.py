"""Idempotency-Key on filing: a retry replays the first answer and stores nothing new."""

from __future__ import annotations

from registry.assessments.tables import AssessmentRow, IdempotencyRow
from tests.support.assessments import World
from tests.support.http import assert_problem


async def test_replay_returns_the_identical_response_and_stores_once(world: World) -> None:
    doc = world.submission()
    first = await world.file(doc, key="filing-1")
    second = await world.file(doc, key="filing-1")
    assert first.status_code == second.status_code == 201, second.text
    assert second.content == first.content
    assert second.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await AssessmentRow.count().run() == 1
    assert await IdempotencyRow.count().run() == 1


async def test_same_key_with_another_body_is_refused_and_stores_nothing(world: World) -> None:
    first = await world.file(world.submission(), key="k")
    assert first.status_code == 201
    other = world.submission(workers_interviewed=99)
    body = assert_problem(await world.file(other, key="k"), 422, "Idempotency-Key")
    assert "another request body" in body["detail"]
    [row] = await AssessmentRow.select().run()
    assert '"workers_interviewed":25' in row["submission"]
    assert await IdempotencyRow.count().run() == 1


async def test_a_refused_request_does_not_consume_the_key(world: World) -> None:
    bad = world.submission()
    bad["findings"][0]["value"] = "maybe"
    assert_problem(await world.file(bad, key="retry-me"), 422)
    assert await IdempotencyRow.count().run() == 0
    good = await world.file(world.submission(), key="retry-me")
    assert good.status_code == 201, good.text


async def test_keys_belong_to_one_account(world: World) -> None:
    await world.file(world.submission(), key="shared")
    # The other auditor's identical key is its own: it runs, and is refused as not assigned.
    assert_problem(await world.file(world.submission(), key="shared", who=world.other_auditor), 404)


async def test_invalid_key_is_refused(world: World) -> None:
    assert_problem(await world.file(world.submission(), key=" "), 422, "Idempotency-Key")
    assert await AssessmentRow.count().run() == 0
