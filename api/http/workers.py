"""Background work of a serving process: the supplier-check worker.

Checks of long supplier lists are queued in the database (`registry.watchlists.checks`).
Polling moves a check on, and this worker moves on the checks nobody polls - those whose
page was closed, and every check left unfinished by a restart - a batch at a time. Each
`serve` worker process runs one; two never write the same batch twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Final

import structlog

from registry.watchlists import checks

PAUSE_SECONDS: Final = 2.0
_log = structlog.get_logger("rightsmark.workers")
_task: asyncio.Task[None] | None = None


async def _run() -> None:
    while True:
        try:
            if not await checks.resume_pending():
                await asyncio.sleep(PAUSE_SECONDS)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a failover, a full disk: log, wait, try again
            _log.warning("supplier-check worker", error_type=type(exc).__name__, error=str(exc))
            await asyncio.sleep(PAUSE_SECONDS)


async def start_supplier_worker() -> None:
    global _task
    if _task is None or _task.done():
        _task = asyncio.get_running_loop().create_task(_run(), name="supplier-check-worker")


async def stop_supplier_worker() -> None:
    global _task
    if _task is not None:
        _task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await _task
        _task = None
