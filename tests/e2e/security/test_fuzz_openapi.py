"""Property-based fuzzing of the whole HTTP API from its own OpenAPI document.

Schemathesis reads /schema/openapi.json from a real registry (the demo data, so reads find
things) and, for every operation, sends schema-valid and schema-breaking requests: path,
query, headers and bodies. Each operation is called in turn as the secretariat, an auditor,
a provider and anonymously. Every answer must be:

- no server error (5xx),
- a status code the document lists for that operation,
- of a content type it lists, with a body valid against the documented schema,
- a 4xx for data the schema forbids.

Bounded (a fixed, derandomized number of examples per operation) so that it fits in
`make test`. The one check left out is `Allow` on OPTIONS: Litestar answers OPTIONS on a path
served by two controllers' handlers with only the first handler's methods (a framework
quirk, harmless without CORS).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.security.target import ROLES, Registry

pytestmark = pytest.mark.e2e

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    missing_required_header,
    ignored_auth,
]
EXAMPLES_PER_OPERATION = 5


@pytest.fixture(scope="module")
def protected_ids(demo: Registry) -> set[str]:
    """Every account and token that exists before fuzzing: revoking one of those (which the
    fuzzer may try with ids it read from earlier answers) would lock the fuzzer out."""
    with httpx.Client(base_url=demo.url, headers=demo.bearer(), timeout=30) as http:
        accounts = http.get("/api/v1/accounts", params={"limit": 200}).json()["items"]
        ids = {account["id"] for account in accounts}
        for account in accounts:
            tokens = http.get(f"/api/v1/accounts/{account['id']}/tokens").json()["items"]
            ids |= {token["id"] for token in tokens}
    return ids


class _Rounds(dict[str, Iterator[dict[str, str]]]):
    """Per operation label, a never-ending round of callers: each role's token, then nobody."""

    def __init__(self, demo: Registry) -> None:
        super().__init__()
        self.demo = demo

    def __missing__(self, label: str) -> Iterator[dict[str, str]]:
        callers = [*(self.demo.bearer(role) for role in ROLES), {}]
        self[label] = itertools.cycle(callers)
        return self[label]


@pytest.fixture(scope="module")
def callers(demo: Registry) -> _Rounds:
    return _Rounds(demo)


def _fuzz(operation: Any, callers: _Rounds, protected_ids: set[str]) -> None:
    """Hypothesis over one operation: valid and invalid requests, each caller in turn."""
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # no shrinking: report what was found
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        for name, value in (case.path_parameters or {}).items():
            if value in protected_ids:  # keep the fuzzer's own accounts and tokens usable
                case.path_parameters[name] = f"{str(value).split('_')[0]}_0000000000000000"
        headers = next(callers[operation.label])
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


def test_every_operation_answers_as_documented(
    demo: Registry, callers: _Rounds, protected_ids: set[str]
) -> None:
    schema = schemathesis.openapi.from_url(f"{demo.url}/schema/openapi.json")
    failures: list[str] = []
    tested = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"unreadable operation: {result.err()}")
            continue
        operation = result.ok()
        tested += 1
        try:
            _fuzz(operation, callers, protected_ids)
        except (Exception, BaseExceptionGroup) as failure:  # all operations, all failures
            failures.append(f"{operation.label}:\n{failure}")
    assert tested > 50, f"only {tested} operations in the OpenAPI document"
    assert not failures, "\n\n".join(failures)
