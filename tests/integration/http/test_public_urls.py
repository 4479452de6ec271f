"""Every public URL builder of `registry.urls` names a route the app really serves: renaming
a route (or a parameter) without its builder fails here, not in a verifier's hands."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from api.app import create_app
from registry import urls
from registry.trust.contexts import registry_context_url
from registry.trust.verify.log import CREDENTIALS_PATH

_PARAM = re.compile(r"\{(\w+):(\w+)\}")
_PATTERN = {"int": r"[0-9]+", "path": r".+"}
BASE = "https://registry.example"


@pytest.fixture(scope="module")
def app() -> Litestar:
    return create_app(access_log=False, manage_pool=False)


def _routes(app: Litestar) -> dict[str, re.Pattern[str]]:
    """Template (parameter types left out) -> pattern of every HTTP route's path (messages
    name POST routes too: `POST /api/v1/providers`)."""
    routes: dict[str, re.Pattern[str]] = {}
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            template = _PARAM.sub(r"{\1}", route.path)
            pattern = ""
            for literal, name, kind in _split(route.path):
                pattern += re.escape(literal)
                if name:
                    pattern += f"(?P<{name}>{_PATTERN.get(kind, '[^/]+')})"
            routes[template] = re.compile(pattern)
    return routes


def _split(path: str) -> list[tuple[str, str, str]]:
    """(literal, parameter name, parameter type) pieces of a route path."""
    pieces, at = [], 0
    for match in _PARAM.finditer(path):
        pieces.append((path[at : match.start()], match.group(1), match.group(2)))
        at = match.end()
    pieces.append((path[at:], "", ""))
    return pieces


# Every builder, called with sample values, and the public path it must build.
CASES: list[tuple[Callable[..., str], dict[str, object], urls.PublicPath, str]] = [
    (urls.credential_url, {"certificate_id": "crt_0a1b"}, urls.CREDENTIAL, BASE),
    (urls.credentials_prefix, {}, urls.CREDENTIAL, BASE),
    (urls.context_url, {}, urls.CONTEXT, BASE),
    (urls.did_document_url, {}, urls.DID_DOCUMENT, BASE),
    (urls.status_list_url, {"purpose": "revocation", "number": 3}, urls.STATUS_LIST, BASE),
    (
        urls.standard_version_url,
        {"slug": "fair-recruit", "version": "1.0.0"},
        urls.STANDARD_VERSION,
        BASE,
    ),
    (urls.log_proof_url, {"certificate_id": "crt_0a1b"}, urls.LOG_PROOF, BASE),
    (urls.log_key_url, {}, urls.LOG_KEY, BASE),
    (urls.certificate_page_url, {"code": "RM-ABCD-1234"}, urls.CERTIFICATE_PAGE, BASE),
    (urls.provider_url, {"provider_id": "RMP-0A1B2C3D"}, urls.PROVIDER, BASE),
    (urls.provider_page_url, {"provider_id": "RMP-0A1B2C3D"}, urls.PROVIDER_PAGE, BASE),
    (urls.feed_url, {"fmt": "atom"}, urls.FEED_ATOM, BASE),
    (urls.feed_url, {"fmt": "json"}, urls.FEED_JSON, BASE),
    (
        urls.feed_url,
        {"fmt": "atom", "scope": "provider", "value": "RMP-0A1B2C3D"},
        urls.PROVIDER_FEED_ATOM,
        BASE,
    ),
    (
        urls.feed_url,
        {"fmt": "json", "scope": "provider", "value": "RMP-0A1B2C3D"},
        urls.PROVIDER_FEED_JSON,
        BASE,
    ),
    (
        urls.feed_path,
        {"fmt": "atom", "scope": "country", "value": "PH"},
        urls.COUNTRY_FEED_ATOM,
        "",
    ),
    (
        urls.feed_path,
        {"fmt": "json", "scope": "country", "value": "PH"},
        urls.COUNTRY_FEED_JSON,
        "",
    ),
    (
        urls.open_data_file_url,
        {"export": "latest", "name": "manifest.json"},
        urls.OPEN_DATA_FILE,
        BASE,
    ),
    (urls.providers_path, {}, urls.PROVIDERS, ""),
    (urls.unsubscribe_url, {"token": "eml_0a1b.c2d3"}, urls.UNSUBSCRIBE, BASE),
    (urls.evidence_path, {"sha256": "ab" * 32}, urls.EVIDENCE, ""),
    (urls.amendments_path, {"assessment_id": "asm_0a1b"}, urls.AMENDMENTS, ""),
    (urls.certificate_page_path, {"code": "RM-ABCD-1234"}, urls.CERTIFICATE_PAGE, ""),
    (
        urls.self_assessment_path,
        {"self_assessment_id": "sas_0a1b"},
        urls.SELF_ASSESSMENT,
        "",
    ),
]


def test_every_public_path_is_a_route_of_the_app(app: Litestar) -> None:
    routes = _routes(app)
    missing = [path.template for path in urls.ALL if path.template not in routes]
    assert not missing, f"public paths the app does not serve: {missing}"


def test_the_module_lists_every_public_path() -> None:
    declared = [v for v in vars(urls).values() if isinstance(v, urls.PublicPath)]
    assert set(declared) == set(urls.ALL)


def test_every_builder_is_checked() -> None:
    builders = {
        name
        for name, value in vars(urls).items()
        if inspect.isfunction(value)
        and value.__module__ == urls.__name__
        and name.endswith(("_url", "_path", "_prefix"))
    }
    assert builders == {case[0].__name__ for case in CASES}


@pytest.mark.parametrize(
    ("builder", "args", "public_path", "base"), CASES, ids=[c[0].__name__ for c in CASES]
)
def test_each_builder_builds_a_url_its_route_answers(
    app: Litestar,
    builder: Callable[..., str],
    args: dict[str, object],
    public_path: urls.PublicPath,
    base: str,
) -> None:
    built = builder(*args.values(), **({"base": BASE} if base else {}))
    assert built.startswith(base)
    path = built.removeprefix(base)
    pattern = _routes(app)[public_path.template]
    if builder is urls.credentials_prefix:
        assert path == public_path.prefix
        return
    assert pattern.fullmatch(path), f"{built} is not answered by {public_path.template}"


def test_builders_read_the_public_url_by_default() -> None:
    from registry.settings import get_settings

    public_url = get_settings().public_url
    assert urls.credential_url("crt_1") == f"{public_url}/credentials/crt_1"
    assert urls.status_list_url("suspension", 0) == f"{public_url}/api/v1/status/suspension/0"
    assert urls.credential_url("crt_1", f"{BASE}/") == f"{BASE}/credentials/crt_1"


def test_the_trust_kernel_agrees() -> None:
    """The kernel (which may not read settings) spells two of these paths itself."""
    assert urls.CREDENTIAL.prefix == CREDENTIALS_PATH
    assert registry_context_url(BASE) == BASE + urls.CONTEXT.path()
    assert urls.context_url(BASE) == registry_context_url(BASE)


def test_the_log_origin_is_where_the_log_routes_live() -> None:
    assert urls.log_origin("http://127.0.0.1:8000") == "127.0.0.1:8000/log"
    assert urls.log_origin("https://example.org/registry/") == "example.org/registry/log"
    for path in (urls.LOG_KEY, urls.LOG_CHECKPOINT, urls.LOG_ENTRIES, urls.LOG_CONSISTENCY):
        assert path.template.startswith("/log/")


def test_parameters_are_percent_encoded() -> None:
    assert urls.log_proof_url("crt_1/../x", BASE) == (
        f"{BASE}/api/v1/certificates/crt_1%2F..%2Fx/log-proof"
    )
