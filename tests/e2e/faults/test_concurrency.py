"""Races (issue 7): the same request sent by several clients at once to a real server with
two worker processes, on SQLite and on PostgreSQL.

Each race opens one connection per client, lines the clients up at a barrier and lets them
go together: the same assessment filed (without a key, with one shared Idempotency-Key, with
a key each, one key on two applications), the same application assigned or decided, the
same certificate revoked, suspended or reinstated, a decision or a filing against a
withdrawal, an amendment against a decision, the same evidence file uploaded, two
lifecycle runs at once. One client wins (or every answer is the replay of one filing); the
others get a 409 or 422 problem naming what was contended, never a 5xx; nothing is recorded
twice or lost; and after every race the database, the status lists and the log agree (the
monitor checks the whole log when the module's server stops).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.faults.harness import (
    ENGINES,
    Registry,
    Workload,
    assert_consistent,
    client,
    is_problem,
    registry,
)
from tests.support.paths import PROJECT_ROOT
from tests.support.server import RIGHTSMARK

pytestmark = pytest.mark.e2e
RACERS = 6
Call = Callable[[httpx.Client], httpx.Response]


@pytest.fixture(scope="module", params=ENGINES)
def setup(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Registry, Workload]]:
    engine: str = request.param
    data_dir: Path = tmp_path_factory.mktemp(f"race-{engine}")
    with registry(engine, data_dir, workers=2) as server:
        server.start()
        work = Workload(server)
        try:
            yield server, work
            assert_consistent(server)  # and the monitor agrees with the whole log
            assert "unhandled_error" not in server.server_log()
        finally:
            work.close()


def race(server: Registry, calls: list[Call]) -> list[httpx.Response]:
    """Every call at once, each on its own connection; no answer may be a 5xx."""
    barrier = threading.Barrier(len(calls))
    answers: list[httpx.Response | BaseException | None] = [None] * len(calls)

    def run(i: int, call: Call) -> None:
        try:
            with client(server.url) as http:
                http.get("/health/live")  # the connection is open before the start line
                barrier.wait(timeout=30)
                answers[i] = call(http)
        except BaseException as exc:  # re-raised below, in the test's thread
            answers[i] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    responses: list[httpx.Response] = []
    for answer in answers:
        if not isinstance(answer, httpx.Response):
            raise AssertionError(f"a racer failed: {answer!r}")
        assert answer.status_code < 500, answer.text
        responses.append(answer)
    return responses


def post(path: str, headers: dict[str, str], **kwargs: Any) -> Call:
    return lambda http: http.post(path, headers=headers, **kwargs)


def filing(work: Workload, application: str, key: str | None) -> Call:
    return lambda http: http.post(
        f"/api/v1/applications/{application}/assessments",
        content=work.filing,
        headers={
            **work.auditor,
            "Content-Type": "application/json",
            **({"Idempotency-Key": key} if key else {}),
        },
    )


def split(responses: list[httpx.Response], won: int, target: str) -> list[httpx.Response]:
    """The winners (status `won`); every other answer must be a 409 problem that names
    `target` (the application or certificate that was contended)."""
    winners = [r for r in responses if r.status_code == won]
    for loser in responses:
        if loser.status_code != won:
            assert is_problem(loser, 409), (loser.status_code, loser.text)
            assert target in loser.json()["detail"], loser.text
    return winners


def count(server: Registry, sql: str, *params: Any) -> int:
    return int(server.database.value(sql, *params))


@pytest.mark.parametrize("keys", ["none", "shared", "distinct"])
def test_one_assessment_filed_by_many_at_once(setup: tuple[Registry, Workload], keys: str) -> None:
    server, work = setup
    application = work.assigned()

    def key_of(i: int) -> str | None:
        if keys == "none":
            return None
        return f"file-{application}" if keys == "shared" else f"file-{application}-{i}"

    answers = race(server, [filing(work, application, key_of(i)) for i in range(RACERS)])

    winners = split(answers, 201, application)
    assert winners, [a.text for a in answers]
    assert len({w.json()["id"] for w in winners}) == 1  # replays of one filing at most
    if keys != "shared":
        assert len(winners) == 1
    (assessment,) = {w.json()["id"] for w in winners}
    assert (
        count(server, "SELECT count(*) FROM assessments WHERE application_id = ?", application) == 1
    )
    assert (
        count(
            server,
            "SELECT count(*) FROM application_events e JOIN applications a ON a.id = e.application"
            " WHERE a.public_id = ? AND e.to_state = 'assessed'",
            application,
        )
        == 1
    )
    stored_keys = count(
        server, "SELECT count(*) FROM idempotency_keys WHERE response LIKE ?", f"%{assessment}%"
    )
    assert stored_keys == (0 if keys == "none" else 1)

    # A retry with the winning key replays the first answer; a loser's key, or none, is a
    # new request and is refused; the winning key with another body is a client error.
    with client(server.url) as http:
        if keys != "none":
            winner_key = key_of(answers.index(winners[0]))
            replay = filing(work, application, winner_key)(http)
            assert replay.status_code == 201, replay.text
            assert replay.headers.get("Idempotent-Replayed") == "true"
            assert replay.json()["id"] == assessment
            other = http.post(
                f"/api/v1/applications/{application}/assessments",
                content=work.filing + b" ",
                headers={
                    **work.auditor,
                    "Idempotency-Key": str(winner_key),
                    "Content-Type": "application/json",
                },
            )
            assert is_problem(other, 422), other.text
        again = filing(work, application, None if keys == "none" else f"late-{application}")(http)
        assert is_problem(again, 409), again.text
    assert_consistent(server, monitor=False)


def test_one_key_on_two_applications_at_once(setup: tuple[Registry, Workload]) -> None:
    """The key is the auditor's: the same key on two different filings, sent together,
    files one of them; the other is told the key is taken (422) or to retry (409)."""
    server, work = setup
    applications = [work.assigned(), work.assigned()]
    key = f"one-key-{applications[0]}"
    answers = race(server, [filing(work, a, key) for a in applications] * 2)
    assert sum(a.status_code == 201 for a in answers) >= 1
    for answer in answers:
        assert answer.status_code == 201 or is_problem(answer, 409, 422), answer.text
    filed = [
        a
        for a in applications
        if work.http.get(f"/api/v1/applications/{a}/assessments").json()["items"]
    ]
    assert len(filed) == 1, filed
    assert {a.json()["id"] for a in answers if a.status_code == 201} == {
        work.http.get(f"/api/v1/applications/{filed[0]}/assessments").json()["items"][0]["id"]
    }
    assert_consistent(server, monitor=False)


def test_one_application_decided_by_many_at_once(setup: tuple[Registry, Workload]) -> None:
    server, work = setup
    application = work.assessed()
    answers = race(
        server, [post(f"/api/v1/applications/{application}/decision", server.sec)] * RACERS
    )
    (winner,) = split(answers, 201, application)
    certificate = winner.json()["certificate"]["id"]
    assert (
        count(server, "SELECT count(*) FROM decisions WHERE application_id = ?", application) == 1
    )
    assert (
        count(server, "SELECT count(*) FROM certificates WHERE application_id = ?", application)
        == 1
    )
    snapshot = assert_consistent(server, monitor=False)
    assert snapshot.events[certificate] == ["issued"]
    issued = [
        e
        for e in snapshot.entries
        if e["type"] == "certificate.issued" and e["subject"]["application"] == application
    ]
    assert len(issued) == 1


@pytest.mark.parametrize("action", ["revoke", "suspend", "reinstate"])
def test_one_certificate_changed_by_many_at_once(
    setup: tuple[Registry, Workload], action: str
) -> None:
    server, work = setup
    certificate = work.certificate()
    expected = ["issued"]
    if action == "reinstate":
        suspended = work.http.post(
            f"/api/v1/certificates/{certificate}/suspend", json={"reason": "set-up"}
        )
        assert suspended.status_code == 200, suspended.text
        expected.append("suspended")
    answers = race(
        server,
        [
            post(
                f"/api/v1/certificates/{certificate}/{action}",
                server.sec,
                json={"reason": f"race {i}"},
            )
            for i in range(RACERS)
        ],
    )
    (winner,) = split(answers, 200, certificate)
    event = {"revoke": "revoked", "suspend": "suspended", "reinstate": "reinstated"}[action]
    snapshot = assert_consistent(server, monitor=False)
    assert snapshot.events[certificate] == [*expected, event]
    assert winner.json()["status"] == {"reinstated": "valid"}.get(event, event)


def test_suspensions_and_revocations_of_one_certificate_at_once(
    setup: tuple[Registry, Workload],
) -> None:
    server, work = setup
    certificate = work.certificate()
    actions = ["suspend", "revoke"] * (RACERS // 2)
    answers = race(
        server,
        [
            post(f"/api/v1/certificates/{certificate}/{a}", server.sec, json={"reason": a})
            for a in actions
        ],
    )
    won = Counter(a for a, r in zip(actions, answers, strict=True) if r.status_code == 200)
    for r in answers:
        assert r.status_code == 200 or is_problem(r, 409), r.text
    # Revoked is final and suspended cannot be suspended again, so each wins at most once;
    # a revocation that read "active" just before a suspension committed is refused (409,
    # the state it relied on is gone), so the suspension may be the only winner.
    assert won, answers
    assert max(won.values()) == 1, won
    snapshot = assert_consistent(server, monitor=False)
    history = snapshot.events[certificate]
    # Every acknowledged change is recorded once, in an order the state machine allows.
    legal = (["issued", "revoked"], ["issued", "suspended"], ["issued", "suspended", "revoked"])
    assert history in legal, history
    assert Counter(history[1:]) == Counter({"suspended": won["suspend"], "revoked": won["revoke"]})
    assert snapshot.states[certificate] == ("revoked" if won["revoke"] else "suspended")


def test_a_decision_or_a_filing_racing_a_withdrawal(setup: tuple[Registry, Workload]) -> None:
    """Whichever commits first wins; the other is refused, never applied on a stale state."""
    server, work = setup
    assessed = [work.assessed() for _ in range(2)]
    assigned = [work.assigned() for _ in range(2)]
    calls: list[Call] = []
    for application in assessed:
        calls.append(post(f"/api/v1/applications/{application}/decision", server.sec))
        calls.append(
            post(f"/api/v1/applications/{application}/withdraw", server.sec, json={"reason": "x"})
        )
    for application in assigned:
        calls.append(filing(work, application, None))
        calls.append(
            post(f"/api/v1/applications/{application}/withdraw", server.sec, json={"reason": "x"})
        )
    answers = race(server, calls)
    for pair in range(0, len(answers), 2):
        change, withdrawal = answers[pair], answers[pair + 1]
        for r in (change, withdrawal):
            assert r.status_code in (200, 201) or is_problem(r, 409), r.text
        if pair < 2 * len(assessed):  # a certified application cannot be withdrawn
            assert (change.status_code == 201) != (withdrawal.status_code == 200)
        else:  # a filing first, then the withdrawal; or the withdrawal, and no filing
            assert withdrawal.status_code == 200, withdrawal.text
    # The events of each application form one path (never two transitions out of the same
    # state), and decisions, certificates and assessments agree with the final states.
    assert_consistent(server, monitor=False)


def test_many_certificates_changing_at_once(setup: tuple[Registry, Workload]) -> None:
    """Concurrent changes of different certificates all succeed, each logged once, in the
    order the certificates' histories record them."""
    server, work = setup
    certificates = [work.certificate() for _ in range(RACERS)]
    steps = ("suspend", "reinstate", "suspend", "revoke")

    def lane(certificate: str) -> Call:
        def run(http: httpx.Client) -> httpx.Response:
            answer = http.get("/health/live")
            for step in steps:
                answer = http.post(
                    f"/api/v1/certificates/{certificate}/{step}",
                    json={"reason": step},
                    headers=server.sec,
                )
                if answer.status_code != 200:
                    return answer
            return answer

        return run

    answers = race(server, [lane(c) for c in certificates])
    for answer in answers:
        assert answer.status_code == 200, answer.text
    snapshot = assert_consistent(server, monitor=False)
    for certificate in certificates:
        assert snapshot.events[certificate] == [
            "issued",
            "suspended",
            "reinstated",
            "suspended",
            "revoked",
        ]


def test_one_application_assigned_by_many_at_once(setup: tuple[Registry, Workload]) -> None:
    server, work = setup
    application = work.submitted()
    answers = race(
        server,
        [
            post(
                f"/api/v1/applications/{application}/assign",
                server.sec,
                json={"auditor_id": work.auditor_id},
            )
        ]
        * 4,
    )
    split(answers, 200, application)  # exactly one: the path check below refuses two transitions
    assert sum(a.status_code == 200 for a in answers) == 1
    assert_consistent(server, monitor=False)


def test_an_amendment_racing_a_decision(setup: tuple[Registry, Workload]) -> None:
    """The decision is taken on the assessment that is current when it commits: an amendment
    that won the race is the one decided on; one that lost is refused."""
    server, work = setup
    applications = [work.assessed() for _ in range(3)]
    firsts = {
        a: work.http.get(f"/api/v1/applications/{a}/assessments").json()["items"][0]["id"]
        for a in applications
    }
    calls: list[Call] = []
    for application in applications:
        calls.append(post(f"/api/v1/applications/{application}/decision", server.sec))
        calls.append(
            post(
                f"/api/v1/assessments/{firsts[application]}/amendments",
                {**work.auditor, "Content-Type": "application/json"},
                content=work.filing,
            )
        )
    answers = race(server, calls)
    for pair, application in enumerate(applications):
        decision, amendment = answers[2 * pair], answers[2 * pair + 1]
        assert decision.status_code == 201, decision.text
        decided_on = decision.json()["assessment_id"]
        if amendment.status_code == 201:
            assert decided_on == amendment.json()["id"], application
        else:
            assert is_problem(amendment, 409), amendment.text
            assert decided_on == firsts[application]
    assert_consistent(server, monitor=False)


def test_overlapping_lifecycle_runs_record_each_expiry_once(
    setup: tuple[Registry, Workload],
) -> None:
    """Two `rightsmark lifecycle run` at once (an overlapping cron job), as of a time when
    every certificate has expired and every suspension outlived its limit: both succeed,
    and each expiry or revocation is recorded and logged once."""
    server, work = setup
    certificates = [work.certificate() for _ in range(4)]
    suspended = work.certificate()
    ok_ = work.http.post(f"/api/v1/certificates/{suspended}/suspend", json={"reason": "x"})
    assert ok_.status_code == 200, ok_.text
    later = (datetime.now(UTC) + timedelta(days=365 * 5)).isoformat()
    runs = [
        subprocess.Popen(
            [*RIGHTSMARK, "lifecycle", "run", "--now", later, "--json"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **server.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in runs:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, out + err
    snapshot = assert_consistent(server, monitor=False)
    for certificate in certificates:
        assert snapshot.events[certificate] == ["issued", "expired"], certificate
    assert snapshot.events[suspended] == ["issued", "suspended", "revoked"]


def test_one_evidence_file_uploaded_by_many_at_once(setup: tuple[Registry, Workload]) -> None:
    """The same bytes for the same application are stored and linked once: one 201, the
    others 200 with the same record."""
    server, work = setup
    application = work.assigned()
    body = f"interview notes for {application}\n".encode()
    answers = race(
        server,
        [
            post(
                "/api/v1/evidence",
                {**work.auditor, "Content-Type": "text/plain"},
                params={"application_id": application, "filename": "notes.txt"},
                content=body,
            )
        ]
        * RACERS,
    )
    assert sorted(a.status_code for a in answers) == [200] * (RACERS - 1) + [201], [
        a.text for a in answers
    ]
    assert len({a.json()["ref"] for a in answers}) == 1
    assert count(server, "SELECT count(*) FROM evidence WHERE application_id = ?", application) == 1
