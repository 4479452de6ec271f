"""What `/health` says about replication: the standbys the primary feeds, and the standby
this process reads from (`RIGHTSMARK_DATABASE_REPLICA_URL`), with their lag."""

from __future__ import annotations

from dataclasses import dataclass, field

from registry.db.database import engine
from registry.db.pooled import PooledPostgresEngine
from registry.db.replica import PRIMARY_POSITION, fallbacks

_STANDBYS = (
    "SELECT application_name AS name, sync_state,"
    " pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag_bytes,"
    " EXTRACT(EPOCH FROM replay_lag)::float8 AS lag_seconds"
    " FROM pg_stat_replication ORDER BY application_name"
)
_STANDBY_SELF = (
    "SELECT pg_is_in_recovery() AS standby, inet_server_port() AS port,"
    " pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0')::bigint AS replayed"
)


@dataclass(frozen=True)
class Standby:
    """A standby the primary streams to: `sync` or `async`, and how far behind it applies."""

    name: str
    sync_state: str
    lag_bytes: int | None
    lag_seconds: float | None


@dataclass(frozen=True)
class ReadReplica:
    """The server this process's public reads go to, and how far behind the primary."""

    reachable: bool
    port: int | None = None
    is_standby: bool | None = None
    lag_bytes: int | None = None
    reads_sent_to_primary: int = 0  # the standby had not replayed far enough in time


@dataclass(frozen=True)
class Replication:
    standbys: list[Standby] = field(default_factory=list)
    replica: ReadReplica | None = None  # None: no RIGHTSMARK_DATABASE_REPLICA_URL


async def replication() -> Replication | None:
    """None on SQLite; on PostgreSQL what the primary and the read replica say (raises when
    the primary cannot be reached)."""
    db = engine()
    if not isinstance(db, PooledPostgresEngine):
        return None
    rows = await db.run_ddl(_STANDBYS)
    standbys = [
        Standby(
            str(r["name"]),
            str(r["sync_state"]),
            None if r["lag_bytes"] is None else int(r["lag_bytes"]),
            None if r["lag_seconds"] is None else float(r["lag_seconds"]),
        )
        for r in rows
    ]
    pool = None if db.standbys is None else db.standbys.pool
    if pool is None:
        return Replication(standbys)
    try:
        async with pool.acquire(timeout=2) as connection:
            me = await connection.fetchrow(_STANDBY_SELF)
        primary = int((await db.run_ddl(PRIMARY_POSITION))[0]["lsn"])
    except Exception:  # a standby that is down is reported, not raised
        return Replication(standbys, ReadReplica(False, reads_sent_to_primary=fallbacks()))
    lag = None if me["replayed"] is None else max(0, primary - int(me["replayed"]))
    return Replication(
        standbys,
        ReadReplica(True, int(me["port"]), bool(me["standby"]), lag, fallbacks()),
    )
