"""Request and response schemas of the API (what OpenAPI documents)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from registry.accounts import Role

# C0 control characters other than tab, line feed and carriage return, and DEL: never text
# anybody means, and NUL cannot even be stored in a PostgreSQL text column.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(value: Any) -> Any:
    """`value` unchanged, unless a string in it (at any depth of lists and mappings) holds a
    control character: then a ValueError naming the first one."""
    if isinstance(value, str):
        if found := _CONTROL.search(value):
            raise ValueError(f"control characters are not allowed (found U+{ord(found[0]):04X})")
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            no_control_characters(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            no_control_characters(key)
            no_control_characters(item)
    return value


class TextInput(BaseModel):
    """Base of request bodies: every string field, and every string in a list or mapping
    field, is refused (422 naming the field) if it holds a control character."""

    @field_validator("*", mode="after")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        return no_control_characters(value)


class _In(TextInput):
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
    """`registry.accounts.Account`, validated from its attributes."""

    model_config = ConfigDict(from_attributes=True)
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
    """`registry.accounts.Token`, validated from its attributes."""

    model_config = ConfigDict(from_attributes=True)
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


def json_document(*media_types: str, status: str = "200") -> type[Operation]:
    """An `operation_class` for handlers answering raw bytes that are a JSON object (a DID
    document, a credential, a JSON-LD context): documents the answer as an object under each
    of `media_types` instead of the `string` Litestar infers from `Response[bytes]`."""

    @dataclass
    class JsonDocumentOperation(Operation):
        def __post_init__(self) -> None:
            response = (self.responses or {}).get(status)
            if isinstance(response, OpenAPIResponse):
                response.content = {
                    media: OpenAPIMediaType(schema=Schema(type=OpenAPIType.OBJECT))
                    for media in media_types
                }

    return JsonDocumentOperation
