"""The catalogs' lint (`python -m api.i18n.check`, run by `make lint`).

Extracts every string of the code and templates (babel.cfg) to a temporary template, as
`pybabel extract` does, and fails when:

- a language's catalog lacks a string the code or a template now has, or keeps one they
  no longer have (run `python -m api.i18n.update` to merge, then translate);
- a string shown on a public page (not only in a portal template) is untranslated or fuzzy
  in any supported language: Babel's catalog statistics, per language;
- a translation's `%(name)s` placeholders differ from the English (a page would crash or
  show the wrong number).

Portal templates' strings are extracted too and must be in every catalog, but may stay
untranslated (the portals may stay English for now; docs/languages.md).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from api.i18n import DEFAULT, DOMAIN, LANGUAGES, catalog_path

ROOT: Final = Path(__file__).parents[2]
CONFIG: Final = ROOT / "babel.cfg"
KEYWORDS: Final = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "N_": None,
}
PORTAL: Final = re.compile(r"(^|/)(portal_[^/]*\.html|portal/[^/]*\.py)$")
PLACEHOLDER: Final = re.compile(r"%\((\w+)\)s|%%")


def _method_map() -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    """babel.cfg's sections as `extract_from_dir` takes them."""
    from babel.messages.frontend import parse_mapping_cfg

    with CONFIG.open(encoding="utf-8") as stream:
        method_map, options_map = parse_mapping_cfg(stream)  # type: ignore[no-untyped-call]
    return list(method_map), dict(options_map)


def extract() -> Catalog:
    """The template catalog the code and templates give now."""
    method_map, options_map = _method_map()
    catalog = Catalog(project="Rightsmark", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def public(message: Message) -> bool:
    """Whether a string appears on a public page: any place outside the portals."""
    return any(not PORTAL.search(filename) for filename, _ in message.locations)


@dataclass(frozen=True)
class Statistics:
    lang: str
    total: int
    translated: int
    fuzzy: int


def _ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, list | tuple) else (message.id,)


def _strings(message: Message) -> tuple[str, ...]:
    if isinstance(message.string, list | tuple):
        return tuple(s or "" for s in message.string)
    return (message.string or "",)


def _placeholders(text: str) -> set[str]:
    return {m for m in PLACEHOLDER.findall(text) if m}


def problems_of(lang: str, catalog: Catalog, template: Catalog) -> tuple[list[str], Statistics]:
    found: list[str] = []
    wanted = {(m.context, _ids(m)[0]): m for m in template if m.id}
    have = {(m.context, _ids(m)[0]): m for m in catalog if m.id}
    for key in sorted(set(wanted) - set(have), key=str):
        found.append(f"{lang}: missing {key[1]!r} (run python -m api.i18n.update)")
    for key in sorted(set(have) - set(wanted), key=str):
        found.append(f"{lang}: {key[1]!r} is no longer in the code or templates")
    total = translated = fuzzy = 0
    for key, source in wanted.items():
        message = have.get(key)
        if message is None or not public(source):
            continue
        total += 1
        strings = [s for s in _strings(message) if s]
        if message.fuzzy:
            fuzzy += 1
            found.append(f"{lang}: fuzzy {key[1]!r}")
        elif len(strings) < len(_strings(message)) or not strings:
            found.append(f"{lang}: untranslated {key[1]!r}")
        else:
            translated += 1
            expected = set().union(*(_placeholders(i) for i in _ids(source)))
            for text in strings:
                if _placeholders(text) - expected or (
                    len(_ids(source)) == 1 and _placeholders(text) != expected
                ):
                    found.append(f"{lang}: placeholders of {key[1]!r} differ in {text!r}")
                    break
    return found, Statistics(lang, total, translated, fuzzy)


def check(languages: Iterable[str] = LANGUAGES) -> tuple[list[str], list[Statistics]]:
    template = extract()
    problems: list[str] = []
    stats: list[Statistics] = []
    for lang in languages:
        if lang == DEFAULT:
            continue
        path = catalog_path(lang)
        if not path.is_file():
            problems.append(f"{lang}: no catalog at {path.relative_to(ROOT)}")
            continue
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=lang, domain=DOMAIN)
        found, stat = problems_of(lang, catalog, template)
        problems += found
        stats.append(stat)
    return problems, stats


def main() -> int:
    problems, stats = check()
    for stat in stats:
        share = 100 * stat.translated / stat.total if stat.total else 100.0
        print(
            f"{stat.lang}: {stat.translated}/{stat.total} public strings translated "
            f"({share:.0f} %), {stat.fuzzy} fuzzy"
        )
    for problem in problems[:200]:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} catalog problem(s)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
