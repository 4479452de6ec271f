"""Times at one registry size: `python -m bench.scale.measure --providers N --certificates M`.

Runs in the registry's environment against a bulk-loaded database, calling the services the
API handlers call (no HTTP, so the figure is the database and the service code, not the
server's framing). Samples are random rows, with the in-process caches cleared before each
call so the database is always asked. Prints one JSON line of median times in ms.

- search: `providers.search(q=<one provider's full name>)`, the look-up a worker or an
  employer makes; `search_broad`: the first word of a name (a city: ~1 % of providers);
- fetch: `certificates.service.credential(id)` (GET /credentials/{id}) and
  `service.get(code)` (GET /api/v1/certificates/{code}, with its history);
- change: suspend, then reinstate, a random active certificate: each its own transaction
  with its event, status-list version bump and transparency-log append;
- rebuild: render and sign a status list from the certificates' states (cache cleared).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.scale.names import PLACES, certificate_code, certificate_id, legal_name

ACTOR = "secretariat:acc_bench_scale"


async def _timed(
    call: Callable[[], Awaitable[object]], seconds: float, at_least: int = 20
) -> dict[str, float]:
    samples: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(samples) < at_least:
        t0 = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return {
        "median_ms": statistics.median(samples) * 1e3,
        "p90_ms": samples[int(0.9 * (len(samples) - 1))] * 1e3,
        "samples": len(samples),
    }


def _active(rng: random.Random, certificates: int) -> int:
    while True:  # rows.certificate_records suspends k % 50 == 3 and revokes k % 100 == 7
        k = rng.randrange(certificates)
        if k % 50 != 3 and k % 100 != 7:
            return k


async def measure(
    providers: int, certificates: int, seconds: float, first_list: int
) -> dict[str, Any]:
    from registry import provider_search as registry_providers
    from registry.certificates import service, status
    from registry.db.database import close_pool, start_pool

    await start_pool()
    rng = random.Random(11)  # noqa: S311 - reproducible samples, not secrets
    budget = seconds / 6
    result: dict[str, Any] = {"providers": providers, "certificates": certificates}
    try:

        async def search() -> None:
            _, total = await registry_providers.search(q=legal_name(rng.randrange(providers)))
            assert total >= 1

        async def search_broad() -> None:
            place = PLACES[rng.randrange(min(providers, len(PLACES)))]
            await registry_providers.search(q=place)

        async def fetch() -> None:
            service._credentials.clear()  # the database path, not the in-process cache
            await service.credential(certificate_id(rng.randrange(certificates)))

        async def detail() -> None:
            await service.get(certificate_code(rng.randrange(certificates)))

        async def change() -> None:
            ref = certificate_id(_active(rng, certificates))
            await service.change_state(ref, "suspend", "scale bench", ACTOR)
            await service.change_state(ref, "reinstate", "scale bench", ACTOR)

        async def rebuild() -> None:
            status._rendered.clear()
            await status.render("suspension", first_list)

        for name, call in (
            ("search", search),
            ("search_broad", search_broad),
            ("fetch", fetch),
            ("detail", detail),
            ("change", change),
            ("rebuild", rebuild),
        ):
            await call()  # warm: connections, plans, the signer's key
            result[name] = await _timed(call, budget)
        # Two transactions per `change` call: report one status change.
        result["change"] = {
            k: v / 2 if k.endswith("_ms") else v for k, v in result["change"].items()
        }
    finally:
        await close_pool()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale.measure", description=__doc__)
    parser.add_argument("--providers", type=int, required=True)
    parser.add_argument("--certificates", type=int, required=True)
    parser.add_argument("--first-list", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    result = asyncio.run(measure(args.providers, args.certificates, args.seconds, args.first_list))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
