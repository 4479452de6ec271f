"""The public search of the register: one box for what an employer types, plus filters.

The text `q` may be:

- a **certificate code** (`RM-7K3Q-9XPD`, any case, dashes and spaces optional), a
  **registry id** (`RMP-...`, any case) or a **licence or registration number** (typed with
  or without its separators, see `registry.search_terms.identifier_key`): the provider it
  names is listed first (`Found.exact` says which), before anything its words match;
- **words** in any order, each found in the provider's legal or trading names (as a part of
  a word: `unez` finds Núñez), or, when the words name a **country** (`Nepal`, `NP`,
  `united arab emirates`), as its country of registration or a corridor end;
- words with a **small typo**: when nothing matches as typed, each word of five or more
  letters also matches the name words one edit away (`Found.corrections` lists them), and a
  one-word country name one edit away.

Contact details are never searched: only names, public identifiers, countries, types and
corridors are. Every look-up is an index look-up: name words through the FTS5 trigram index
(SQLite) or the pg_trgm GiST index (PostgreSQL); identifiers, codes and typo candidates
through B-trees (`provider_identifiers`, `certificates.code`, `provider_name_words`, filled
by triggers: migration 2026-12-03T12:00).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final, Literal

from piccolo.columns.combination import WhereRaw

from registry import countries as cc
from registry import search_terms as st
from registry.certificates.codes import normalise_code
from registry.certificates.tables import CertificateRow
from registry.db.tables import ProviderRow
from registry.errors import InvalidRequestError
from registry.providers import public_view
from registry.settings import get_settings
from standards.model import ProviderType

_MAX_TYPO_WORDS: Final = 8  # a longer query has other words to find it by
_MAX_CORRECTIONS: Final = 20  # name words tried per misspelt word, nearest first in order
_MAX_EXACT: Final = 50  # providers one number may name (a shared group licence, say)

ExactKind = Literal["certificate", "registry id", "number"]


@dataclass(frozen=True, slots=True)
class Exact:
    """What the whole query named exactly: a certificate (`value` its code), a provider
    (its registry id) or a licence or registration number (its compact form)."""

    kind: ExactKind
    value: str
    provider_ids: tuple[str, ...]  # registry ids, as listed first


@dataclass(slots=True)
class Found:
    items: list[dict[str, Any]]  # `registry.providers.public_view`
    total: int
    exact: Exact | None = None
    corrections: dict[str, list[str]] = field(default_factory=dict)  # word -> names tried


async def search(
    *,
    q: str | None = None,
    country: str | None = None,
    provider_type: str | None = None,
    corridor: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Public search: (page, total). See `find`."""
    found = await find(
        q=q,
        country=country,
        provider_type=provider_type,
        corridor=corridor,
        limit=limit,
        offset=offset,
    )
    return found.items, found.total


def filter_clauses(
    country: str | None, provider_type: str | None, corridor: str | None
) -> list[Any]:
    """The filters as clauses; InvalidRequestError naming the filter that names nothing.
    `country` is a code or a name, and matches the country of registration or any end of a
    corridor; `corridor` is `ORIGIN-DESTINATION` in codes or names."""
    clauses: list[Any] = []
    if country:
        code = cc.country_named(country, field="country")
        clauses.append(ProviderRow.search_countries.like(f"%|{code}|%"))
    if provider_type:
        known = sorted(t.value for t in ProviderType)
        if provider_type not in known:
            raise InvalidRequestError(
                f"{provider_type[:64]!r} is not a provider type; use one of {', '.join(known)}",
                field="type",
            )
        clauses.append(ProviderRow.search_types.like(f"%|{provider_type}|%"))
    if corridor:
        pair = cc.corridor_named(corridor, field="corridor")
        clauses.append(ProviderRow.search_corridors.like(f"%|{pair}|%"))
    return clauses


async def find(
    *,
    q: str | None = None,
    country: str | None = None,
    provider_type: str | None = None,
    corridor: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Found:
    """A page of the search: exact identifier matches first, then the providers whose names
    (or countries) match every term of `q`, by search name; the filters apply to both."""
    filters = filter_clauses(country, provider_type, corridor)
    text = (q or "").strip()
    exact = await _exact(text, filters) if text else None
    exact_rows = exact[1] if exact else []
    rest = list(filters)
    if exact_rows:
        rest.append(ProviderRow.id.not_in([row["id"] for row in exact_rows]))
    terms = st.terms(text) if text else []
    shown = exact_rows[offset : offset + limit]
    rest_offset = max(0, offset - len(exact_rows))
    room = limit - len(shown)
    rows, total = await _page([*rest, *_term_clauses(terms, {}, {})], room, rest_offset)
    corrections: dict[str, list[str]] = {}
    if total == 0 and not exact_rows and terms:
        corrections, countries = await _typo_alternatives(terms)
        if corrections or countries:
            clauses = _term_clauses(terms, corrections, countries)
            rows, total = await _page([*rest, *clauses], room, rest_offset)
            for word, code in countries.items():
                corrections.setdefault(word, []).append(code)
    return Found(
        items=[public_view(row) for row in (*shown, *rows)],
        total=len(exact_rows) + total,
        exact=exact[0] if exact else None,
        corrections=corrections if total else {},
    )


async def _page(clauses: list[Any], limit: int, offset: int) -> tuple[list[dict[str, Any]], int]:
    """(rows, total) of the providers matching every clause, by search name."""
    counter = ProviderRow.count()
    for clause in clauses:
        counter = counter.where(clause)
    if limit <= 0:
        return [], await counter.run()
    query = ProviderRow.select()
    for clause in clauses:
        query = query.where(clause)
    rows = (
        await query.order_by(ProviderRow.search_name)
        .order_by(ProviderRow.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    if (rows and len(rows) < limit) or (not rows and offset == 0):
        return rows, offset + len(rows)  # the last page: no need to count
    return rows, await counter.run()


async def _exact(text: str, filters: list[Any]) -> tuple[Exact, list[dict[str, Any]]] | None:
    """The providers `text` names as a whole, as a certificate code, a registry id or a
    licence or registration number (that one only if it has a digit: numbers do, names
    seldom), among those the filters let through."""
    kind: ExactKind
    clause: Any
    if (code := normalise_code(text)) is not None:
        owner = (
            await CertificateRow.select(CertificateRow.provider_id)
            .where(CertificateRow.code == code)
            .first()
            .run()
        )
        if owner is None:
            return None
        kind, value, clause = "certificate", code, ProviderRow.public_id == owner["provider_id"]
    elif (provider_id := st.provider_id_in(text)) is not None:
        kind, value, clause = "registry id", provider_id, ProviderRow.public_id == provider_id
    else:
        value = st.identifier_key(text)
        if not 3 <= len(value) <= 64 or not any(c.isdigit() for c in value):
            return None
        kind = "number"
        clause = WhereRaw(
            "providers.id IN (SELECT provider_id FROM provider_identifiers WHERE value = {})",
            value,
        )
    query = ProviderRow.select().where(clause)
    for extra in filters:
        query = query.where(extra)
    rows = await query.order_by(ProviderRow.search_name).order_by(ProviderRow.id).limit(_MAX_EXACT)
    if not rows:
        return None
    return Exact(kind, value, tuple(row["public_id"] for row in rows)), rows


def _term_clauses(
    terms: list[st.Term], corrections: dict[str, list[str]], countries: dict[str, str]
) -> list[Any]:
    """One clause per term: its words in the names (each word or one of its corrections),
    or, for a term naming a country (or a country name with a typo), that country."""
    plain = [t for t in terms if t.country is None and t.words[0] not in countries]
    clauses: list[Any] = []
    words = [w for t in plain for w in t.words]
    if words:
        sql, args = _names_sql(words, corrections)
        clauses.append(WhereRaw(sql, *args))
    for term in terms:
        if term in plain:
            continue
        code = term.country or countries[term.words[0]]
        sql, args = _names_sql(list(term.words), corrections)
        clauses.append(
            WhereRaw(f"(({sql}) OR providers.search_countries LIKE {{}})", *args, f"%|{code}|%")
        )
    return clauses


def _names_sql(words: list[str], corrections: dict[str, list[str]]) -> tuple[str, list[Any]]:
    """Every word (or one of its corrections) is part of `search_name`. PostgreSQL: LIKE,
    which its pg_trgm index serves. SQLite: words of three or more characters through the
    FTS5 trigram index `providers_search` (a quoted word matches there as a substring, as it
    does with LIKE), shorter ones as LIKE on the rows it found."""
    words = list(dict.fromkeys(words))
    parts: list[str] = []
    args: list[Any] = []
    if get_settings().is_postgres:
        for word in words:
            options = [word, *corrections.get(word, [])]
            parts.append("(" + " OR ".join("providers.search_name LIKE {}" for _ in options) + ")")
            args.extend(f"%{option}%" for option in options)
        return " AND ".join(parts), args
    long = [w for w in words if len(w) >= 3]
    parts = ["providers.search_name LIKE {}" for w in words if len(w) < 3]
    args = [f"%{w}%" for w in words if len(w) < 3]
    if long:
        match = " AND ".join(
            "(" + " OR ".join(_quoted(o) for o in [w, *corrections.get(w, [])]) + ")" for w in long
        )
        parts.insert(
            0,
            "providers.id IN (SELECT rowid FROM providers_search WHERE providers_search MATCH {})",
        )
        args.insert(0, match)
    return " AND ".join(parts), args


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


async def _typo_alternatives(
    terms: list[st.Term],
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """For each word of `TYPO_MIN` or more letters: the name words one edit away (from the
    vocabulary `provider_name_words`, by its deletion variants) and, for a one-word term,
    the country it misspells."""
    long = [w for t in terms if t.country is None for w in t.words if len(w) >= st.TYPO_MIN][
        :_MAX_TYPO_WORDS
    ]
    if not long:
        return {}, {}
    variants = {w: st.deletion_variants(w) for w in long}
    keys = sorted(set().union(*variants.values()))
    # Only placeholders are joined into the text; the keys are parameters.
    rows = await ProviderRow.raw(
        "SELECT variant, word FROM provider_name_words WHERE variant IN ("  # noqa: S608
        + ", ".join("{}" for _ in keys)
        + ")",
        *keys,
    ).run()
    corrections: dict[str, list[str]] = {}
    for word in long:
        near = sorted(
            {
                row["word"]
                for row in rows
                if row["variant"] in variants[word]
                and row["word"] != word
                and st.one_edit_apart(word, row["word"])
            }
        )
        if near:
            corrections[word] = near[:_MAX_CORRECTIONS]
    countries = {
        t.words[0]: code
        for t in terms
        if t.country is None and len(t.words) == 1 and (code := st.country_by_typo(t.words[0]))
    }
    return corrections, countries
