"""Employers: self sign-up, watchlists of providers and certificates, and supplier-list
checks (docs/employers.md).

What other packages use: `watchers` and `items` (the notification outbox: who watches a
change, what a watchlist-scoped webhook covers) and the `Watcher` record.
"""

from registry.watchlists.service import Watcher, items, watchers

__all__ = ["Watcher", "items", "watchers"]
