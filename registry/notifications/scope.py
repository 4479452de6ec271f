"""Which subscriptions an event goes to: the one place that decides.

A subscription names the kinds it wants (none: all) and its scope: explicit `certificates`
and `providers` lists, or a `watchlist`. An event about a certificate matches when the
certificate or its provider is listed; an event about a provider alone (a complaint, a
licence) matches when the provider is listed. A subscription with neither lists nor a
watchlist receives every event of its kinds (all public data).

Watchlists belong to `registry.watchlists` (accounts' lists of providers and
certificates); they are resolved here, at fan-out time, through `watchers`, so a change to a
watchlist applies to the next event without touching any subscription.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from registry.watchlists import watchers


@dataclass(frozen=True, slots=True)
class Scope:
    events: tuple[str, ...]
    certificates: tuple[str, ...]
    providers: tuple[str, ...]
    watchlist: str | None

    @classmethod
    def of_row(cls, row: dict[str, Any]) -> Scope:
        return cls(
            events=tuple(json.loads(row["events"])),
            certificates=tuple(json.loads(row["certificates"])),
            providers=tuple(json.loads(row["providers"])),
            watchlist=row["watchlist"],
        )


def wants(scope: Scope, kind: str) -> bool:
    return not scope.events or kind in scope.events


def listed(scope: Scope, certificate_id: str | None, provider_id: str | None) -> bool:
    if not scope.certificates and not scope.providers and scope.watchlist is None:
        return True
    return (certificate_id is not None and certificate_id in scope.certificates) or (
        provider_id is not None and provider_id in scope.providers
    )


async def scope_matches(
    scope: Scope,
    certificate_id: str | None,
    provider_id: str | None,
    watching: Sequence[str] | None = None,
) -> bool:
    """Whether an event about this certificate and provider is in the subscription's scope.
    `watching`: the watchlist ids that contain them, when the caller looked them up once
    for many subscriptions; else they are looked up here."""
    if listed(scope, certificate_id, provider_id):
        return True
    if scope.watchlist is None:
        return False
    if watching is None:
        watching = await watching_lists(certificate_id, provider_id)
    return scope.watchlist in watching


async def watching_lists(certificate_id: str | None, provider_id: str | None) -> list[str]:
    if provider_id is None:  # every event names its provider; nothing to watch without one
        return []
    return [w.watchlist_id for w in await watchers(certificate_id, provider_id)]
