"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Response, get

from registry.db.database import ping


@get("/health", operation_id="getHealth", tags=["health"], summary="Readiness")
async def health() -> Response[dict[str, Any]]:
    """Whether the server is up and its database reachable (503 when it is not)."""
    reachable = await ping()
    return Response(
        {"status": "ok" if reachable else "degraded", "database": reachable},
        status_code=200 if reachable else 503,
    )


@get("/health/live", operation_id="getLiveness", tags=["health"], summary="Liveness")
async def live() -> dict[str, str]:
    """A trivial JSON answer that touches nothing: the benchmark's baseline."""
    return {"status": "ok"}
