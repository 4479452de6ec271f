"""A pooled connection whose server ended the session, used before its end was read
(issue 20: the failover drill answered 500 in 1 run of 8 on a loaded machine).

When a primary's postmaster is killed, each idle backend sends its client `FATAL:
terminating connection due to unexpected postmaster exit` and exits. asyncpg, not waiting
for anything on that connection, leaves its protocol consuming the error until the socket's
end is read, and `is_closed()` stays false until then: a pool may hand the connection out in
that gap, and its first statement fails with an `InternalClientError` before anything is
sent. That must read as the database failing over (503 with Retry-After), not as a bug.

Here the gap is held open on purpose, on a real server: the connection goes through a
TCP relay that passes on the server's bytes at once but its end of the connection only
when told, and the backend is ended with `pg_terminate_backend`, whose `FATAL` is sent the
same way. PostgreSQL only (RIGHTSMARK_TEST_DATABASE_URL, `make test-postgres`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

from registry.db.failover import database_unavailable
from registry.settings import get_settings

pytestmark = [
    pytest.mark.db,
    pytest.mark.skipif(not get_settings().is_postgres, reason="PostgreSQL's protocol only"),
]


class HeldEndRelay:
    """Relays one client to the server; the server's end of the connection is passed on
    only after `release()`, as a loaded machine may delay it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.server_ended = asyncio.Event()
        self._release = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    def release(self) -> None:
        self._release.set()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, from_server: bool
    ) -> None:
        with contextlib.suppress(ConnectionError):
            while chunk := await source.read(65536):
                sink.write(chunk)
                await sink.drain()
            if from_server:
                self.server_ended.set()
                await self._release.wait()
            sink.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.port)
        self._tasks += [
            asyncio.create_task(self._pipe(reader, upstream_writer, from_server=False)),
            asyncio.create_task(self._pipe(upstream_reader, writer, from_server=True)),
        ]

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[int]:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        try:
            yield server.sockets[0].getsockname()[1]
        finally:
            self.release()
            server.close()
            for task in self._tasks:
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)


def _through(url: str, port: int) -> str:
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{port}" if credentials else f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=netloc))


async def test_a_statement_on_a_connection_the_server_ended_reads_as_a_failover() -> None:
    url = get_settings().database_url
    target = urlsplit(url)
    relay = HeldEndRelay(target.hostname or "127.0.0.1", target.port or 5432)
    async with relay.running() as port:
        connection = await asyncpg.connect(_through(url, port))
        try:
            admin = await asyncpg.connect(url)
            try:
                await admin.fetchval("SELECT pg_terminate_backend($1)", connection.get_server_pid())
            finally:
                await admin.close()
            await asyncio.wait_for(relay.server_ended.wait(), timeout=10)
            # The FATAL has been passed on, the end of the connection held back: asyncpg
            # reads the error on its next turn, and still calls the connection open.
            for _ in range(20):
                await asyncio.sleep(0)
            assert not connection.is_closed()
            with pytest.raises(asyncpg.InternalClientError) as raised:
                await connection.execute("BEGIN")
            assert database_unavailable(raised.value), raised.value
        finally:
            relay.release()
            connection.terminate()
