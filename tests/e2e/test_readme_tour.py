"""The README's taste, run as written: against a real `rightsmark init --demo` + `serve` (what
`make run` starts), its shell block certifies the demo's assessed application, verifies the new
credential over the API and offline, suspends it, and sees the offline verdict turn."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT
from tests.support.server import registry_server

README = PROJECT_ROOT / "README.md"
MAKE_RUN_URL = "http://127.0.0.1:8000"


def taste_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## A taste") :]
    match = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert match, "README.md's taste has no sh block"
    return match.group(1)


def test_the_taste_is_ten_lines_against_make_runs_address() -> None:
    block = taste_block()
    assert len(block.splitlines()) <= 10
    assert MAKE_RUN_URL in block


@pytest.mark.e2e
@pytest.mark.skipif(not (shutil.which("jq") and shutil.which("curl")), reason="needs jq and curl")
def test_the_readme_taste_runs_as_written(tmp_path: Path) -> None:
    with registry_server(tmp_path / "registry", demo=True) as server:
        # The block runs from "the project root": var/ is this server's data folder.
        root = tmp_path / "root"
        root.mkdir()
        (root / "var").symlink_to(server.data_dir)
        (root / ".venv").symlink_to(PROJECT_ROOT / ".venv")
        script = "set -eo pipefail\n" + taste_block().replace(MAKE_RUN_URL, server.url)
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=root,
            env={**os.environ, **server.env, "COLUMNS": "200"},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    out = done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
    assert '"outcome": "certified"' in out, out
    assert '"valid": true' in out, out
    assert '"status": "valid"' in out, out
    assert re.search(r"^VALID\s+cert\.json", out, re.MULTILINE), out
    assert '"suspended"' in out, out
    assert re.search(r"^NOT VALID \(suspended\)\s+cert\.json", out, re.MULTILINE), out
    assert "exit 1: not valid" in out, out
