"""Per-client rate limits on the public search and verification, and the security headers
every answer carries, on real server processes.

The server runs with tiny limits (RIGHTSMARK_SEARCH_RATE_PER_MINUTE,
RIGHTSMARK_VERIFY_RATE_PER_MINUTE). Limits count in fixed one-minute windows, so a window
may roll over while a test spends its budget: the tests accept that (a budget spent across
two windows is at most twice the limit) instead of timing anything.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.paths import PROJECT_ROOT
from tests.support.server import RIGHTSMARK, RegistryServer, cli, free_port, server_env, serving

pytestmark = pytest.mark.e2e

SEARCH_LIMIT = 4
VERIFY_LIMIT = 3
SIGN_IN_LIMIT = 3


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RegistryServer]:
    data_dir = tmp_path_factory.mktemp("limited")
    env = {
        **server_env(data_dir, free_port()),
        "RIGHTSMARK_SEARCH_RATE_PER_MINUTE": str(SEARCH_LIMIT),
        "RIGHTSMARK_VERIFY_RATE_PER_MINUTE": str(VERIFY_LIMIT),
        "RIGHTSMARK_SIGN_IN_RATE_PER_MINUTE": str(SIGN_IN_LIMIT),
        "RIGHTSMARK_LOG_LEVEL": "info",
    }
    initialised = cli("init", env=env)
    assert initialised.returncode == 0, initialised.stderr
    with serving(env, data_dir / "serve.log") as process:
        yield RegistryServer(env["RIGHTSMARK_PUBLIC_URL"], env, data_dir, process)


def client(server: RegistryServer, address: str) -> httpx.Client:
    """A client connecting from its own loopback address: limits count per address."""
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=server.url, timeout=30, transport=transport)


def spend(send: Callable[[], httpx.Response], limit: int) -> tuple[int, httpx.Response]:
    """Send until the first 429; returns how many were answered before it, and the 429."""
    answered = 0
    for _ in range(2 * limit + 1):
        response = send()
        if response.status_code == 429:
            return answered, response
        assert response.status_code < 400, response.text
        answered += 1
    raise AssertionError(f"no 429 after {answered} requests with a limit of {limit}")


def assert_retry_after(response: httpx.Response) -> None:
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= 61


def test_search_is_limited_per_client_api_and_page_alike(limited: RegistryServer) -> None:
    with client(limited, "127.0.0.2") as http, client(limited, "127.0.0.3") as other:
        answered, refused = spend(lambda: http.get("/api/v1/providers"), SEARCH_LIMIT)
        assert SEARCH_LIMIT <= answered <= 2 * SEARCH_LIMIT
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert problem["status"] == 429
        assert problem["title"] == "Too many requests"
        assert f"more than {SEARCH_LIMIT} search requests a minute" in problem["detail"]
        assert_retry_after(refused)
        assert other.get("/api/v1/providers").status_code == 200  # another client: served

        # the search page shares the budget; its refusal is a page, with Retry-After
        _, page = spend(lambda: http.get("/", params={"q": "agency"}), SEARCH_LIMIT)
        assert page.headers["content-type"].startswith("text/html")
        assert "Too many requests" in page.text
        assert_retry_after(page)

        # what is not a search is not limited by it
        for path in ("/api/v1/standards", "/standards", "/health", "/api/v1/providers/RMP-NONE"):
            assert http.get(path).status_code != 429, path
        verified = http.post("/api/v1/verify", json={"credential": {}})
        assert verified.status_code != 429, verified.text


def test_verification_has_its_own_limit(limited: RegistryServer) -> None:
    with client(limited, "127.0.0.4") as http:
        answered, refused = spend(
            lambda: http.post("/api/v1/verify", json={"credential": "not a credential"}),
            VERIFY_LIMIT,
        )
        assert VERIFY_LIMIT <= answered <= 2 * VERIFY_LIMIT
        assert refused.json()["status"] == 429
        assert "verification requests" in refused.json()["detail"]
        assert_retry_after(refused)


# --- security headers ---------------------------------------------------------------------


def assert_secure_headers(response: httpx.Response, *, hsts: bool = False) -> None:
    where = f"{response.request.method} {response.request.url.path} -> {response.status_code}"
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert "default-src 'none'" in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert "http:" not in csp, where  # nothing loaded from another origin
    assert "https:" not in csp, where
    assert "*" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in {"same-origin", "no-referrer", "strict-origin"}, where
    if hsts:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), where
    else:
        assert "Strict-Transport-Security" not in headers, where


REQUESTS = [
    ("GET", "/health", None),
    ("GET", "/.well-known/did.json", None),
    ("GET", "/api/v1/standards", None),
    ("GET", "/api/v1/standards/core-rights/versions/1.0.0", None),
    ("GET", "/api/v1/standards/no-such/versions/1.0.0", None),  # 404 problem
    ("GET", "/api/v1/accounts/me", None),  # 401 problem
    ("POST", "/api/v1/providers", b"{"),  # 401 before anything
    ("DELETE", "/api/v1/standards", None),  # 405
    ("GET", "/no/such/route", None),  # 404 outside any route
    ("GET", "/log/checkpoint", None),
    ("GET", "/contexts/rightsmark/v1", None),
    ("GET", "/schema/openapi.json", None),
    ("GET", "/schema", None),  # the API reference page
    ("GET", "/standards", None),
    ("GET", "/statistics", None),
    ("GET", "/verify", None),
    ("GET", "/static/site.css", None),
    ("GET", "/providers/RMP-NONE", None),  # a 404 page
]


def test_every_answer_carries_the_security_headers(limited: RegistryServer) -> None:
    with client(limited, "127.0.0.5") as http:
        for method, path, body in REQUESTS:
            assert_secure_headers(http.request(method, path, content=body))
        # ... the search page and the API's 429 too
        for _ in range(2 * SEARCH_LIMIT + 1):
            assert_secure_headers(http.get("/"))
            assert_secure_headers(http.get("/api/v1/providers"))


def test_hsts_only_when_the_public_url_is_https(limited: RegistryServer, tmp_path: Path) -> None:
    """A second server on the same data, whose public URL is https (a TLS proxy in front)."""
    port = free_port()
    env = {
        **limited.env,
        "RIGHTSMARK_PORT": str(port),
        "RIGHTSMARK_PUBLIC_URL": "https://registry.example.org",
    }
    with (tmp_path / "serve.log").open("ab") as log:
        process = subprocess.Popen(
            [*RIGHTSMARK, "serve"],
            cwd=PROJECT_ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(600):  # until it answers (at most ~60 s; normally a few)
                try:
                    health = http.get("/health")
                    break
                except httpx.TransportError:
                    assert process.poll() is None, (tmp_path / "serve.log").read_text()
                    time.sleep(0.1)
            else:
                raise AssertionError("the https-configured server never answered")
            assert_secure_headers(health, hsts=True)
            assert_secure_headers(http.get("/standards"), hsts=True)
            assert_secure_headers(http.get("/no/such/route"), hsts=True)
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_answers_to_credentialed_requests_are_never_cached(limited: RegistryServer) -> None:
    """A token shown once, an account, a complaint: what answers a request with credentials
    is kept by no cache (issue 16, finding 6); public answers keep their own policy."""
    token = (limited.data_dir / "secretariat-token").read_text().strip()
    auth = {"Authorization": f"Bearer {token}"}
    with client(limited, "127.0.0.6") as http:
        created = http.post(
            "/api/v1/accounts", json={"name": "cache check", "role": "auditor"}, headers=auth
        )
        assert created.status_code == 201, created.text
        assert created.headers["Cache-Control"] == "private, no-store"
        me = http.get("/api/v1/accounts/me", headers=auth)
        assert me.headers["Cache-Control"] == "private, no-store"
        refused = http.get("/api/v1/accounts/me", headers={"Authorization": "Bearer rm_wrong"})
        assert refused.status_code == 401
        assert refused.headers["Cache-Control"] == "private, no-store"
        filed = http.post(
            "/api/v1/complaints",
            json={
                "provider": {"name": "Unregistered Agency", "country": "NP"},
                "categories": ["fees"],
                "description": "fee",
                "country": "QA",
                "workers_affected": 1,
            },
        )
        assert filed.status_code == 201, filed.text
        assert filed.headers["Cache-Control"] == "no-store"  # its own: the key is in it
        case = http.get(
            f"/api/v1/complaints/{filed.json()['reference']}",
            headers={"Complaint-Key": filed.json()["access_key"]},
        )
        assert case.headers["Cache-Control"] == "private, no-store"
        public = http.get("/api/v1/standards")
        assert "no-store" not in public.headers.get("Cache-Control", "")


def test_sign_in_attempts_are_limited_and_refusals_logged(limited: RegistryServer) -> None:
    """Issue 16: failed sign-ins were neither throttled nor logged. Each address gets
    SIGN_IN_LIMIT attempts a minute; a refusal is logged with the address, never the token."""
    guess = "rm_" + "g" * 43
    with client(limited, "127.0.0.7") as http:

        def attempt() -> httpx.Response:
            form = http.get("/portal/sign-in")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf, form.text[:500]
            answer = http.post("/portal/sign-in", data={"token": guess, "csrf": csrf[1]})
            return httpx.Response(200) if answer.status_code == 400 else answer

        answered, refused = spend(attempt, SIGN_IN_LIMIT)
        assert answered == SIGN_IN_LIMIT
        assert_retry_after(refused)
        assert "sign-in" in refused.text
    log = (limited.data_dir / "serve.log").read_text()
    assert '"portal sign-in refused"' in log
    assert "127.0.0.7" in log
    assert guess not in log
