"""Every setting of the registry, read once from `RIGHTSMARK_*` environment variables.

Each field is documented in the README's configuration table; keep the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RIGHTSMARK_", frozen=True)

    data_dir: Path = Field(
        default=PROJECT_ROOT / "var",
        description="Where the SQLite database, evidence files, keys and first token live.",
    )
    database_url: str = Field(
        default="",
        description="sqlite:///path/to.db or postgresql://user@host:port/db; "
        "empty means SQLite at <data_dir>/rightsmark.sqlite.",
    )
    database_replica_url: str = Field(
        default="",
        description="PostgreSQL only: a standby for public reads, e.g. a multi-host URL with "
        "target_session_attrs=prefer-standby; each read there first checks the standby has "
        "replayed the primary's log far enough, else reads on the primary. Empty: none.",
    )
    host: str = Field(default="127.0.0.1", description="Interface the server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on.")
    public_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public origin of the registry: credential ids and the issuer DID derive "
        "from it.",
    )
    max_body_bytes: int = Field(
        default=1_048_576, ge=1024, description="Largest accepted request body, in bytes."
    )
    evidence_max_bytes: int = Field(
        default=25 * 1024 * 1024,
        ge=1024,
        description="Largest accepted evidence file, in bytes (stored under <data_dir>/evidence).",
    )
    token_ttl_days: int = Field(
        default=90, ge=1, le=3650, description="Default lifetime of a new API token, in days."
    )
    log_level: str = Field(default="info", description="debug, info, warning or error.")
    verify_rate_per_minute: int = Field(
        default=600,
        ge=1,
        description="Requests per minute and client address to POST /api/v1/verify[/batch].",
    )
    search_rate_per_minute: int = Field(
        default=300,
        ge=1,
        description="Requests per minute and client address to the public search: "
        "GET /api/v1/providers and the search page GET /.",
    )
    key_passphrase: SecretStr | None = Field(
        default=None,
        description="Passphrase that encrypts the signing keys at rest. If unset, "
        "key_passphrase_file is read, else <data_dir>/key-passphrase (created by init).",
    )
    key_passphrase_file: Path | None = Field(
        default=None,
        description="File holding the signing-key passphrase (trailing newline ignored); "
        "used when key_passphrase is unset.",
    )
    sign_in_rate_per_minute: int = Field(
        default=10,
        ge=1,
        description="Portal sign-in attempts per minute and client address (POST "
        "/portal/sign-in): a token cannot be guessed, but nobody should get to try.",
    )
    sign_up_rate_per_minute: int = Field(
        default=5,
        ge=1,
        description="Employer sign-ups per minute and client address (POST "
        "/api/v1/employers/sign-up and the sign-up page).",
    )
    supplier_check_rate_per_minute: int = Field(
        default=10,
        ge=1,
        description="Supplier-list uploads per minute and client address (POST "
        "/api/v1/supplier-checks and the supplier-check page).",
    )
    complaint_rate_per_minute: int = Field(
        default=20,
        ge=1,
        description="Requests per minute and client address to the complaint channel that "
        "needs no account: POST /api/v1/complaints and the complainant's routes "
        "(/api/v1/complaints/{reference}..., with the Complaint-Key header).",
    )
    complaint_retention_days: int = Field(
        default=1095,
        ge=30,
        le=36500,
        description="Days a closed complaint's personal data (contact details, description, "
        "messages, file names) is kept after closing; `rightsmark complaints erase --expired` "
        "erases it after that. The transparency log and the counts keep no personal data.",
    )
    appeal_window_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="Days after a refusal, suspension, revocation or complaint outcome within "
        "which it may be appealed.",
    )
    smtp_host: str = Field(
        default="",
        description="SMTP server for e-mail (sign-up confirmations, alerts, digests). Empty: "
        "no server; each message is written as an .eml file under <data_dir>/mail instead.",
    )
    smtp_port: int = Field(default=587, ge=1, le=65535, description="Port of the SMTP server.")
    smtp_starttls: bool = Field(
        default=True, description="Upgrade the SMTP connection with STARTTLS before sending."
    )
    smtp_username: str = Field(default="", description="SMTP user name; empty: no login.")
    smtp_password: SecretStr = Field(
        default=SecretStr(""), description="SMTP password (never logged)."
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="Allow webhook deliveries to loopback, private, link-local and other "
        "non-public addresses, and over plain HTTP (tests, intranets). Off: HTTPS to public "
        "addresses only, checked when subscribing and again at every connection.",
    )
    delivery_worker: bool = Field(
        default=True,
        description="Run the notification delivery worker inside `rightsmark serve` (in each "
        "server process). Off: run `rightsmark deliver --loop` apart.",
    )
    webhook_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        le=60,
        description="How long one webhook delivery may take (connect, send, answer) before "
        "it counts as failed and is retried later.",
    )
    mail_from: str = Field(
        default="Rightsmark registry <registry@localhost>",
        description="The From address of every e-mail the registry sends.",
    )
    standards_library: Path = Field(
        default=PROJECT_ROOT / "standards" / "library",
        description="Folder of <slug>/<version>.yaml rule sets published at start-up.",
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in {"sqlite", "postgres", "postgresql"}:
            raise ValueError("RIGHTSMARK_DATABASE_URL must start with sqlite:// or postgresql://")
        return value

    @field_validator("database_replica_url")
    @classmethod
    def _postgres_only(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in {"postgres", "postgresql"}:
            raise ValueError("RIGHTSMARK_DATABASE_REPLICA_URL must start with postgresql://")
        return value

    @field_validator("public_url")
    @classmethod
    def _origin_only(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("RIGHTSMARK_PUBLIC_URL must be an http(s) origin")
        return value.rstrip("/")

    @property
    def is_postgres(self) -> bool:
        return urlsplit(self.database_url).scheme in {"postgres", "postgresql"}

    @property
    def sqlite_path(self) -> Path:
        if self.database_url:
            return Path(urlsplit(self.database_url).path.removeprefix("/") or "rightsmark.sqlite")
        return self.data_dir / "rightsmark.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
