"""Rightsmark benchmark harness, run by `make bench` (`python -m bench`).

Each figure compares a Rightsmark code path with a baseline measured in the same run on the
same machine, and holds the ratio against a target:

1. foundation: requests/s of a published standard version vs `/health/live`, one real
   server process, driven over loopback by `wrk` (or a labelled Python fallback);
2. audits scoring: `score()` and parse+validate+score vs `json.loads` of the same bytes;
3. offline verification of a real certificate with both status checks (3a) and of its bare
   proof (3b) vs a raw Ed25519 verify;
4. Merkle inclusion and consistency proofs at 1,000,000 vs 1,000 leaves;
5. `GET` of an issued certificate's credential vs `/health/live`, one real server with the
   demo data set, loaded by `wrk`;
6. `POST /api/v1/verify` of that certificate vs its offline verification rate;
7. mixed load (90 % certificate fetch and verification, 9 % search, 1 % writes) against a
   demo server with 10,000 bulk-loaded certificates for `--load-seconds` (default 60):
   requests/s, p50/p99 latency, errors and the server's peak memory.
8. CLI start-up: `rightsmark --help` vs `python -c pass`, whole processes (target <= 10x);
   `rightsmark verify FILE --offline` and `rightsmark audits score FILE` reported beside.
9. the public read path (`--only public`), one server with the demo data set and 5,000
   bulk-loaded certificates, `wrk -c32`: the certificate page (9a, target >= 0.30), the
   certificate API (9b, >= 0.50) and the search page `/?q=<a city>` (9c, >= 0.15), each vs
   `/health/live` in the same run; `POST /api/v1/verify` of 4,600 distinct credentials, more
   than the server remembers verdicts of, vs the offline verification rate (9d, >= 0.5).

`python -m bench scale` (`make bench` runs it after these; `make bench-scale` alone; 12-17
minutes here) bulk-loads 200,000 providers and 1,000,000 certificates into PostgreSQL and
compares search, fetch, status change and status-list rebuild times with a registry of 1 % of
that size.

Durations are bounded: `RIGHTSMARK_BENCH_SECONDS` (default 10) per load phase and per pure
figure. Results are printed as a table and written to `var/bench/latest.json`.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECONDS = 10.0
