"""Start-up stays short: importing the command line loads no database, web or HTTP stack.

Each check imports in a fresh interpreter (this test process has imported much already) and
reads `sys.modules` there. Nothing here measures time: `make bench` (figure 8) does.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.paths import PROJECT_ROOT

HEAVY = ("piccolo", "litestar", "httpx", "uvicorn", "asyncpg", "aiosqlite")


def imported_after(statement: str) -> set[str]:
    """The top-level packages loaded in a fresh interpreter by `statement`."""
    code = f"{statement}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return {name.split(".")[0] for name in json.loads(done.stdout)} | set(json.loads(done.stdout))


def test_importing_the_command_line_loads_nothing_heavy() -> None:
    loaded = imported_after("import api.cli.main")
    assert not loaded & {*HEAVY, "rich", "pydantic", "pydantic_settings", "cryptography"}
    assert not {"registry.settings", "registry.db", "api.cli.accounts"} & loaded


@pytest.mark.parametrize(
    ("module", "absent"),
    [
        pytest.param(
            "api.cli.verify.command",
            {*HEAVY, "pydantic_settings", "registry.settings"},
            id="verify-needs-no-settings-nor-an-http-client-until-it-fetches",
        ),
        pytest.param("api.cli.audits", {*HEAVY, "rich", "cryptography"}, id="audits"),
    ],
)
def test_offline_commands_load_only_what_they_use(module: str, absent: set[str]) -> None:
    assert not imported_after(f"import {module}") & absent
