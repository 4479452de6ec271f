"""Liveness and readiness."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from litestar import Response, get

from registry.db.database import ping
from registry.db.replication import replication


@get("/health", operation_id="getHealth", tags=["health"], summary="Readiness")
async def health() -> Response[dict[str, Any]]:
    """Whether the server is up and its database reachable (503 when it is not). On
    PostgreSQL, `replication` lists the standbys the primary streams to (`sync` or
    `async`, replay lag in bytes and seconds) and the read replica this process reads
    public pages from (`RIGHTSMARK_DATABASE_REPLICA_URL`): reachable, whether it is a
    standby, its lag behind the primary in bytes, and how many reads went to the primary
    because it lagged."""
    reachable = await ping()
    body: dict[str, Any] = {"status": "ok" if reachable else "degraded", "database": reachable}
    if reachable:
        try:
            found = await replication()
        except Exception:  # the primary went away between the two: say so, never a 500
            found = None
            body.update(status="degraded", database=False)
            reachable = False
        if found is not None:
            body["replication"] = asdict(found)
    return Response(body, status_code=200 if reachable else 503)


@get("/health/live", operation_id="getLiveness", tags=["health"], summary="Liveness")
async def live() -> dict[str, str]:
    """A trivial JSON answer that touches nothing: the benchmark's baseline."""
    return {"status": "ok"}
