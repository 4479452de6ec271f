"""A small fake registry log that tests can make misbehave, served by httpx.MockTransport
or over real HTTP (a threaded http.server) for the command line."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from registry.trust.merkle import MemoryTree
from registry.trust.signed_note import sign_checkpoint, verifier_key
from standards.canonical import canonical_json

ORIGIN = "fake.example/log"


def entry(i: int, kind: str = "certificate.issued") -> str:
    body = {"v": 1, "type": kind, "subject": {"certificate": f"crt_{i:04d}"}}
    return canonical_json(body).decode()


class FakeLog:
    def __init__(self, size: int = 0, key: Ed25519PrivateKey | None = None) -> None:
        self.key = key or Ed25519PrivateKey.generate()
        self.entries: list[str] = []
        self.served: dict[int, str | None] = {}  # tampering: index -> other text, or dropped
        self.grow(size)

    @property
    def verifier_key(self) -> str:
        return verifier_key(ORIGIN, self.key.public_key())

    def grow(self, n: int) -> None:
        self.entries += [entry(len(self.entries) + i) for i in range(n)]

    def tree(self) -> MemoryTree:
        tree = MemoryTree()
        for item in self.entries:
            tree.append(item.encode())
        return tree

    def checkpoint(self) -> str:
        return sign_checkpoint(ORIGIN, len(self.entries), self.tree().root(), self.key)

    def answer(self, path: str, query: dict[str, int]) -> tuple[int, str, str]:
        if path == "/log/checkpoint":
            return 200, "text/plain", self.checkpoint()
        if path == "/log/key":
            return 200, "text/plain", self.verifier_key + "\n"
        if path == "/log/entries":
            start, end = query["start"], min(query.get("end", 10**9), len(self.entries))
            end = min(end, start + 5)  # small pages, to exercise paging
            items = []
            for i in range(start, end):
                text = self.served.get(i, self.entries[i])
                if text is not None:
                    items.append({"index": i, "entry": text})
            body = {"start": start, "end": end, "tree_size": len(self.entries), "entries": items}
            return 200, "application/json", json.dumps(body)
        if path == "/log/proof/consistency":
            proof = self.tree().consistency_proof(query["from"], query["to"])
            b64 = [base64.b64encode(h).decode() for h in proof]
            return 200, "application/json", json.dumps({"hashes": b64})
        return 404, "text/plain", "not found"

    def transport(self) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            query = {k: int(v) for k, v in request.url.params.items()}
            status, media, body = self.answer(request.url.path, query)
            return httpx.Response(status, text=body, headers={"content-type": media})

        return httpx.MockTransport(handle)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=self.transport(), base_url="http://fake.example")

    @contextmanager
    def serve(self) -> Iterator[str]:
        """Serve over real HTTP on a free local port; yields the base URL."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: int(v[0]) for k, v in parse_qs(parts.query).items()}
                status, media, body = fake.answer(parts.path, query)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
