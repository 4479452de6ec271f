"""The registry's public URLs: one builder per public path, so a path is spelled once.

Each path is a `PublicPath` whose template is the app's route with the parameter types left
out (`/credentials/{certificate_id}` for the route `/credentials/{certificate_id:str}`); a
test builds the app and checks every template here names one of its routes, so renaming a
route without its builder fails. Parameters are percent-encoded (the ids, slugs and versions
the registry makes need no encoding; a value read from a foreign credential may).

`*_path` builders answer the path alone (what messages and links within the site use);
`*_url` builders prefix a public base URL: RIGHTSMARK_PUBLIC_URL unless `base` is given
(the verify command's `--registry`). The trust kernel cannot read settings, so its context
URL function (`registry.trust.contexts.registry_context_url`) stays there, pure, and
`context_url` here reuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

from registry.trust.contexts import registry_context_url


@dataclass(frozen=True)
class PublicPath:
    """A public path template, `{name}` for each parameter of its route."""

    template: str

    def path(self, **params: str | int) -> str:
        return self.template.format_map(
            {name: quote(str(value), safe="") for name, value in params.items()}
        )

    @property
    def prefix(self) -> str:
        """The constant part before the first parameter (`/credentials/`)."""
        return self.template.partition("{")[0]


# --- the public paths -------------------------------------------------------------------------

CREDENTIAL: Final = PublicPath("/credentials/{certificate_id}")
CONTEXT: Final = PublicPath("/contexts/rightsmark/v1")
DID_DOCUMENT: Final = PublicPath("/.well-known/did.json")
STATUS_LIST: Final = PublicPath("/api/v1/status/{purpose}/{number}")
STANDARD_VERSION: Final = PublicPath("/api/v1/standards/{slug}/versions/{version}")
LOG_PROOF: Final = PublicPath("/api/v1/certificates/{certificate}/log-proof")
LOG_KEY: Final = PublicPath("/log/key")
LOG_CHECKPOINT: Final = PublicPath("/log/checkpoint")
LOG_ENTRIES: Final = PublicPath("/log/entries")
LOG_CONSISTENCY: Final = PublicPath("/log/proof/consistency")
PROVIDERS: Final = PublicPath("/api/v1/providers")
PROVIDER: Final = PublicPath("/api/v1/providers/{provider_id}")
EVIDENCE: Final = PublicPath("/api/v1/evidence/{sha256}")
AMENDMENTS: Final = PublicPath("/api/v1/assessments/{assessment_id}/amendments")
CERTIFICATE_PAGE: Final = PublicPath("/certificates/{ref}")
PROVIDER_PAGE: Final = PublicPath("/providers/{provider_id}")
# The status feeds (docs/notifications.md), each as Atom and as JSON Feed.
FEED_ATOM: Final = PublicPath("/feeds/status.atom")
FEED_JSON: Final = PublicPath("/feeds/status.json")
PROVIDER_FEED_ATOM: Final = PublicPath("/feeds/providers/{provider_id}/status.atom")
PROVIDER_FEED_JSON: Final = PublicPath("/feeds/providers/{provider_id}/status.json")
COUNTRY_FEED_ATOM: Final = PublicPath("/feeds/countries/{country}/status.atom")
COUNTRY_FEED_JSON: Final = PublicPath("/feeds/countries/{country}/status.json")
# The open data exports (docs/open-data.md): the index page and each export's files.
OPEN_DATA: Final = PublicPath("/open-data")
OPEN_DATA_FILE: Final = PublicPath("/open-data/{export_name}/{name}")
UNSUBSCRIBE: Final = PublicPath("/unsubscribe/{token}")
# Not public to read (its owner, the secretariat, the assigned auditor), but a path all the same.
SELF_ASSESSMENT: Final = PublicPath("/api/v1/self-assessments/{self_assessment_id}")

ALL: Final = (
    CREDENTIAL,
    CONTEXT,
    DID_DOCUMENT,
    STATUS_LIST,
    STANDARD_VERSION,
    LOG_PROOF,
    LOG_KEY,
    LOG_CHECKPOINT,
    LOG_ENTRIES,
    LOG_CONSISTENCY,
    PROVIDERS,
    PROVIDER,
    EVIDENCE,
    AMENDMENTS,
    CERTIFICATE_PAGE,
    PROVIDER_PAGE,
    FEED_ATOM,
    FEED_JSON,
    PROVIDER_FEED_ATOM,
    PROVIDER_FEED_JSON,
    COUNTRY_FEED_ATOM,
    COUNTRY_FEED_JSON,
    OPEN_DATA,
    OPEN_DATA_FILE,
    SELF_ASSESSMENT,
    UNSUBSCRIBE,
)


def public_base(base: str | None = None) -> str:
    """`base` without a trailing slash, or RIGHTSMARK_PUBLIC_URL (already without one)."""
    if base is not None:
        return base.rstrip("/")
    from registry.settings import get_settings  # here: `rightsmark verify` reads no settings

    return get_settings().public_url


# --- paths ------------------------------------------------------------------------------------


def providers_path() -> str:
    return PROVIDERS.path()


def evidence_path(sha256: str) -> str:
    return EVIDENCE.path(sha256=sha256)


def amendments_path(assessment_id: str) -> str:
    return AMENDMENTS.path(assessment_id=assessment_id)


def certificate_page_path(code: str) -> str:
    return CERTIFICATE_PAGE.path(ref=code)


def self_assessment_path(self_assessment_id: str) -> str:
    return SELF_ASSESSMENT.path(self_assessment_id=self_assessment_id)


# --- absolute URLs ----------------------------------------------------------------------------


def credential_url(certificate_id: str, base: str | None = None) -> str:
    """A certificate's credential id, where the signed credential is served."""
    return public_base(base) + CREDENTIAL.path(certificate_id=certificate_id)


def credentials_prefix(base: str | None = None) -> str:
    """What every credential id of this registry starts with: `<base>/credentials/`."""
    return public_base(base) + CREDENTIAL.prefix


def context_url(base: str | None = None) -> str:
    """The registry's JSON-LD context (`registry.trust.contexts.registry_context_url`)."""
    return registry_context_url(public_base(base))


def did_document_url(base: str | None = None) -> str:
    return public_base(base) + DID_DOCUMENT.path()


def status_list_url(purpose: str, number: int, base: str | None = None) -> str:
    return public_base(base) + STATUS_LIST.path(purpose=purpose, number=number)


def standard_version_url(slug: str, version: str, base: str | None = None) -> str:
    return public_base(base) + STANDARD_VERSION.path(slug=slug, version=version)


def log_proof_url(certificate_id: str, base: str | None = None) -> str:
    return public_base(base) + LOG_PROOF.path(certificate=certificate_id)


def provider_url(provider_id: str, base: str | None = None) -> str:
    """A provider's public record in the API (its licences and how each was checked)."""
    return public_base(base) + PROVIDER.path(provider_id=provider_id)


def log_key_url(base: str | None = None) -> str:
    return public_base(base) + LOG_KEY.path()


def log_origin(base: str | None = None) -> str:
    """The log's checkpoint origin and key name: where its routes live (`/log/...`) without
    the scheme (`http://127.0.0.1:8000` -> `127.0.0.1:8000/log`), as tlog-checkpoint advises."""
    parts = urlsplit(public_base(base) + LOG_KEY.template.rpartition("/")[0])
    return f"{parts.netloc}{parts.path}"


def certificate_page_url(code: str, base: str | None = None) -> str:
    """The certificate's page, what its QR code encodes."""
    return public_base(base) + certificate_page_path(code)


def provider_page_url(provider_id: str, base: str | None = None) -> str:
    """A provider's public page (its certificates and their histories)."""
    return public_base(base) + PROVIDER_PAGE.path(provider_id=provider_id)


_FEEDS: Final = {
    ("all", "atom"): FEED_ATOM,
    ("all", "json"): FEED_JSON,
    ("provider", "atom"): PROVIDER_FEED_ATOM,
    ("provider", "json"): PROVIDER_FEED_JSON,
    ("country", "atom"): COUNTRY_FEED_ATOM,
    ("country", "json"): COUNTRY_FEED_JSON,
}


def feed_path(fmt: str, scope: str = "all", value: str = "") -> str:
    """A status feed: `fmt` atom or json; `scope` all, provider (`value` its id) or country
    (`value` its ISO code)."""
    path = _FEEDS[(scope, fmt)]
    if scope == "provider":
        return path.path(provider_id=value)
    if scope == "country":
        return path.path(country=value)
    return path.path()


def feed_url(fmt: str, scope: str = "all", value: str = "", base: str | None = None) -> str:
    return public_base(base) + feed_path(fmt, scope, value)


def open_data_file_url(export: str, name: str, base: str | None = None) -> str:
    """A file of an open data export (`export` its date, or `latest`)."""
    return public_base(base) + OPEN_DATA_FILE.path(export_name=export, name=name)


def unsubscribe_url(token: str, base: str | None = None) -> str:
    """One-click unsubscribe from e-mail alerts (RFC 8058): GET confirms, POST ends."""
    return public_base(base) + UNSUBSCRIBE.path(token=token)
