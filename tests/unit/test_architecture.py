"""The import contracts bite: one wrong-way import in a copy of the code breaks the contract
that forbids it, and the unmodified copy keeps every contract.

Each case copies the packages and pyproject.toml into a temporary folder, adds one import
at the end of one module and runs the virtualenv's `lint-imports` there. No database, no
app import: only files and a subprocess.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.paths import PROJECT_ROOT

PACKAGES = ("api", "registry", "audits", "standards")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
CONTRACTS: dict[str, str] = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["tool"][
        "importlinter"
    ]["contracts"]
}

# (module file, the wrong-way import added to it, the contract that must then break)
WRONG_WAY = [
    pytest.param(
        "registry/trust/merkle.py",
        "import registry.db.database",
        "trust-kernel",
        id="trust-kernel-imports-the-database",
    ),
    pytest.param(
        "api/cli/support.py", "import api.http", "entry-points", id="cli-imports-the-http-api"
    ),
    pytest.param(
        "standards/model.py",
        "import registry.settings",
        "layers",
        id="standards-import-the-registry",
    ),
]


def _copy(destination: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            PROJECT_ROOT / package,
            destination / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
        )
    shutil.copy2(PROJECT_ROOT / "pyproject.toml", destination / "pyproject.toml")
    return destination


def _lint_imports(root: Path) -> tuple[int, str]:
    if not LINT_IMPORTS.exists():
        pytest.fail(f"needs import-linter's lint-imports beside the interpreter: {LINT_IMPORTS}")
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "300"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # contract names wrap in narrow terminals: compare with every run of whitespace as one space
    return done.returncode, re.sub(r"\s+", " ", done.stdout + done.stderr)


def test_the_unmodified_copy_keeps_every_contract(tmp_path: Path) -> None:
    code, output = _lint_imports(_copy(tmp_path))
    assert code == 0, output
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in output, output


@pytest.mark.parametrize(("module", "statement", "contract"), WRONG_WAY)
def test_a_wrong_way_import_breaks_its_contract(
    tmp_path: Path, module: str, statement: str, contract: str
) -> None:
    root = _copy(tmp_path)
    target = root / module
    target.write_text(target.read_text() + f"\n{statement}  # the wrong way\n")

    code, output = _lint_imports(root)

    assert code != 0, output
    assert f"{CONTRACTS[contract]} BROKEN" in output, output
    assert statement.split()[-1] in output, output  # the offending import is named
