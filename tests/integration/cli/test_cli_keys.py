"""`rightsmark keys ...` and init's signing step, run as real processes on a real SQLite file."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT

RIGHTSMARK = [sys.executable, "-c", "from api.cli.main import main; main()"]
KEY_ID = re.compile(r"key_[0-9a-f]{16}")


def cli(
    *args: str, data_dir: Path, passphrase: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The CLI with no passphrase in its environment unless one is given."""
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("RIGHTSMARK_KEY_PASSPHRASE")
    }
    environment.update(RIGHTSMARK_DATA_DIR=str(data_dir), RIGHTSMARK_DATABASE_URL="", COLUMNS="250")
    if passphrase is not None:
        environment["RIGHTSMARK_KEY_PASSPHRASE"] = passphrase
    return subprocess.run(
        [*RIGHTSMARK, *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A registry made by `init` with no passphrase configured. Returns (data dir, key id)."""
    data_dir = tmp_path_factory.mktemp("cli-keys")
    result = cli("init", data_dir=data_dir)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "signing key" in line]
    assert len(lines) == 1, result.stdout
    assert "generated and active: did:web:127.0.0.1%3A8000#z6Mk" in lines[0]
    assert "passphrase file created" in lines[0]
    match = KEY_ID.search(lines[0])
    assert match is not None
    return data_dir, match.group()


def test_init_creates_an_owner_only_passphrase_and_never_prints_it(
    initialised: tuple[Path, str],
) -> None:
    data_dir, key_id = initialised
    passphrase_file = data_dir / "key-passphrase"
    assert stat.S_IMODE(passphrase_file.stat().st_mode) == 0o600
    passphrase = passphrase_file.read_text().strip()
    assert len(passphrase) == 43
    again = cli("init", data_dir=data_dir)
    assert again.returncode == 0, again.stderr
    assert f"signing key {key_id} active" in again.stdout
    assert "generated" not in again.stdout
    assert passphrase_file.read_text().strip() == passphrase  # kept
    for output in (again.stdout, again.stderr):
        assert passphrase not in output


def test_generate_rotate_list_compromise(tmp_path: Path) -> None:
    # a registry of its own, since this test changes the keys' states
    def rightsmark(*args: str) -> subprocess.CompletedProcess[str]:
        return cli(*args, data_dir=tmp_path, passphrase="a passphrase of its own")

    made = rightsmark("init")
    assert made.returncode == 0, made.stderr
    first = KEY_ID.findall(made.stdout)[0]
    twice = rightsmark("keys", "generate")
    assert twice.returncode == 2
    assert "use rotate" in twice.stderr
    assert "Traceback" not in twice.stderr
    rotated = rightsmark("keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert f"signing key {first} retired" in rotated.stdout
    second = KEY_ID.findall(rotated.stdout)[0]
    assert second != first
    listed = rightsmark("keys", "list")
    assert listed.returncode == 0, listed.stderr
    rows = {line.split()[1]: line for line in listed.stdout.splitlines() if KEY_ID.search(line)}
    assert "retired" in rows[first]
    assert "active" in rows[second]
    assert "did:web:127.0.0.1%3A8000#z6Mk" in rows[second]

    old = rightsmark(
        "keys", "compromise", first, "--since", "2026-01-02T03:04:05Z", "--reason", "old laptop"
    )
    assert old.returncode == 0, old.stderr
    assert "compromised since 2026-01-02T03:04:05Z" in old.stdout
    assert "no active signing key" not in old.stdout
    active = rightsmark("keys", "compromise", second, "--reason", "leaked")
    assert active.returncode == 0, active.stderr
    assert "no active signing key" in active.stdout
    assert "rightsmark keys rotate" in active.stdout
    listed = rightsmark("keys", "list")
    states = [line.split()[5] for line in listed.stdout.splitlines() if KEY_ID.search(line)]
    assert states == ["compromised", "compromised"]
    assert "2026-01-02T03:04:05Z" in listed.stdout
    recovered = rightsmark("keys", "generate")
    assert recovered.returncode == 0, recovered.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["keys", "compromise", "key_0000000000000000", "--reason", "x"], "no signing key"),
        (["keys", "compromise", "key_x", "--since", "yesterday", "--reason", "x"], "ISO 8601"),
        (["keys", "compromise", "key_x", "--since", "2999-01-01T00:00:00Z", "--reason", "x"],
         "future"),
        (["keys", "compromise", "key_x"], "--reason"),
    ],
)  # fmt: skip
def test_key_errors_are_clear(initialised: tuple[Path, str], args: list[str], message: str) -> None:
    result = cli(*args, data_dir=initialised[0])
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_or_wrong_passphrase_fails_clearly(tmp_path: Path) -> None:
    made = cli("init", data_dir=tmp_path, passphrase="first passphrase")
    assert made.returncode == 0, made.stderr
    assert not (tmp_path / "key-passphrase").exists()  # configured: no file is made
    missing = cli("keys", "rotate", data_dir=tmp_path)
    assert missing.returncode == 1
    assert "RIGHTSMARK_KEY_PASSPHRASE" in missing.stderr
    warned = cli("init", data_dir=tmp_path)  # no passphrase, but keys exist: no new file
    assert warned.returncode == 0, warned.stderr
    assert "no passphrase is configured" in warned.stdout
    assert not (tmp_path / "key-passphrase").exists()
    wrong = cli("init", data_dir=tmp_path, passphrase="second passphrase")
    assert wrong.returncode == 1
    assert "does not decrypt" in wrong.stderr
    assert "first passphrase" not in wrong.stderr + wrong.stdout
    assert "Traceback" not in wrong.stderr
