"""The scale run (`python -m bench scale`, `make bench-scale`).

A bulk loader (`bench.scale.bulk`) fills a freshly initialised registry with synthetic
providers and consistent, really signed certificates (with their applications, decisions,
history, status-list slots and transparency-log entries), streaming in constant memory.
`bench.scale.measure` then times search, certificate fetch, status change and status-list
rebuild, and `bench.scale.run` compares a large registry with one at 1 % of its size.
"""

from __future__ import annotations

LARGE_PROVIDERS, LARGE_CERTIFICATES = 200_000, 1_000_000
SMALL_PROVIDERS, SMALL_CERTIFICATES = 2_000, 10_000
