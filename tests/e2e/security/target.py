"""The registry the attack and bad-input tests attack: one real registry per test module,
made by `rightsmark init --demo` and `rightsmark serve` with its own SQLite file, and what
the tests need to talk to it as each role and to see whether anything was stored (the
fixtures, `demo` and `registry`, are in conftest.py)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import RegistryServer, registry_server

ROLES = ("secretariat", "auditor", "provider")


@dataclass(frozen=True)
class Registry:
    """A registry under test: its server, the init secretariat token (never handed to the
    fuzzer, so set-up always works) and, with the demo data, one demo token per role."""

    server: RegistryServer
    admin: str
    tokens: dict[str, str]

    @property
    def url(self) -> str:
        return self.server.url

    def bearer(self, role: str | None = None) -> dict[str, str]:
        token = self.admin if role is None else self.tokens[role]
        return {"Authorization": f"Bearer {token}"}

    def row_counts(self) -> dict[str, int]:
        """Rows in every table of the registry's database, read-only; but `data_changes`,
        which records each committed transaction for other processes' read caches (a
        replay answered from its first response commits one too), not data."""
        path = self.server.data_dir / "rightsmark.sqlite"
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
            tables = [
                name
                for (name,) in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' AND name != 'data_changes'"
                )
            ]
            return {
                table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in tables
            }

    def files(self) -> set[Path]:
        """Every file under the data folder except the database and the server's log."""
        skip = {"serve.log"}
        return {
            path
            for path in self.server.data_dir.rglob("*")
            if path.is_file() and path.name not in skip and "rightsmark.sqlite" not in path.name
        }


def started(tmp_path_factory: pytest.TempPathFactory, *, demo: bool) -> Iterator[Registry]:
    with registry_server(tmp_path_factory.mktemp("security"), demo=demo) as server:
        tokens: dict[str, str] = {}
        if demo:
            written = json.loads((server.data_dir / "demo-tokens.json").read_text())
            tokens = {r: next(t for k, t in written.items() if k.startswith(r)) for r in ROLES}
        yield Registry(server, server.secretariat_token, tokens)
