"""Where the signing-key passphrase comes from (no database)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from pydantic import SecretStr

from registry.settings import Settings
from registry.signing.errors import KeyPassphraseError
from registry.signing.passphrase import (
    create_passphrase_file,
    passphrase_configured,
    resolve_passphrase,
)


def _settings(tmp_path: Path, **values: object) -> Settings:
    fields: dict[str, object] = {"key_passphrase": None, "key_passphrase_file": None}
    fields.update(values)
    return Settings(data_dir=tmp_path, **fields)  # type: ignore[arg-type]


def test_the_environment_value_comes_first(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("from-file\n")
    settings = _settings(
        tmp_path, key_passphrase=SecretStr("from-env"), key_passphrase_file=tmp_path / "file"
    )
    assert resolve_passphrase(settings) == b"from-env"
    assert "from-env" not in repr(settings)


def test_then_the_named_file_without_its_trailing_newline(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("from file\r\n")
    create_passphrase_file(_settings(tmp_path))
    settings = _settings(tmp_path, key_passphrase_file=tmp_path / "file")
    assert resolve_passphrase(settings) == b"from file"


def test_then_the_default_file_which_init_creates_owner_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert not passphrase_configured(settings)
    with pytest.raises(KeyPassphraseError, match="RIGHTSMARK_KEY_PASSPHRASE"):
        resolve_passphrase(settings)
    path = create_passphrase_file(settings)
    assert path == tmp_path / "key-passphrase"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert passphrase_configured(settings)
    assert len(resolve_passphrase(settings)) == 43  # 32 random bytes, URL-safe base64
    with pytest.raises(FileExistsError):
        create_passphrase_file(settings)


@pytest.mark.parametrize("content", ["", "\n", "   \n"])
def test_an_empty_passphrase_is_refused(tmp_path: Path, content: str) -> None:
    (tmp_path / "file").write_text(content)
    with pytest.raises(KeyPassphraseError, match="empty"):
        resolve_passphrase(_settings(tmp_path, key_passphrase_file=tmp_path / "file"))
    with pytest.raises(KeyPassphraseError, match="empty"):
        resolve_passphrase(_settings(tmp_path, key_passphrase=SecretStr(content)))


def test_a_missing_named_file_is_a_clear_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path, key_passphrase_file=tmp_path / "nope")
    with pytest.raises(KeyPassphraseError, match="cannot read"):
        resolve_passphrase(settings)
