"""`rightsmark serve --workers N`: N server processes, each accepting on its own socket.

uvicorn's own workers share one listening socket, and whichever process is quickest to
accept takes the next connection. Clients that keep their connections open (browsers,
proxies, load balancers, `wrk`) therefore mostly end up on one process: measured under
`make bench` figure 7, 63 of 64 keep-alive connections sat on one worker while the other
idled, and one request in ten waited over a second. Here each process binds its own socket
with `SO_REUSEPORT`, so the kernel spreads connections evenly across them. This process
only supervises: it restarts a worker that dies, and stops them all on SIGINT or SIGTERM.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import sys
import time
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import Any, Final

import uvicorn

BACKLOG: Final = 2048
# A worker that exits with an error sooner than this after its start could not start at all
# (a broken configuration, say): stop instead of restarting it forever. One killed by a
# signal is replaced whenever it dies.
STARTUP_SECONDS: Final = 5.0


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except BaseException:
        sock.close()
        raise
    return sock


def _worker(options: dict[str, Any]) -> None:
    sock = listening_socket(options["host"], options["port"])
    sock.listen(BACKLOG)
    uvicorn.Server(uvicorn.Config(**options)).run(sockets=[sock])


def run(workers: int, **options: Any) -> int:
    """Serve with `workers` processes (uvicorn.Config `options`); the exit status."""
    if workers <= 1 or not hasattr(socket, "SO_REUSEPORT"):
        uvicorn.run(**options, workers=workers)
        return 0
    # Fail here, with one clear error, if the address is taken by another kind of server.
    try:
        listening_socket(options["host"], options["port"]).close()
    except OSError as exc:
        address = f"{options['host']}:{options['port']}"
        print(f"error: cannot listen on {address}: {exc.strerror}", file=sys.stderr)
        return 1
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker
    stopping = False

    def stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    def start() -> tuple[BaseProcess, float]:
        process = context.Process(target=_worker, args=(options,), name="rightsmark-worker")
        process.start()
        return process, time.monotonic()

    running = [start() for _ in range(workers)]
    status = 0
    while not stopping:
        time.sleep(0.2)
        for n, (process, started) in enumerate(running):
            if process.is_alive() or stopping:
                continue
            failed = (process.exitcode or 0) > 0  # an error, not a signal
            if failed and time.monotonic() - started < STARTUP_SECONDS:
                status, stopping = 1, True  # it could not start: neither will another
                break
            running[n] = start()  # it died serving: the others carry on meanwhile
    for process, _ in running:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests under way
    for process, _ in running:
        process.join()
    return status
