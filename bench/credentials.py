"""Figures 5 and 6: a real issued certificate served and verified by the real server.

The server is a fresh `rightsmark init --demo` + `rightsmark serve`: the demo data set issues
signed certificates through the registry's own services (published standard, provider,
application assigned to an accredited auditor, filed assessment, certified decision, signing
key). One valid certificate is then

5. fetched - `GET` of its `id` URL - against the trivial `GET /health/live`, both under `wrk`
   the way figure 1 loads them;
6. verified - `POST /api/v1/verify` with the credential as the body (rate limit lifted for
   the bench) - against the offline rate of the very same certificate: `verify_certificate`
   in this process, one core, with the DID document and both status lists fetched from the
   server once (trust built once, status list memo warm).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from bench.figure import Figure, Measurement, make_figure
from bench.load import (
    FALLBACK_LABEL,
    Generator,
    LoadResult,
    ensure_wrk,
    load_details,
    run_load,
)
from bench.server import ServerError, rightsmark_server
from bench.timing import one_core, rate
from registry.clock import utc_now
from registry.signing.keys import did_web
from registry.trust.contexts import registry_context_url
from registry.trust.verify.engine import IssuerTrust, verify_certificate

BASELINE_PATH = "/health/live"
VERIFY_PATH = "/api/v1/verify"
GET_ID, GET_TITLE, GET_TARGET = (
    "5 credential GET",
    "GET /credentials/{id} of an issued certificate / GET /health/live (requests/s)",
    0.5,
)
VERIFY_ID, VERIFY_TITLE, VERIFY_TARGET = (
    "6 verify API",
    "POST /api/v1/verify of that certificate (requests/s) / offline verify_certificate/s",
    0.7,
)
# Rate limiting would turn the load into 429s: lift it for the bench server only.
SERVER_ENV = {"RIGHTSMARK_VERIFY_RATE_PER_MINUTE": str(10**9)}


class Prepared:
    """What the figures need from the running server, fetched and checked once."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.problems: list[str] = []
        with httpx.Client(base_url=base, timeout=10.0) as client:
            listing = client.get("/api/v1/certificates", params={"status": "valid"})
            items = listing.json().get("items", []) if listing.status_code == 200 else []
            if not items:
                raise ServerError(f"no valid certificate to load: HTTP {listing.status_code}")
            self.url: str = items[0]["url"]
            self.path = httpx.URL(self.url).raw_path.decode("ascii")
            response = client.get(self.path)
            if response.status_code != 200:
                raise ServerError(f"GET {self.path}: HTTP {response.status_code}")
            self.credential_bytes = response.content
            self.credential: dict[str, Any] = response.json()
            answer = client.post(VERIFY_PATH, content=self.credential_bytes,
                                 headers={"Content-Type": "application/json"})  # fmt: skip
            if answer.status_code != 200 or answer.json().get("valid") is not True:
                self.problems.append(
                    f"POST {VERIFY_PATH}: HTTP {answer.status_code}: {answer.text[:300]}"
                )
            self.did_document = client.get("/.well-known/did.json").json()
            self.status_lists: dict[str, Mapping[str, Any]] = {}
            for entry in self.credential.get("credentialStatus", []):
                list_url = entry["statusListCredential"]
                path = httpx.URL(list_url).raw_path.decode("ascii")
                self.status_lists[list_url] = client.get(path).json()


def offline_rate(prepared: Prepared, seconds: float) -> tuple[float, list[str]]:
    """verify_certificate/s of the served certificate, in process, on one core."""
    did = did_web(prepared.base)
    trust = IssuerTrust.from_did_document(prepared.did_document, did)
    context = registry_context_url(prepared.base)
    now = utc_now()
    credential = prepared.credential
    lists = prepared.status_lists.get

    def verify() -> bool:
        return verify_certificate(
            credential, trust=trust, status_lists=lists, is_published=lambda s, v: True,
            now=now, registry_context_url=context,
        ).valid  # fmt: skip

    if not verify():  # also warms the status list memo
        return float("nan"), ["the served certificate does not verify offline"]
    with one_core():
        return rate(verify, seconds), []


def bench_credentials_at(
    base: str, seconds: float, generator: Generator | None = None
) -> list[Figure]:
    """Figures 5 and 6 against a server already running at `base` with certificates."""
    wrk = ensure_wrk() if generator != "python" else None
    chosen: Generator = "wrk" if wrk is not None and generator != "python" else "python"
    prepared = Prepared(base)
    messages: list[str] = list(prepared.problems)
    if chosen == "python":
        why = "forced" if generator == "python" else "wrk could not be found or installed"
        messages.append(f"load generator: {FALLBACK_LABEL} ({why}); wrk would load harder")
    warm = min(2.0, seconds / 5)
    loads: dict[str, LoadResult] = {}
    phases: tuple[tuple[str, str, bytes | None], ...] = (
        ("baseline", BASELINE_PATH, None),
        ("credential", prepared.path, None),
        ("verify", VERIFY_PATH, prepared.credential_bytes),
    )
    for name, path, body in phases:
        run_load(chosen, wrk, base + path, warm, body=body)
        loads[name] = run_load(chosen, wrk, base + path, seconds, body=body)
    offline, offline_problems = offline_rate(prepared, seconds)
    common: dict[str, Measurement] = {
        "generator": loads["credential"]["generator"],
        "connections": loads["credential"]["connections"],
        "seconds_per_phase": loads["credential"]["seconds"],
        "credential_body_bytes": len(prepared.credential_bytes),
    }
    baseline = loads["baseline"]["rps"]
    get_errors = loads["baseline"]["errors"] + loads["credential"]["errors"]
    get_messages = messages + loads["baseline"]["messages"] + loads["credential"]["messages"]
    verify_errors = loads["verify"]["errors"] + len(prepared.problems) + len(offline_problems)
    verify_messages = [*prepared.problems, *offline_problems, *loads["verify"]["messages"]]
    return [
        make_figure(
            GET_ID, GET_TITLE,
            loads["credential"]["rps"] / baseline if baseline > 0 else float("nan"),
            GET_TARGET, ">=", errors=get_errors, messages=get_messages,
            details={**common, **load_details("credential", loads["credential"]),
                     **load_details("baseline", loads["baseline"])},
        ),
        make_figure(
            VERIFY_ID, VERIFY_TITLE,
            loads["verify"]["rps"] / offline if offline > 0 else float("nan"),
            VERIFY_TARGET, ">=", errors=verify_errors, messages=verify_messages,
            details={**common, **load_details("verify", loads["verify"]),
                     "offline_verify_per_s": offline},
        ),
    ]  # fmt: skip


def bench_credentials(seconds: float, generator: Generator | None = None) -> list[Figure]:
    """Figures 5 and 6 against a fresh `rightsmark init --demo` + `rightsmark serve`."""
    if generator != "python":
        ensure_wrk()
    try:
        with rightsmark_server(demo=True, env=SERVER_ENV) as base:
            return bench_credentials_at(base, seconds, generator)
    except (ServerError, httpx.HTTPError, KeyError, ValueError, json.JSONDecodeError) as exc:
        message = f"server: {type(exc).__name__}: {exc}"
        return [
            make_figure(GET_ID, GET_TITLE, float("nan"), GET_TARGET, ">=", errors=1,
                        messages=[message]),
            make_figure(VERIFY_ID, VERIFY_TITLE, float("nan"), VERIFY_TARGET, ">=", errors=1,
                        messages=[message]),
        ]  # fmt: skip
