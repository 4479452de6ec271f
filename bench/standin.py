"""A tiny ASGI stand-in for the registry, serving the three paths figure 1 loads.

For testing the load generators without the real application: `uvicorn bench.standin:app`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]

_BODIES = {
    "/health": json.dumps({"status": "ok", "database": "ok"}).encode(),
    "/health/live": json.dumps({"status": "ok"}).encode(),
    "/api/v1/standards/core-rights/versions/1.0.0": json.dumps(
        {
            "slug": "core-rights",
            "version": "1.0.0",
            "principles": [{"id": f"P{n}"} for n in range(8)],
        }
    ).encode(),
}
_MISSING = json.dumps({"status": 404, "title": "Not Found"}).encode()


async def app(
    scope: Scope,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": message["type"] + ".complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = _BODIES.get(scope["path"])
    status, payload = (200, body) if body is not None else (404, _MISSING)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(payload))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})
