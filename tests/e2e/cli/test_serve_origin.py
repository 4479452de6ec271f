"""`rightsmark serve` refuses a public URL other than the one the certificates were issued
under (issue 16, finding 7): served there, every certificate would fail verification on its
own registry. `--public-url-moved` serves anyway, saying so."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.support.server import cli, free_port, server_env, serving

pytestmark = pytest.mark.e2e


def test_serve_refuses_another_public_url_unless_told_the_move_is_meant(tmp_path: Path) -> None:
    data = tmp_path / "data"
    issued = server_env(data, free_port())
    done = cli("init", "--demo", env=issued)
    assert done.returncode == 0, done.stderr
    elsewhere = server_env(data, free_port())  # another port: another did:web
    refused = cli("serve", env=elsewhere, timeout=60)
    assert refused.returncode == 2
    message = " ".join(refused.stderr.split())
    assert f"RIGHTSMARK_PUBLIC_URL is {elsewhere['RIGHTSMARK_PUBLIC_URL']}" in message
    assert "every one of them would fail verification" in message
    assert "--public-url-moved" in message
    with serving(elsewhere, tmp_path / "moved.log", args=("--public-url-moved",)):
        answer = httpx.get(elsewhere["RIGHTSMARK_PUBLIC_URL"] + "/health", timeout=30)
        assert answer.status_code == 200
    assert "warning: serving as" in (tmp_path / "moved.log").read_text()
    # Where they were issued, nothing to say.
    with serving(issued, tmp_path / "home.log"):
        pass
    assert "warning" not in (tmp_path / "home.log").read_text()
