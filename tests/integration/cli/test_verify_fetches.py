"""`rightsmark verify` follows a redirect only to the origin it asked (issue 16, finding 5):
a document a credential names cannot send the verifier to another host or port, such as
a database on the verifier's own machine. Real HTTP servers on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from api.cli.verify.sources import Fetcher, InputError

BODY = b'{"ok": true}'


def _server(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _Target(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self) -> None:
        _Target.hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def target() -> Iterator[str]:
    _Target.hits = 0
    yield from _server(_Target)


@pytest.fixture
def redirecting(target: str) -> Iterator[str]:
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/here":
                _Target.do_GET(self)  # type: ignore[arg-type]
                return
            self.send_response(302)
            where = "/here" if self.path == "/same" else f"{target}/elsewhere"
            self.send_header("Location", where)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    yield from _server(Redirect)


def test_a_redirect_to_another_origin_is_not_followed(redirecting: str, target: str) -> None:
    fetcher = Fetcher(timeout=10, offline=False)
    try:
        with pytest.raises(InputError, match="redirected to another origin"):
            fetcher.read(f"{redirecting}/away")
        assert _Target.hits == 0  # the other origin was never asked
        assert fetcher.read(f"{redirecting}/same") == BODY  # the same origin is followed
    finally:
        fetcher.close()
