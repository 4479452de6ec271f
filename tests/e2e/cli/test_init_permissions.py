"""`rightsmark init` keeps the registry's files to their owner (issue 16, finding 6): the
data directory 0700 and the SQLite database 0600, its WAL file too, also when the directory
existed before with looser modes."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.support.server import cli, free_port, server_env

pytestmark = pytest.mark.e2e


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("existed", [False, True])
def test_init_leaves_the_data_to_its_owner(tmp_path: Path, existed: bool) -> None:
    data = tmp_path / "data"
    if existed:
        data.mkdir(mode=0o755)
        data.chmod(0o755)
    done = cli("init", env=server_env(data, free_port()))
    assert done.returncode == 0, done.stderr
    assert _mode(data) == 0o700
    database = data / "rightsmark.sqlite"
    assert _mode(database) == 0o600
    for companion in data.glob("rightsmark.sqlite-*"):  # -wal and -shm, when present
        assert _mode(companion) & 0o077 == 0, companion
