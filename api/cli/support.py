"""What every CLI command shares: consoles, running a use case, failing clearly."""

from __future__ import annotations

import sys
from collections.abc import Awaitable
from typing import NoReturn, TypeVar

from rich.console import Console
from rich.markup import escape

T = TypeVar("T")
console = Console()
err = Console(stderr=True)


def run(coro: Awaitable[T]) -> T:
    """Run one use case against the configured database (pool opened and closed around it)."""
    import asyncio

    async def wrapped() -> T:
        from registry.db.database import close_pool, start_pool

        await start_pool()
        try:
            return await coro
        finally:
            await close_pool()

    return asyncio.run(wrapped())


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    sys.exit(code)
