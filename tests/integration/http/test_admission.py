"""The admission middleware (`api.http.middleware.admission`): at most ACTIVE_READS reading
requests run at once, the rest wait in order; writes never wait for a turn."""

from __future__ import annotations

import asyncio
from typing import Any

from api.http.middleware.admission import ACTIVE_READS, admission_middleware
from api.http.middleware.ratelimit import prefix


async def test_reads_take_turns_and_writes_never_wait() -> None:
    running = peak = 0
    release = asyncio.Event()

    async def app(scope: Any, receive: Any, send: Any) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        if scope["method"] == "GET" or scope["path"].startswith("/api/v1/verify"):
            await release.wait()
        running -= 1

    admitted = admission_middleware(prefix("/api/v1/verify"))(app)

    def call(method: str, path: str) -> Any:
        scope = {"type": "http", "method": method, "path": path}
        return asyncio.create_task(admitted(scope, None, None))  # type: ignore[arg-type]

    reads = [call("GET", "/certificates/x") for _ in range(ACTIVE_READS + 4)]
    verifications = [call("POST", "/api/v1/verify") for _ in range(2)]
    await asyncio.sleep(0.01)
    assert running == ACTIVE_READS  # the verifications (reads too) wait with the rest
    write = call("POST", "/api/v1/certificates/crt_x/suspend")
    await asyncio.wait_for(write, timeout=1)  # not behind the reads
    release.set()
    await asyncio.gather(*reads, *verifications)
    assert peak == ACTIVE_READS + 1  # the turns, and the write beside them
    assert running == 0
