"""Every public page in every language, in a real browser (docs/languages.md): Debian's
chromium, JavaScript off, at desktop and phone width. No page scrolls sideways, the Arabic
pages run right to left (the `dir` attribute and the computed direction), the switcher is
on every page, and a verdict is the same (code, status, every check) in every language.

One browser and one tab per width for the whole module: each language's test reuses them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from api.i18n import LANGUAGES
from tests.e2e.browser.browser import screenshot
from tests.support.server import registry_server

pytestmark = pytest.mark.e2e

SIZES: dict[str, ViewportSize] = {
    "desktop": {"width": 1200, "height": 900},
    "phone": {"width": 390, "height": 844},
}
# How far the document may be wider than the window: none (a rounding pixel at most).
OVERFLOW = """() => {
  const doc = document.documentElement;
  return {scroll: doc.scrollWidth, width: doc.clientWidth,
          dir: doc.getAttribute('dir'), lang: doc.getAttribute('lang'),
          computed: getComputedStyle(document.body).direction};
}"""


class Site:
    def __init__(self, url: str, certificates: list[dict[str, Any]]) -> None:
        self.url = url
        self.certificates = certificates

    def code(self, status: str) -> str:
        return str(next(c["code"] for c in self.certificates if c["status"] == status))

    def pages(self) -> dict[str, str]:
        """Every public page that a GET shows (the complaint case and receipt are POSTs:
        tests/integration/web/test_languages.py renders them in every language)."""
        valid = next(c for c in self.certificates if c["status"] == "valid")
        return {
            "search": "/?q=a",
            "provider": f"/providers/{valid['provider']['id']}",
            "certificate": f"/certificates/{valid['code']}",
            "suspended": f"/certificates/{self.code('suspended')}",
            "verify": f"/verify?code={self.code('revoked')}",
            "standards": "/standards",
            "standard": "/standards/core-rights/3.0.0",
            "compare": "/standards/core-rights/compare?from=1.0.0&to=3.0.0",
            "statistics": "/statistics",
            "complaint": "/complaints/new",
            "track": "/complaints/track",
            "supplier check": "/supplier-check",
            "employer sign-up": "/employers/sign-up",
            "open data": "/open-data",
            "unsubscribe": "/unsubscribe/not-a-token",
            "not found": "/certificates/RM-0000-0000",
        }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with registry_server(tmp_path_factory.mktemp("languages-e2e"), demo=True) as running:
        listed = httpx.get(f"{running.url}/api/v1/certificates", params={"limit": 200}, timeout=30)
        yield Site(running.url, listed.json()["items"])


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[str, Page]]:
    contexts = {
        name: browser.new_context(
            java_script_enabled=False, viewport=size, is_mobile=name == "phone"
        )
        for name, size in SIZES.items()
    }
    yield {name: context.new_page() for name, context in contexts.items()}
    for context in contexts.values():
        context.close()


# Pages whose address names nothing: an error page (the unsubscribe page's own) in the language.
NOT_FOUND = {"not found", "unsubscribe"}


def _with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_public_page_in_every_language_fits_and_reads_in_its_direction(
    site: Site, tabs: dict[str, Page], lang: str
) -> None:
    problems = []
    for size, tab in tabs.items():
        for name, path in site.pages().items():
            answer = tab.goto(site.url + _with_lang(path, lang))
            assert answer is not None
            expected = 404 if name in NOT_FOUND else 200
            assert answer.status == expected, (lang, name, answer.status)
            assert answer.headers["content-language"] == lang
            seen = tab.evaluate(OVERFLOW)
            assert seen["lang"] == lang, (name, seen)
            direction = "rtl" if lang == "ar" else "ltr"
            assert seen["dir"] == direction, (name, seen)
            assert seen["computed"] == direction, (name, seen)
            if seen["scroll"] > seen["width"] + 1:
                problems.append(f"{lang} {size} {name}: {seen['scroll']} > {seen['width']}")
                screenshot(tab, f"overflow-{lang}-{size}-{name.replace(' ', '-')}")
            # the switcher names every language in itself, the current one marked
            current = tab.locator('nav.languages a[aria-current="true"]')
            assert current.get_attribute("hreflang") == lang
            assert tab.locator("nav.languages a").count() == len(LANGUAGES)
        screenshot(tab, f"lang-{lang}-{size}-certificate")  # the last one visited
    assert problems == [], "; ".join(problems)


def test_the_switcher_and_the_cookie_keep_the_language(site: Site, tabs: dict[str, Page]) -> None:
    tab = tabs["desktop"]
    tab.context.clear_cookies()
    tab.goto(site.url + "/statistics")
    assert tab.evaluate(OVERFLOW)["lang"] == "en"
    tab.locator('nav.languages a[hreflang="ne"]').click()
    assert tab.evaluate(OVERFLOW)["lang"] == "ne"
    assert tab.locator("h1").inner_text() == "तथ्यांक"
    tab.locator("header.site nav a[href='/verify']").click()  # the cookie, without ?lang=
    assert tab.evaluate(OVERFLOW)["lang"] == "ne"
    tab.context.clear_cookies()


def _verdict(body: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
    banner = re.search(r'data-verdict-code="([^"]+)" data-status="([^"]+)"', body)
    assert banner, body[:2000]
    checks = re.findall(r'data-check="([^"]+)" data-result="([^"]+)"', body)
    return banner.group(1), banner.group(2), tuple(checks)


def test_a_verdict_means_the_same_in_every_language(site: Site) -> None:
    """The same code, status and checks for each certificate in all nine languages; the
    words differ (each language has its own), the facts do not."""
    credential = httpx.get(
        next(c for c in site.certificates if c["status"] == "valid")["url"], timeout=30
    ).json()
    credential["credentialSubject"]["score"] = 100  # one number changed: the signature breaks
    forged = json.dumps(credential)
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        status: (f"/verify?code={site.code(status)}", {})
        for status in ("valid", "suspended", "revoked", "expired")
    }
    cases["forged"] = ("/verify", {"data": {"credential": forged}})
    expected_codes = {
        "valid": "valid",
        "suspended": "suspended",
        "revoked": "revoked",
        "expired": "expired",
        "forged": "not_genuine.signature",
    }
    for name, (path, post) in cases.items():
        verdicts = {}
        headlines = set()
        for lang in LANGUAGES:
            url = site.url + _with_lang(path, lang)
            answer = httpx.post(url, **post, timeout=30) if post else httpx.get(url, timeout=30)
            assert answer.status_code == 200, (name, lang, answer.text[:500])
            verdicts[lang] = _verdict(answer.text)
            headline = re.search(r'<span class="banner-word">([^<]+)</span>', answer.text)
            assert headline
            headlines.add(headline.group(1))
        assert len(set(verdicts.values())) == 1, (name, verdicts)
        code, status, checks = verdicts["en"]
        assert code == expected_codes[name]
        assert status == ("invalid" if name == "forged" else name)
        assert checks  # every check is listed, with the same result in every language
        assert len(headlines) == len(LANGUAGES), (name, headlines)  # each in its own words
