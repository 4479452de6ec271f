"""Request and response schemas of the API (what OpenAPI documents)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from registry.accounts import Role


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VersionSummaryOut(BaseModel):
    slug: str
    version: str
    ref: str
    title: str
    status: Literal["draft", "published", "retired"]
    digest: str = Field(description="sha256 of the RFC 8785 canonical JSON of the rule set")
    effective_date: str
    supersedes: str | None
    published_at: str | None
    retired_at: str | None


class VersionListOut(BaseModel):
    items: list[VersionSummaryOut]


class StandardVersionOut(VersionSummaryOut):
    rule_set: dict[str, Any] = Field(description="The complete rule set")


class DiffOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    implied_bump: str


class AccountCreate(_In):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    email: EmailStr | None = None
    provider_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        description="Provider accounts only: the registry id (RMP-...) of an existing "
        "organisation. Left out, the account is pending and registers its own organisation "
        "with POST /api/v1/providers.",
    )
    token_ttl_days: int | None = Field(default=None, ge=1, le=3650)


class TokenCreate(_In):
    label: str = Field(default="api", min_length=1, max_length=100)
    ttl_days: int | None = Field(default=None, ge=1, le=3650)


class AccountOut(BaseModel):
    id: str
    name: str
    email: str | None
    role: Role
    provider_id: str | None = Field(
        description="The organisation a provider account belongs to; null for other roles "
        "and for a provider account that has not registered its organisation yet"
    )
    created_at: str | None
    revoked_at: str | None
    active: bool


class TokenOut(BaseModel):
    id: str
    account_id: str
    hint: str = Field(description="The first characters of the token, to recognise it")
    label: str
    created_at: str | None
    expires_at: str | None
    revoked_at: str | None
    state: Literal["active", "expired", "revoked"]


class IssuedTokenOut(BaseModel):
    token: str = Field(description="The bearer token. Shown once: only its hash is stored.")
    details: TokenOut


class AccountCreatedOut(BaseModel):
    account: AccountOut
    token: str = Field(description="The account's first bearer token. Shown once.")
    token_details: TokenOut


class AccountListOut(BaseModel):
    items: list[AccountOut]
    limit: int
    offset: int


class TokenListOut(BaseModel):
    items: list[TokenOut]
