"""A real server process in its own process group, torn down always.

The Rightsmark contract: with `RIGHTSMARK_DATA_DIR` and `RIGHTSMARK_PORT` set, `rightsmark
init` prepares the data directory and `rightsmark serve` serves on 127.0.0.1:<port> until
signalled. `running_server` works for any command that serves HTTP on the given port, which
is how the smoke test drives the stand-in app.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from bench import PROJECT_ROOT


class ServerError(RuntimeError):
    """The server could not be prepared or did not come up healthy."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def rightsmark_command() -> str | None:
    """The `rightsmark` console script beside this interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "rightsmark"
    return str(beside) if beside.exists() else shutil.which("rightsmark")


def _tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(text[-lines:])


def _stop(process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """SIGTERM the whole process group, then SIGKILL whatever is left of it."""
    if process.poll() is not None:
        # The leader is gone; children in its group may not be.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=grace)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=grace)


def run_step(command: Sequence[str], env: Mapping[str, str], log: Path, timeout: float) -> None:
    """Run a preparation command to completion in its own group; ServerError if it fails."""
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - our own console script, no shell
            list(command),
            cwd=PROJECT_ROOT,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise ServerError(f"{' '.join(command)} took over {timeout:.0f}s") from None
        finally:
            _stop(process)
    if code != 0:
        raise ServerError(f"{' '.join(command)} exited {code}: {_tail(log)}")


def wait_healthy(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(timeout=2.0) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerError(f"server exited {process.returncode}: {_tail(log)}")
            try:
                response = client.get(url)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                last = type(exc).__name__
            time.sleep(0.1)
    raise ServerError(f"{url} not healthy after {timeout:.0f}s ({last}): {_tail(log)}")


@contextmanager
def running_server(
    serve: Sequence[str],
    port: int,
    *,
    env: Mapping[str, str] | None = None,
    prepare: Sequence[Sequence[str]] = (),
    health_path: str = "/health",
    log: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """Run `prepare` commands, start `serve`, yield its base URL once healthy; always stop it."""
    environment = {**os.environ, **(env or {})}
    with tempfile.TemporaryDirectory(prefix="rightsmark-bench-log-") as scratch:
        log_path = log or Path(scratch) / "server.log"
        for step in prepare:
            run_step(step, environment, log_path, timeout=180.0)
        base = f"http://127.0.0.1:{port}"
        with log_path.open("ab") as out:
            process = subprocess.Popen(  # noqa: S603 - our own console script, no shell
                list(serve),
                cwd=PROJECT_ROOT,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_healthy(base + health_path, process, log_path, timeout)
            yield base
        finally:
            _stop(process)


@contextmanager
def rightsmark_server(
    timeout: float = 60.0, *, demo: bool = False, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """`rightsmark init` then `rightsmark serve` in a fresh temporary data directory.

    `demo` seeds the demo data set (`init --demo`: providers, assessments, decisions and
    signed certificates in every state, all through the registry's own services). The
    signing-key passphrase is a throwaway one unless RIGHTSMARK_KEY_PASSPHRASE is set.
    """
    command = rightsmark_command()
    if command is None:
        raise ServerError("the `rightsmark` command is not installed (pip install -e .)")
    with tempfile.TemporaryDirectory(prefix="rightsmark-bench-") as data_dir:
        port = free_port()
        environment = {
            "RIGHTSMARK_DATA_DIR": data_dir,
            "RIGHTSMARK_PORT": str(port),
            "RIGHTSMARK_HOST": "127.0.0.1",
            "RIGHTSMARK_PUBLIC_URL": f"http://127.0.0.1:{port}",
            "RIGHTSMARK_KEY_PASSPHRASE": os.environ.get("RIGHTSMARK_KEY_PASSPHRASE")
            or secrets.token_urlsafe(24),
            **(env or {}),
        }
        with running_server(
            [command, "serve"],
            port,
            env=environment,
            prepare=[[command, "init", "--demo"] if demo else [command, "init"]],
            log=Path(data_dir) / "bench-server.log",
            timeout=timeout,
        ) as base:
            yield base
