"""Bring every catalog up to date with the code and templates (`python -m api.i18n.update`):
extract (as `make lint` does) and merge the strings into each language's `messages.po`
(Babel's `update`: new strings empty, changed ones fuzzy, removed ones dropped), as
`pybabel update` would. Then translate what it left empty or fuzzy.
"""

from __future__ import annotations

import sys

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from api.i18n import DEFAULT, DOMAIN, LANGUAGES, catalog_path
from api.i18n.check import extract


def update() -> list[str]:
    template = extract()
    done = []
    for lang in LANGUAGES:
        if lang == DEFAULT:
            continue
        path = catalog_path(lang)
        if path.is_file():
            with path.open("rb") as stream:
                catalog = read_po(stream, locale=lang, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="Rightsmark")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()  # the repository's history keeps what was removed
        with path.open("wb") as out:
            write_po(out, catalog, width=0, sort_by_file=True, include_previous=False)
        done.append(lang)
    return done


def main() -> int:
    print("updated catalogs:", " ".join(update()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
