"""Where bulk rows go: batched COPY into PostgreSQL (asyncpg), batched executemany into SQLite.

Rows arrive one at a time from a generator; each table keeps one bounded buffer, flushed
when full, so memory stays constant whatever the number of rows. No table written here has
a foreign key to another, so the order in which buffers flush does not matter.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import piccolo.engine.sqlite  # noqa: F401 - registers Piccolo's sqlite3 adapters (datetimes)

BATCH = 2_000  # rows per table per flush


class Sink(ABC):
    """Buffers rows per table and writes them in batches; `counts` says how many went."""

    def __init__(self, batch: int = BATCH) -> None:
        self.batch = batch
        self.columns: dict[str, list[str]] = {}
        self.buffers: dict[str, list[tuple[Any, ...]]] = {}
        self.counts: dict[str, int] = {}

    async def add(self, table: str, row: dict[str, Any]) -> None:
        columns = self.columns.setdefault(table, list(row))
        buffer = self.buffers.setdefault(table, [])
        buffer.append(tuple(row[c] for c in columns))
        if len(buffer) >= self.batch:
            await self.flush(table)

    async def flush(self, table: str | None = None) -> None:
        for name in [table] if table else list(self.buffers):
            rows = self.buffers.get(name)
            if rows:
                await self.write(name, self.columns[name], rows)
                self.counts[name] = self.counts.get(name, 0) + len(rows)
                rows.clear()

    @abstractmethod
    async def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        """Store one batch of rows of `table`."""

    @abstractmethod
    async def execute(self, statement: str, *args: Any) -> None:
        """Run one statement outside the batches."""

    async def close(self) -> None:
        await self.flush()


class PostgresSink(Sink):
    """COPY FROM STDIN in binary, one autocommitted COPY per batch."""

    def __init__(self, connection: Any, batch: int = BATCH) -> None:
        super().__init__(batch)
        self.connection = connection

    @classmethod
    async def connect(cls, dsn: str, batch: int = BATCH) -> PostgresSink:
        import asyncpg

        return cls(await asyncpg.connect(dsn), batch)

    async def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        await self.connection.copy_records_to_table(table, records=rows, columns=columns)

    async def execute(self, statement: str, *args: Any) -> None:
        await self.connection.execute(statement, *args)

    async def close(self) -> None:
        await super().close()
        await self.connection.close()


class SqliteSink(Sink):
    """executemany per batch, one commit per batch (WAL mode, set by `rightsmark init`)."""

    def __init__(self, path: Path, batch: int = BATCH) -> None:
        super().__init__(batch)
        self.db = sqlite3.connect(path, timeout=30)

    async def write(self, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        marks = ", ".join("?" for _ in columns)
        statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608 - our own table and column names
        with self.db:
            self.db.executemany(statement, rows)

    async def execute(self, statement: str, *args: Any) -> None:
        # Statements are written for asyncpg ($1, $2, ...); SQLite numbers them ?1, ?2, ...
        with self.db:
            self.db.execute(statement.replace("$", "?"), args)

    async def close(self) -> None:
        await super().close()
        self.db.close()


async def drain(sink: Sink, rows: Iterable[tuple[str, dict[str, Any]]]) -> None:
    for table, row in rows:
        await sink.add(table, row)
