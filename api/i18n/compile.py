"""Compile every language's catalog to its `.mo` (`python -m api.i18n.compile`), as `make`
does after install: `messages.po` -> `messages.mo` beside it. Fuzzy entries are left out
(they are not translations yet). The `.mo` files are build products, never committed:
`api.i18n.translations` compiles a `.po` in memory when its `.mo` is missing or older.
"""

from __future__ import annotations

import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from api.i18n import DEFAULT, DOMAIN, LANGUAGES, catalog_path


def compile_all() -> list[str]:
    done = []
    for lang in LANGUAGES:
        po = catalog_path(lang)
        if lang == DEFAULT or not po.is_file():
            continue
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=lang, domain=DOMAIN)
        with catalog_path(lang, ".mo").open("wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        done.append(lang)
    return done


def main() -> int:
    print("compiled catalogs:", " ".join(compile_all()) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
