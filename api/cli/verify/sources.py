"""Where `rightsmark verify` reads its documents from: files, standard input and http(s) URLs.

Every read has a size limit (`MAX_BYTES`) and every fetch a timeout (for the whole body); each
URL is fetched at most once per run. A document that cannot be had raises `InputError` (exit
code 2 for the command). Also here: the certificates a `--batch` folder or CSV names, and
loading many of them, URLs concurrently.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    import httpx

MAX_BYTES: Final = 1_048_576  # the largest document fetched or read: 1 MiB
MAX_REDIRECTS: Final = 5
FETCH_WORKERS: Final = 8  # concurrent credential downloads in --batch
ACCEPT: Final = "application/vc, application/ld+json;q=0.9, application/json;q=0.8"


class InputError(Exception):
    """A document that cannot be read, fetched or parsed: exit code 2."""


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class Fetcher:
    """Reads files, stdin and http(s) URLs with a size limit; each URL at most once per run."""

    def __init__(self, *, timeout: float, offline: bool) -> None:
        self.offline = offline
        self.timeout = timeout
        # Made on the first fetch: a run of files only (or --offline) never imports httpx.
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()  # --batch fetches from several threads
        self._cache: dict[str, bytes | InputError] = {}

    def _http(self) -> httpx.Client:
        with self._client_lock:
            if self._client is None:
                import httpx

                self._client = httpx.Client(
                    timeout=httpx.Timeout(self.timeout),
                    follow_redirects=True,
                    max_redirects=MAX_REDIRECTS,
                    headers={"Accept": ACCEPT, "User-Agent": "rightsmark-verify"},
                    event_hooks={"response": [_only_to_the_same_origin]},
                )
            return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    def read(self, source: str) -> bytes:
        """The bytes of a path, `-` (stdin) or an http(s) URL (fetched once, then cached)."""
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            return _limited(data, "standard input")
        if is_url(source):
            cached = self._cache.get(source)
            if cached is None:
                try:
                    cached = self._fetch(source)
                except InputError as exc:
                    cached = exc
                self._cache[source] = cached
            if isinstance(cached, InputError):
                raise cached
            return cached
        path = Path(source)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise InputError(f"{source}: cannot read ({exc.strerror or exc})") from None
        return _limited(data, source)

    def _fetch(self, url: str) -> bytes:
        if self.offline:
            raise InputError(f"{url}: not fetched (--offline)")
        import httpx

        client = self._http()
        deadline = time.monotonic() + self.timeout  # for the whole body, not each read
        try:
            with client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise InputError(f"{url}: HTTP {response.status_code}")
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > MAX_BYTES:
                    raise InputError(f"{url}: larger than {MAX_BYTES} bytes")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise InputError(f"{url}: larger than {MAX_BYTES} bytes")
                    if time.monotonic() > deadline:
                        raise InputError(f"{url}: timed out")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.TimeoutException:
            raise InputError(f"{url}: timed out") from None
        except httpx.HTTPError as exc:
            raise InputError(f"{url}: {type(exc).__name__}: {exc}") from None

    def json(self, source: str) -> Any:
        return _parse_json(self.read(source), source)

    def json_or_none(self, url: str) -> Any:
        """For the engine's status list source: None (unavailable) instead of an error."""
        try:
            return self.json(url)
        except InputError:
            return None


def _only_to_the_same_origin(response: httpx.Response) -> None:
    """A redirect is followed only to the origin that was asked (or from http to https on
    the same host): a document a credential names must not send the verifier elsewhere,
    to a database port on the verifier's own machine, say."""
    if not response.is_redirect:
        return
    asked = response.request.url
    target = asked.join(response.headers.get("location", ""))
    upgrade = asked.scheme == "http" and target.scheme == "https"
    same = target.host == asked.host and (
        (target.scheme == asked.scheme and target.port == asked.port) or upgrade
    )
    if not same:
        raise InputError(f"{asked}: redirected to another origin ({target.scheme}://{target.host})")


def _limited(data: bytes, name: str) -> bytes:
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: larger than {MAX_BYTES} bytes")
    return data


def _parse_json(data: bytes, name: str) -> Any:
    try:
        return json.loads(data)
    except (ValueError, RecursionError) as exc:
        problem = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(f"{name}: not JSON ({problem})") from None


def batch_sources(path: Path) -> list[str]:
    """Every *.json of a folder, or the certificate URLs of a CSV file."""
    if path.is_dir():
        return [str(p) for p in sorted(path.glob("*.json")) if p.is_file()]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if not rows:
        return []
    header = [cell.strip().lower() for cell in rows[0]]
    column = 0
    if "url" in header:
        column = header.index("url")
        rows = rows[1:]
    elif not is_url(rows[0][0].strip()) and not (path.parent / rows[0][0].strip()).is_file():
        rows = rows[1:]  # some other header
    sources = []
    for row in rows:
        cell = row[column].strip() if column < len(row) else ""
        if not cell:
            continue
        sources.append(cell if is_url(cell) else str(path.parent / cell))
    return sources


def _load(fetcher: Fetcher, source: str) -> tuple[str, Any | InputError]:
    try:
        return source, fetcher.json(source)
    except InputError as exc:
        return source, exc


def load_documents(fetcher: Fetcher, sources: list[str]) -> Iterator[tuple[str, Any | InputError]]:
    """Each source's parsed JSON (or its error), in order; URLs are fetched concurrently."""
    if sum(1 for s in sources if is_url(s)) < 2:
        for source in sources:
            yield _load(fetcher, source)
        return
    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        yield from pool.map(lambda s: _load(fetcher, s), sources)
