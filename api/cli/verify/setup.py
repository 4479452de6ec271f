"""What one `rightsmark verify` run checks certificates against, and the check itself.

The trust anchor is the registry's DID document (`--did`, or fetched from `--registry`);
status list credentials are the ones given (`--status`), else fetched from the URL a
certificate names; with `--registry` the standard a certificate names is looked up there.
After the engine's checks comes `log`: the certificate's issuance in the registry's
transparency log, from a given or fetched tlog-proof bundle checked against the log's note key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import click

from api.cli.verify.sources import Fetcher, InputError, is_url
from registry import urls
from registry.signing.keys import did_web
from registry.trust.signed_note import parse_tlog_proof
from registry.trust.verify.engine import (
    Check,
    IssuerTrust,
    IssuerTrustError,
    Verdict,
    verify_certificate,
    with_check,
)
from registry.trust.verify.licences import licence_states, with_licences
from registry.trust.verify.log import certificate_id, check_log


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
            return urls.context_url(self.registry)
        candidates = [urls.context_url(url) for url in _public_urls(self.trust.did)]
        context = credential.get("@context") if isinstance(credential, dict) else None
        for candidate in candidates:
            if isinstance(context, list) and candidate in context:
                return candidate
        return candidates[0] if candidates else ""

    def status_list(self, url: str) -> Any:
        if url in self.given_lists:
            return self.given_lists[url]
        if not is_url(url):  # the engine asks only for http(s) URLs; never read a path
            return None
        return self.fetcher.json_or_none(url)

    def _standard(self, slug: str, version: str) -> tuple[str, str] | None:
        """(status, digest) of a standard version as the registry serves it; ("", "") when
        it does not serve it; None when it cannot be asked."""
        key = (slug, version)
        if key not in self._published:
            assert self.registry is not None
            url = urls.standard_version_url(slug, version, self.registry)
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
        return self.with_licences(with_check(verdict, self.log_check(credential)))

    def with_licences(self, verdict: Verdict) -> Verdict:
        """With --registry: the provider's licences from its public record there, each with
        its check and when it was last checked. Offline there are none to show."""
        provider = (verdict.certificate or {}).get("provider") or {}
        provider_id = provider.get("id")
        if self.registry is None or not isinstance(provider_id, str):
            return verdict
        try:
            record = self.fetcher.json(urls.provider_url(provider_id[:12], self.registry))
        except InputError:
            return verdict
        if not isinstance(record, dict):
            return verdict
        return with_licences(verdict, licence_states(record.get("licences")))

    # --- the log check ---

    def log_key(self) -> str:
        """The note verifier key: given literally, in a file, at a URL, or the registry's
        `/log/key`; read once per run."""
        if self._log_key is None:
            source = self.log_key_source
            if source is None and self.registry is not None:
                source = urls.log_key_url(self.registry)
            try:
                if source is None:
                    raise InputError("no log key (--log-key, or --registry to fetch it)")
                if is_url(source) or Path(source).is_file():
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
        url = urls.log_proof_url(public_id, self.registry)
        return self.fetcher.read(url).decode("utf-8", "replace")

    def log_check(self, credential: object) -> Check:
        try:
            bundle = self._bundle(certificate_id(credential))
            key = self.log_key()
        except InputError as exc:
            return check_log(credential, None, None, f"Not checked: {exc}.")
        return check_log(credential, bundle, key)


def build_setup(
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
    """The run's set-up from the command's options: click.UsageError for options that do
    not fit together, InputError for a document that cannot be read or is not what it
    should be."""
    if registry is not None:
        registry = registry.rstrip("/")
        if not is_url(registry):
            raise click.UsageError("--registry must be an http(s) URL")
    if did_source is None:
        if registry is None:
            raise click.UsageError("give the issuer's DID document (--did) or --registry URL")
        did_source = urls.did_document_url(registry)
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
