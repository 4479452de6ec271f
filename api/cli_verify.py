"""`rightsmark verify FILE...`: offline verification of certificates with the one engine.

Needs no database: only the pure verification engine, the pure did:web helper and httpx are
used. The trust anchor is the registry's DID document (`--did` FILE or URL, or fetched from
`--registry`); status list credentials come from `--status` files or URLs, else from the URL a
certificate names (unless `--offline`). Every fetch has a timeout and a size limit, and each
URL is fetched at most once per run.

One more named check, `log`, follows the engine's: the certificate's issuance in the
registry's transparency log, from a tlog-proof bundle (`--log-proof`, or fetched from
`--registry`) checked against the log's note key (`--log-key`, else `<registry>/log/key`).
It is skipped, with the reason, when no bundle can be had.

Exit codes: 0 when every certificate is valid, 1 when any is not, 2 for usage and input
errors (an unreadable file, a bad DID document) - always with a one-line message.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, NoReturn
from urllib.parse import quote, unquote

import click
import httpx
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from api.cli_support import console, err, fail
from registry.certificates.contexts import registry_context_url
from registry.certificates.verification import (
    Check,
    IssuerTrust,
    IssuerTrustError,
    Verdict,
    verify_certificate,
    with_check,
)
from registry.signed_note import parse_tlog_proof
from registry.signing.keys import did_web
from registry.transparency.certificate_check import certificate_id, check_log

MAX_BYTES: Final = 1_048_576  # the largest document fetched or read: 1 MiB
MAX_REDIRECTS: Final = 5
FETCH_WORKERS: Final = 8  # concurrent credential downloads in --batch
ACCEPT: Final = "application/vc, application/ld+json;q=0.9, application/json;q=0.8"
STATUSES: Final = ("valid", "revoked", "suspended", "expired", "not_yet_valid", "invalid")


class InputError(Exception):
    """A document that cannot be read, fetched or parsed: exit code 2."""


# --- reading and fetching ---------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


class Fetcher:
    """Reads files, stdin and http(s) URLs with a size limit; each URL at most once per run."""

    def __init__(self, *, timeout: float, offline: bool) -> None:
        self.offline = offline
        self.timeout = timeout
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=True,
            max_redirects=MAX_REDIRECTS,
            headers={"Accept": ACCEPT, "User-Agent": "rightsmark-verify"},
        )
        self._cache: dict[str, bytes | InputError] = {}

    def close(self) -> None:
        self._client.close()

    def read(self, source: str) -> bytes:
        """The bytes of a path, `-` (stdin) or an http(s) URL (fetched once, then cached)."""
        if source == "-":
            data = sys.stdin.buffer.read(MAX_BYTES + 1)
            return _limited(data, "standard input")
        if _is_url(source):
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
        deadline = time.monotonic() + self.timeout  # for the whole body, not each read
        try:
            with self._client.stream("GET", url) as response:
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


# --- the trust anchor and the context -----------------------------------------------------------


def _public_urls(did: str) -> list[str]:
    """The origins a did:web may stand for (https first, as the method says; http for a
    local registry). Empty for any other DID method."""
    if not did.startswith("did:web:"):
        return []
    host, *segments = did.removeprefix("did:web:").split(":")
    path = "".join("/" + unquote(segment) for segment in segments)
    base = unquote(host) + path
    return [f"https://{base}", f"http://{base}"]


@dataclass
class Setup:
    trust: IssuerTrust
    fetcher: Fetcher
    given_lists: dict[str, Any]
    registry: str | None
    now: datetime
    _published: dict[tuple[str, str], tuple[str, str] | None]
    log_proofs: dict[str, str] = field(default_factory=dict)  # certificate id -> bundle
    log_key_source: str | None = None
    _log_key: str | InputError | None = None

    def context_url(self, credential: object) -> str:
        """The registry context a certificate of this issuer must use."""
        if self.registry is not None:
            return registry_context_url(self.registry)
        candidates = [registry_context_url(url) for url in _public_urls(self.trust.did)]
        context = credential.get("@context") if isinstance(credential, dict) else None
        for candidate in candidates:
            if isinstance(context, list) and candidate in context:
                return candidate
        return candidates[0] if candidates else ""

    def status_list(self, url: str) -> Any:
        if url in self.given_lists:
            return self.given_lists[url]
        if not _is_url(url):  # the engine asks only for http(s) URLs; never read a path
            return None
        return self.fetcher.json_or_none(url)

    def _standard(self, slug: str, version: str) -> tuple[str, str] | None:
        """(status, digest) of a standard version as the registry serves it; ("", "") when
        it does not serve it; None when it cannot be asked."""
        key = (slug, version)
        if key not in self._published:
            assert self.registry is not None
            url = (
                f"{self.registry}/api/v1/standards/{quote(slug, safe='')}"
                f"/versions/{quote(version, safe='')}"
            )
            answer: tuple[str, str] | None
            try:
                body = self.fetcher.json(url)
                answer = (str(body.get("status")), str(body.get("digest")))
            except InputError as exc:
                answer = ("", "") if "HTTP 404" in str(exc) or "HTTP 400" in str(exc) else None
            except AttributeError:
                answer = None
            self._published[key] = answer
        return self._published[key]

    def verify(self, credential: object) -> Verdict:
        subject = credential.get("credentialSubject") if isinstance(credential, dict) else None
        standard = subject.get("standard") if isinstance(subject, dict) else None
        claimed = standard.get("digest") if isinstance(standard, dict) else None

        def is_published(slug: str, version: str) -> bool | None:
            if self.registry is None:
                return None  # nothing to ask: the engine skips the check
            known = self._standard(slug[:64], version[:32])
            if known is None:
                return None
            status, digest = known
            return status in ("published", "retired") and digest == claimed

        verdict = verify_certificate(
            credential,
            trust=self.trust,
            status_lists=self.status_list,
            is_published=is_published,
            now=self.now,
            registry_context_url=self.context_url(credential),
        )
        if verdict.certificate is None:  # not a certificate at all: nothing to look up
            return verdict
        return with_check(verdict, self.log_check(credential))

    # --- the log check ---

    def log_key(self) -> str:
        """The note verifier key: given literally, in a file, at a URL, or the registry's
        `/log/key`; read once per run."""
        if self._log_key is None:
            source = self.log_key_source
            if source is None and self.registry is not None:
                source = f"{self.registry}/log/key"
            try:
                if source is None:
                    raise InputError("no log key (--log-key, or --registry to fetch it)")
                if _is_url(source) or Path(source).is_file():
                    self._log_key = self.fetcher.read(source).decode("utf-8", "replace").strip()
                else:
                    self._log_key = source.strip()
            except InputError as exc:
                self._log_key = exc
        if isinstance(self._log_key, InputError):
            raise self._log_key
        return self._log_key

    def _bundle(self, public_id: str | None) -> str:
        if public_id is not None and public_id in self.log_proofs:
            return self.log_proofs[public_id]
        if self.registry is None:
            if self.log_proofs:  # given, but for another certificate: the check says so
                return next(iter(self.log_proofs.values()))
            raise InputError("no log proof given (--log-proof, or --registry to fetch it)")
        if public_id is None:
            raise InputError("the credential has no certificate id to fetch its log proof")
        url = f"{self.registry}/api/v1/certificates/{quote(public_id, safe='')}/log-proof"
        return self.fetcher.read(url).decode("utf-8", "replace")

    def log_check(self, credential: object) -> Check:
        try:
            bundle = self._bundle(certificate_id(credential))
            key = self.log_key()
        except InputError as exc:
            return check_log(credential, None, None, f"Not checked: {exc}.")
        return check_log(credential, bundle, key)


def _setup(
    *,
    fetcher: Fetcher,
    did_source: str | None,
    issuer: str | None,
    status_sources: tuple[str, ...],
    registry: str | None,
    now: datetime,
    log_proof_sources: tuple[str, ...] = (),
    log_key: str | None = None,
) -> Setup:
    if registry is not None:
        registry = registry.rstrip("/")
        if not _is_url(registry):
            raise click.UsageError("--registry must be an http(s) URL")
    if did_source is None:
        if registry is None:
            raise click.UsageError("give the issuer's DID document (--did) or --registry URL")
        did_source = f"{registry}/.well-known/did.json"
        if issuer is None:
            try:
                issuer = did_web(registry)
            except ValueError as exc:
                raise click.UsageError(f"--registry: {exc}") from None
    document = fetcher.json(did_source)
    expected = issuer
    if expected is None:
        expected = document.get("id") if isinstance(document, dict) else None
        if not isinstance(expected, str):
            raise InputError(f"{did_source}: not a DID document (no id)")
    try:
        trust = IssuerTrust.from_did_document(document, expected)
    except IssuerTrustError as exc:
        raise InputError(f"{did_source}: {exc}") from None
    given: dict[str, Any] = {}
    for source in status_sources:
        status_list = fetcher.json(source)
        list_id = status_list.get("id") if isinstance(status_list, dict) else None
        if not isinstance(list_id, str):
            raise InputError(f"{source}: not a status list credential (no id)")
        given[list_id] = status_list
    setup = Setup(trust, fetcher, given, registry, now, {}, log_key_source=log_key)
    for source in log_proof_sources:  # read now: an unreadable bundle is an input error
        bundle = fetcher.read(source).decode("utf-8", "replace")
        setup.log_proofs.setdefault(_bundle_subject(bundle, source), bundle)
    return setup


def _bundle_subject(bundle: str, source: str) -> str:
    """The certificate a given bundle's entry is about (its key among the bundles), or the
    source itself when it cannot tell: the check then reports what is wrong with it."""
    try:
        entry = json.loads(parse_tlog_proof(bundle).extra or b"{}")
        found = entry.get("subject", {}).get("certificate")
    except Exception:  # not a bundle, or not one of ours: verified (and refused) later
        return source
    return found if isinstance(found, str) else source


# --- sources ------------------------------------------------------------------------------------


def _batch_sources(path: Path) -> list[str]:
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
    elif not _is_url(rows[0][0].strip()) and not (path.parent / rows[0][0].strip()).is_file():
        rows = rows[1:]  # some other header
    sources = []
    for row in rows:
        cell = row[column].strip() if column < len(row) else ""
        if not cell:
            continue
        sources.append(cell if _is_url(cell) else str(path.parent / cell))
    return sources


@dataclass
class Result:
    source: str
    verdict: Verdict | None
    error: str | None = None

    @property
    def status(self) -> str:
        return self.verdict.status if self.verdict is not None else "unreadable"

    @property
    def valid(self) -> bool:
        return self.verdict is not None and self.verdict.valid

    @property
    def reason(self) -> str:
        if self.verdict is not None:
            return self.verdict.reason
        return self.error or "unreadable"

    def to_dict(self) -> dict[str, Any]:
        if self.verdict is not None:
            return {**self.verdict.to_dict(), "source": self.source}
        return {
            "valid": False,
            "status": "unreadable",
            "reason": self.reason,
            "checks": [],
            "certificate": None,
            "source": self.source,
        }


def _load(fetcher: Fetcher, source: str) -> tuple[str, Any | InputError]:
    try:
        return source, fetcher.json(source)
    except InputError as exc:
        return source, exc


def _documents(fetcher: Fetcher, sources: list[str]) -> Iterator[tuple[str, Any | InputError]]:
    """Each source's parsed JSON (or its error), in order; URLs are fetched concurrently."""
    if sum(1 for s in sources if _is_url(s)) < 2:
        for source in sources:
            yield _load(fetcher, source)
        return
    with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
        yield from pool.map(lambda s: _load(fetcher, s), sources)


# --- output ---------------------------------------------------------------------------------------

_STYLE: Final = {"passed": "green", "failed": "bold red", "skipped": "yellow"}


def _describe(verdict: Verdict) -> str:
    summary = verdict.certificate or {}
    provider = summary.get("provider") or {}
    standard = summary.get("standard") or {}
    parts = [
        summary.get("code"),
        provider.get("legalName"),
        " ".join(p for p in (standard.get("slug"), standard.get("version")) if p),
        f"grade {summary['grade']}" if summary.get("grade") else None,
        f"valid until {summary['validUntil']}" if summary.get("validUntil") else None,
    ]
    return ", ".join(escape(str(p)) for p in parts if p)


def _print_verdict(result: Result) -> None:
    verdict = result.verdict
    assert verdict is not None
    if verdict.valid:
        headline = "[bold green]VALID[/]"
    else:
        headline = f"[bold red]NOT VALID ({verdict.status.replace('_', ' ')})[/]"
    console.print(f"{headline}  {escape(result.source)}", highlight=False, soft_wrap=True)
    described = _describe(verdict)
    if described:
        console.print(f"  {described}", highlight=False, soft_wrap=True)
    console.print(f"  {escape(verdict.reason)}", highlight=False, soft_wrap=True)
    table = Table(Column("check", no_wrap=True), Column("result", no_wrap=True), "detail")
    for check in verdict.checks:
        style = _STYLE.get(check.result, "")
        table.add_row(check.name, f"[{style}]{check.result}[/]", escape(check.detail))
    console.print(table)


def _print_summary(results: list[Result]) -> None:
    counts = Counter(result.status for result in results)
    always = ("valid", "revoked", "suspended", "expired", "invalid")
    shown = [name for name in (*STATUSES, "unreadable") if name in always or counts[name]]
    summary = Table(
        *(Column(name.replace("_", " "), justify="right") for name in shown),
        Column("total", justify="right"),
        title="Summary",
    )
    summary.add_row(*(str(counts[name]) for name in shown), str(len(results)))
    console.print(summary)
    failing = [result for result in results if not result.valid]
    if failing:
        table = Table(
            Column("source", overflow="fold"),
            Column("code", no_wrap=True),
            Column("status", no_wrap=True),
            "reason",
            title="Not valid",
        )
        for result in failing:
            code = (result.verdict.certificate or {}).get("code") if result.verdict else None
            table.add_row(
                escape(result.source),
                escape(str(code or "")),
                result.status.replace("_", " "),
                escape(result.reason),
            )
        console.print(table)


def parse_now(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date-time", param_hint="--now"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


# --- the command ----------------------------------------------------------------------------------


@click.command("verify")
@click.argument("files", nargs=-1)
@click.option("--did", "did_source", metavar="FILE|URL", help="The issuer's DID document.")
@click.option(
    "--issuer", metavar="DID", help="The DID the document must be (default: the document's id)."
)
@click.option(
    "--status",
    "status_sources",
    metavar="FILE|URL",
    multiple=True,
    help="A status list credential (repeatable); others are fetched from their URL.",
)
@click.option(
    "--registry",
    metavar="URL",
    help="The registry: its DID document when --did is not given, and the standard check.",
)
@click.option(
    "--log-proof",
    "log_proof_sources",
    metavar="FILE|URL",
    multiple=True,
    help="A transparency-log proof bundle (repeatable; default: fetched from --registry).",
)
@click.option(
    "--log-key",
    metavar="KEY|FILE|URL",
    help="The log's note verifier key (default: <registry>/log/key).",
)
@click.option("--offline", is_flag=True, help="Fetch nothing: status lists not given fail.")
@click.option(
    "--batch",
    "batch",
    type=click.Path(exists=True, path_type=Path),
    help="A folder (every *.json) or a CSV of certificate URLs (column `url`, else the first).",
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--now", "now_text", metavar="ISO-DATETIME", help="Verify as of this time.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 300),
    default=10.0,
    show_default=True,
    help="Seconds allowed for each HTTP fetch.",
)
def verify_command(
    files: tuple[str, ...],
    did_source: str | None,
    issuer: str | None,
    status_sources: tuple[str, ...],
    registry: str | None,
    log_proof_sources: tuple[str, ...],
    log_key: str | None,
    offline: bool,
    batch: Path | None,
    as_json: bool,
    now_text: str | None,
    timeout: float,
) -> None:
    """Verify certificates offline (no database): each FILE is a path, an http(s) URL (e.g.
    the credential's id) or - for standard input. Exit 0 only when every certificate is
    valid, 1 when any is not, 2 on usage or input errors."""
    now = parse_now(now_text)
    if not files and batch is None:
        raise click.UsageError("give at least one FILE or --batch PATH")
    if offline and registry is not None and did_source is None:
        raise click.UsageError("--offline needs the DID document as a file (--did)")
    fetcher = Fetcher(timeout=timeout, offline=offline)
    try:
        try:
            setup = _setup(
                fetcher=fetcher,
                did_source=did_source,
                issuer=issuer,
                status_sources=status_sources,
                registry=registry,
                now=now,
                log_proof_sources=log_proof_sources,
                log_key=log_key,
            )
            if batch is None:
                _single(setup, list(files), as_json)
            sources = list(files) + _batch_sources(batch)
        except InputError as exc:
            fail(str(exc), 2)
        if not sources:
            fail(f"{batch}: no certificates found", 2)
        _batch(setup, sources, as_json)
    finally:
        fetcher.close()


def _single(setup: Setup, sources: list[str], as_json: bool) -> NoReturn:
    documents = [(source, setup.fetcher.json(source)) for source in sources]  # all or exit 2
    results = [Result(source, setup.verify(document)) for source, document in documents]
    if as_json:
        _print_json(results, batch=False)
    else:
        for result in results:
            _print_verdict(result)
        if len(results) > 1:
            valid = sum(1 for result in results if result.valid)
            console.print(f"{valid} valid, {len(results) - valid} not valid")
    sys.exit(0 if all(result.valid for result in results) else 1)


def _batch(setup: Setup, sources: list[str], as_json: bool) -> NoReturn:
    results: list[Result] = []
    progress = Progress(
        TextColumn("verifying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with progress:
        task = progress.add_task("verify", total=len(sources))
        for source, document in _documents(setup.fetcher, sources):
            if isinstance(document, InputError):
                results.append(Result(source, None, str(document)))
            else:
                results.append(Result(source, setup.verify(document)))
            progress.advance(task)
    if as_json:
        _print_json(results, batch=True)
    else:
        _print_summary(results)
    if any(result.verdict is None for result in results):
        sys.exit(2)
    sys.exit(0 if all(result.valid for result in results) else 1)


def _print_json(results: list[Result], *, batch: bool) -> None:
    valid = sum(1 for result in results if result.valid)
    body: dict[str, Any] = {
        "results": [result.to_dict() for result in results],
        "valid": valid,
        "not_valid": len(results) - valid,
    }
    if batch:
        body["counts"] = dict(Counter(result.status for result in results))
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))
