"""Where the specifications' published test vectors live: `<repo>/../shared/conformance`.

CI clones the repository beside `shared/`, as on the development machines. A missing folder
is an error, never a skip: conformance is the point of these tests.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.paths import PROJECT_ROOT

CONFORMANCE_DIR = (PROJECT_ROOT / ".." / "shared" / "conformance").resolve()


def conformance_files(pattern: str) -> list[Path]:
    """Vector files matching a glob under CONFORMANCE_DIR; raises if there are none."""
    if not CONFORMANCE_DIR.is_dir():
        raise FileNotFoundError(
            f"conformance vectors not found at {CONFORMANCE_DIR}: clone or copy the shared "
            "folder beside the repository (<repo>/../shared/conformance)"
        )
    files = sorted(CONFORMANCE_DIR.glob(pattern))
    if not files:
        raise FileNotFoundError(f"no conformance vectors match {pattern!r} in {CONFORMANCE_DIR}")
    return files


def conformance_file(relative: str) -> Path:
    """One vector file; raises with the path when it is missing."""
    (path,) = conformance_files(relative)
    return path
