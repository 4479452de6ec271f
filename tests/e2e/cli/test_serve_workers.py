"""`rightsmark serve --workers 2` (`api.cli.serving`): two processes, each accepting on its own
socket, so that keep-alive clients are spread over both; a worker that dies is replaced, and
SIGTERM stops them all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.e2e.faults.harness import registry

pytestmark = pytest.mark.e2e


def _workers(server_pid: int) -> list[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(server_pid), "-f", "spawn_main"],
        capture_output=True,
        text=True,
        check=False,
    )
    return sorted(int(pid) for pid in found.stdout.split())


def _owners(port: int) -> Counter[str]:
    """Which process holds each established connection to `port`."""
    listed = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return Counter(part.split(",")[0] for part in listed.split("pid=")[1:])


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_connections_are_spread_and_a_dead_worker_is_replaced(tmp_path: Path) -> None:
    with registry("sqlite", tmp_path / "registry", workers=2) as server:
        server.start()
        assert server.process is not None
        supervisor = server.process.pid
        _wait_for(lambda: len(_workers(supervisor)) == 2)
        port = int(server.url.rsplit(":", 1)[1])
        clients = [httpx.Client(base_url=server.url, timeout=10) for _ in range(32)]
        try:
            for client in clients:  # 32 keep-alive connections, each opened once
                assert client.get("/health/live").status_code == 200
            owners = _owners(port)
            assert len(owners) == 2, owners
            assert min(owners.values()) >= 4, owners  # not all on the quickest acceptor
        finally:
            for client in clients:
                client.close()

        victim = _workers(supervisor)[0]
        os.kill(victim, signal.SIGKILL)
        _wait_for(lambda: len(_workers(supervisor)) == 2 and victim not in _workers(supervisor))
        _wait_for(lambda: httpx.get(f"{server.url}/health/live").status_code == 200)

        workers = _workers(supervisor)
        server.process.send_signal(signal.SIGTERM)  # the supervisor alone: it stops them
        assert server.process.wait(timeout=20) == 0
        _wait_for(lambda: not any(Path(f"/proc/{pid}").exists() for pid in workers))
        server.process = None


def test_an_address_in_use_is_one_clear_error(tmp_path: Path) -> None:
    with registry("sqlite", tmp_path / "registry", workers=2) as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", port))
            taken.listen()
            answer = server.cli("serve", "--workers", "2")
        assert answer.returncode == 1
        assert f"error: cannot listen on 127.0.0.1:{port}: Address already in use" in answer.stderr
        assert "Traceback" not in answer.stderr
