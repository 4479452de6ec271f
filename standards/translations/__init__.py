"""Translations of a standard's texts, kept beside its rule set and never in it
(docs/languages.md): `standards/translations/<slug>/<version>.<lang>.yaml`.

A rule set's digest is the SHA-256 of its canonical JSON (`standards.digest`), so a word
changed inside it would make another standard. A translation file only maps the rule set's
ids to words in another language: the title and summary, category names, and each
indicator's requirement, guidance and evidence. It is read when a page is shown, checked
against the rule set it names (an id the rule set does not have is an error, so a
translation cannot describe an indicator that does not exist), and the English text stays
the standard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from standards.errors import StandardsError

FOLDER: Final = Path(__file__).parent


class TranslationError(StandardsError):
    """A translation file that does not fit the rule set it names."""


@dataclass(frozen=True)
class IndicatorText:
    requirement: str | None = None
    guidance: str | None = None
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Translation:
    """A standard's texts in one language; empty when there is none."""

    language: str | None = None
    title: str | None = None
    summary: str | None = None
    categories: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, IndicatorText] = field(default_factory=dict)


NONE: Final = Translation()


def path_of(slug: str, version: str, lang: str, folder: Path = FOLDER) -> Path:
    return folder / slug / f"{version}.{lang}.yaml"


def _text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TranslationError(f"{where}: a translation must be non-empty text")
    return value.strip()


def parse(data: Any, rule_set: dict[str, Any], lang: str) -> Translation:
    """A translation's data checked against the rule set (its `rule_set` JSON)."""
    if not isinstance(data, dict):
        raise TranslationError("a translation file is a mapping")
    categories = {c["id"]: c for c in rule_set.get("categories", [])}
    indicators = {i["id"]: i for c in categories.values() for i in c.get("indicators", [])}
    names: dict[str, str] = {}
    for key, value in (data.get("categories") or {}).items():
        if key not in categories:
            raise TranslationError(f"categories.{key}: the rule set has no such category")
        names[key] = _text(value, f"categories.{key}") or categories[key]["name"]
    texts: dict[str, IndicatorText] = {}
    for key, value in (data.get("indicators") or {}).items():
        if key not in indicators:
            raise TranslationError(f"indicators.{key}: the rule set has no such indicator")
        if not isinstance(value, dict):
            raise TranslationError(f"indicators.{key}: a mapping of requirement, guidance, ...")
        evidence = value.get("evidence") or []
        if evidence and len(evidence) != len(indicators[key].get("evidence") or []):
            raise TranslationError(f"indicators.{key}.evidence: one text per item of evidence")
        texts[key] = IndicatorText(
            _text(value.get("requirement"), f"indicators.{key}.requirement"),
            _text(value.get("guidance"), f"indicators.{key}.guidance"),
            tuple(_text(e, f"indicators.{key}.evidence") or "" for e in evidence),
        )
    return Translation(
        lang,
        _text(data.get("title"), "title"),
        _text(data.get("summary"), "summary"),
        names,
        texts,
    )


def load(
    slug: str, version: str, lang: str, rule_set: dict[str, Any], folder: Path = FOLDER
) -> Translation:
    """The translation of `slug@version` into `lang`, or `NONE` when there is none."""
    path = path_of(slug, version, lang, folder)
    if not path.is_file():
        return NONE
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), rule_set, lang)
