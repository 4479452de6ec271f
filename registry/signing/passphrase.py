"""Where the signing-key passphrase comes from, and how `init` creates one.

In order: RIGHTSMARK_KEY_PASSPHRASE; else the file named by RIGHTSMARK_KEY_PASSPHRASE_FILE;
else `<data_dir>/key-passphrase` if it exists. Nothing found, or an empty passphrase, is a
`KeyPassphraseError` that names the settings to use. The passphrase is never logged.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from registry.settings import Settings, get_settings
from registry.signing.errors import KeyPassphraseError

PASSPHRASE_FILE_NAME = "key-passphrase"  # noqa: S105 - a file name, not a secret


def default_passphrase_file(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / PASSPHRASE_FILE_NAME


def _read_file(path: Path, setting: str) -> bytes:
    try:
        value = path.read_bytes().rstrip(b"\r\n")
    except OSError as exc:
        raise KeyPassphraseError(
            f"cannot read the key passphrase file {path} ({setting}): {exc.strerror}"
        ) from exc
    if not value.strip():
        raise KeyPassphraseError(f"the key passphrase file {path} ({setting}) is empty")
    return value


def passphrase_configured(settings: Settings | None = None) -> bool:
    """Whether a passphrase source exists (it may still be empty or unreadable)."""
    settings = settings or get_settings()
    return (
        settings.key_passphrase is not None
        or settings.key_passphrase_file is not None
        or default_passphrase_file(settings).exists()
    )


def resolve_passphrase(settings: Settings | None = None) -> bytes:
    """The passphrase that encrypts the signing keys (see the module docstring)."""
    settings = settings or get_settings()
    if settings.key_passphrase is not None:
        value = settings.key_passphrase.get_secret_value()
        if not value.strip():
            raise KeyPassphraseError("RIGHTSMARK_KEY_PASSPHRASE is set but empty")
        return value.encode("utf-8")
    if settings.key_passphrase_file is not None:
        return _read_file(settings.key_passphrase_file, "RIGHTSMARK_KEY_PASSPHRASE_FILE")
    default = default_passphrase_file(settings)
    if default.exists():
        return _read_file(default, "the default passphrase file")
    raise KeyPassphraseError(
        "no signing-key passphrase: set RIGHTSMARK_KEY_PASSPHRASE or "
        f"RIGHTSMARK_KEY_PASSPHRASE_FILE, or run `rightsmark init` to create {default}"
    )


def create_passphrase_file(settings: Settings | None = None) -> Path:
    """Write 32 random bytes (URL-safe base64) to `<data_dir>/key-passphrase`, owner-only
    from the first byte. Refuses to overwrite an existing file (FileExistsError)."""
    path = default_passphrase_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(secrets.token_urlsafe(32) + "\n")
    return path
