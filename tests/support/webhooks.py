"""A real HTTP receiver for webhook tests, and the settings that let the registry reach it.

`receiver()` runs a threaded `http.server` on a free port of 127.0.0.1 and records every
request (headers and body bytes) in arrival order; `receiver.down = True` makes it answer
503, as a receiver in maintenance would. `registry_env(...)` sets RIGHTSMARK_* variables for
this process until the block ends (settings are cached, so the cache is cleared both ways).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    arrived: float = field(default_factory=time.time)  # for the benchmark's lag figure


@dataclass
class Receiver:
    port: int
    down: bool = False
    requests: list[Received] = field(default_factory=list)
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


@contextmanager
def receiver() -> Iterator[Receiver]:
    state = Receiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            with state.lock:
                if state.down:
                    state.refused += 1
                    status = 503
                else:
                    state.requests.append(
                        Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                    )
                    status = 204
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet test output

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def registry_env(**values: str) -> Iterator[None]:
    """RIGHTSMARK_<NAME>=value for each keyword (name upper-cased) until the block ends."""
    from registry.settings import get_settings

    names = {f"RIGHTSMARK_{k.upper()}": v for k, v in values.items()}
    saved = {name: os.environ.get(name) for name in names}
    os.environ.update(names)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
