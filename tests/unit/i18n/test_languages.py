"""The languages of the pages (docs/languages.md): negotiation, the catalogs' completeness
and placeholders, plural forms, CLDR formatting, and translated standards beside the rule
set without touching its digest."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.messages.pofile import read_po

from api import i18n
from api.i18n import check
from api.web.render import explain
from standards import translations
from standards.canonical import canonical_digest
from standards.loader import load_document, load_ruleset
from tests.support.paths import LIBRARY


@pytest.mark.parametrize(
    ("query", "cookie", "header", "expected"),
    [
        (None, None, None, "en"),
        ("ar", "fr", "es", "ar"),  # ?lang= first
        ("xx", "fr", "es", "fr"),  # an unknown ?lang= is ignored, the cookie next
        (None, "NE", "es", "ne"),  # case aside
        (None, "klingon", "es-MX,es;q=0.9", "es"),  # then Accept-Language
        (None, None, "de-DE, fr-CA;q=0.8, en;q=0.5", "fr"),  # best supported by quality
        (None, None, "en;q=0.1, hi", "hi"),
        (None, None, "tl-PH", "fil"),  # Tagalog is served Filipino
        (None, None, "in", "id"),  # Indonesian's old code
        (None, None, "bn-BD;q=0, ar", "ar"),  # q=0 means not wanted
        (None, None, "de, ja", "en"),  # nothing supported: English
        (None, None, "*", "en"),
        (None, None, ";;;,q=x", "en"),  # garbage is not an error
    ],
)
def test_negotiation(
    query: str | None, cookie: str | None, header: str | None, expected: str
) -> None:
    assert i18n.negotiate(query, cookie, header) == expected


def test_direction_and_names() -> None:
    assert i18n.direction("ar") == "rtl"
    assert {i18n.direction(lang) for lang in i18n.LANGUAGES if lang != "ar"} == {"ltr"}
    assert i18n.native_name("ne") == "नेपाली"
    assert i18n.native_name("ar") == "العربية"
    assert i18n.native_name("id") == "Bahasa Indonesia"


def test_the_catalogs_are_complete_and_their_placeholders_match() -> None:
    """What `make lint` runs: every public string in every language, none fuzzy."""
    problems, stats = check.check()
    assert problems == []
    assert {s.lang for s in stats} == set(i18n.LANGUAGES) - {"en"}
    for stat in stats:
        assert stat.total > 400
        assert stat.translated == stat.total
        assert stat.fuzzy == 0


def test_the_lint_fails_on_a_missing_a_fuzzy_and_a_broken_translation() -> None:
    template = check.extract()
    with i18n.catalog_path("fr").open("rb") as stream:
        catalog = read_po(stream, locale="fr")
    damaged = copy.deepcopy(catalog)
    del damaged["Verify a certificate"]
    damaged["Search"].flags.add("fuzzy")
    damaged["Certificate %(code)s"].string = "Certificat %(cdoe)s"
    damaged["Statistics"].string = ""
    problems, stats = check.problems_of("fr", damaged, template)
    text = "\n".join(problems)
    assert "missing 'Verify a certificate'" in text
    assert "fuzzy 'Search'" in text
    assert "placeholders of 'Certificate %(code)s' differ" in text
    assert "untranslated 'Statistics'" in text
    assert stats.fuzzy == 1


def test_plural_forms_follow_each_language() -> None:
    def providers(lang: str, n: int) -> str:
        with i18n.using(lang):
            return i18n.ngettext("%(num)s provider", "%(num)s providers", n) % {"num": n}

    assert providers("en", 1) == "1 provider"
    assert providers("en", 2) == "2 providers"
    assert providers("fr", 0) == "0 prestataire"  # French: 0 and 1 are singular
    assert providers("fr", 2) == "2 prestataires"
    assert providers("ar", 1) == "مقدم خدمة واحد"
    assert providers("ar", 2) == "مقدما خدمة"
    assert providers("ar", 5) == "5 مقدمي خدمات"
    assert providers("ar", 11) == "11 مقدم خدمة"


def test_cldr_dates_numbers_and_country_names() -> None:
    with i18n.using("en"):
        assert i18n.format_day("2029-11-30T10:00:00Z") == "2029-11-30"  # ISO in English
        assert i18n.format_number(1234567.5) == "1,234,567.5"
        assert i18n.country_name("NP") == "Nepal"
    with i18n.using("fr"):
        assert i18n.format_day("2029-11-30") == "30 novembre 2029"
        assert i18n.format_number(1234.5) == "1\u202f234,5"
        assert i18n.country_name("NP") == "Népal"
    with i18n.using("hi"):
        assert i18n.format_number(1234567) == "12,34,567"
        assert i18n.country_name("NP") == "नेपाल"
    with i18n.using("ar"):
        assert "نوفمبر" in i18n.format_day("2029-11-30")
    assert i18n.format_day("not a date") == "not a date"


def test_a_verdict_has_one_text_per_code_in_every_language() -> None:
    """The words of a verdict are chosen by its code, so each language says one sentence
    per code: translated (not the English) and the same sentence every time."""
    for code, english in explain.REASONS.items():
        seen = set()
        for lang in i18n.LANGUAGES:
            with i18n.using(lang):
                text = i18n.gettext(english)
            assert text
            assert (text == english) == (lang == "en"), (code, lang)
            seen.add(text)
        assert len(seen) == len(i18n.LANGUAGES), code


RULE_SET = LIBRARY / "core-rights" / "3.0.0.yaml"


def _rule_set() -> dict[str, Any]:
    """The rule set as its published JSON (what the standard pages read)."""
    return dict(load_ruleset(RULE_SET).to_document())


def test_a_translation_lives_beside_the_rule_set_and_leaves_its_digest(tmp_path: Path) -> None:
    rules = _rule_set()
    before = canonical_digest(rules)
    first = rules["categories"][0]
    indicator = first["indicators"][0]
    path = translations.path_of("core-rights", "3.0.0", "fr", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text(
        yaml.safe_dump(
            {
                "title": "Droits fondamentaux",
                "categories": {first["id"]: "Frais"},
                "indicators": {indicator["id"]: {"requirement": "Aucun frais."}},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    shown = translations.load("core-rights", "3.0.0", "fr", rules, tmp_path)
    assert shown.title == "Droits fondamentaux"
    assert shown.categories[first["id"]] == "Frais"
    assert shown.indicators[indicator["id"]].requirement == "Aucun frais."
    assert canonical_digest(rules) == before  # the rule set and its digest are untouched
    assert translations.load("core-rights", "3.0.0", "es", rules, tmp_path) is translations.NONE


def test_a_translation_of_an_indicator_the_rule_set_lacks_is_refused() -> None:
    with pytest.raises(translations.TranslationError, match="no such indicator"):
        translations.parse({"indicators": {"NOPE-9": {"requirement": "x"}}}, _rule_set(), "fr")
    with pytest.raises(translations.TranslationError, match="non-empty"):
        translations.parse({"title": ""}, _rule_set(), "fr")


def test_every_shipped_translation_fits_its_rule_set() -> None:
    for path in sorted(translations.FOLDER.glob("*/*.yaml")):
        version, lang = path.stem.rsplit(".", 1)
        rules = yaml.safe_load((LIBRARY / path.parent.name / f"{version}.yaml").read_text())
        document = dict(load_document(rules).to_document())
        shown = translations.load(path.parent.name, version, lang, document)
        assert shown.language == lang
        assert shown.indicators, path
