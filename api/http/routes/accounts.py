"""Accounts and API tokens, managed by the secretariat."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, authenticated, provide_actor, secretariat_only
from api.http.schemas.common import (
    AccountCreate,
    AccountCreatedOut,
    AccountListOut,
    AccountOut,
    IssuedTokenOut,
    TokenCreate,
    TokenListOut,
    TokenOut,
)
from registry import accounts
from registry.accounts import Role
from registry.settings import get_settings

AccountId = Annotated[str, PathParameter(max_length=40, description="acc_...")]
TokenId = Annotated[str, PathParameter(max_length=40, description="tok_...")]


class AccountsController(Controller):
    path = "/api/v1"
    tags = ["accounts"]
    dependencies = {"actor": Provide(provide_actor)}

    @post(
        "/accounts",
        operation_id="createAccount",
        summary="Create an account with its first token",
        guards=[secretariat_only],
        status_code=201,
    )
    async def create(self, data: JSONBody[AccountCreate], actor: ActorDep) -> AccountCreatedOut:
        """The answer carries the account's bearer token; it is shown only this once."""
        account, token, details = await accounts.create_account(
            name=data.name,
            role=data.role,
            email=str(data.email) if data.email else None,
            provider_id=data.provider_id,
            actor=actor.label,
            ttl_days=data.token_ttl_days or get_settings().token_ttl_days,
        )
        return AccountCreatedOut(
            account=AccountOut.model_validate(account),
            token=token,
            token_details=TokenOut.model_validate(details),
        )

    @get(
        "/accounts",
        operation_id="listAccounts",
        summary="List accounts",
        guards=[secretariat_only],
    )
    async def list_all(
        self,
        role: Annotated[Role | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
        offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
    ) -> AccountListOut:
        items = await accounts.list_accounts(role=role, limit=limit, offset=offset)
        return AccountListOut(
            items=[AccountOut.model_validate(a) for a in items], limit=limit, offset=offset
        )

    @get("/accounts/me", operation_id="getOwnAccount", summary="Who am I", guards=[authenticated])
    async def me(self, actor: ActorDep) -> AccountOut:
        """The account the bearer token belongs to."""
        return AccountOut.model_validate(await accounts.get_account(actor.account_id))

    @get(
        "/accounts/{account_id:str}",
        operation_id="getAccount",
        summary="Read an account",
        guards=[secretariat_only],
    )
    async def read(self, account_id: AccountId) -> AccountOut:
        return AccountOut.model_validate(await accounts.get_account(account_id))

    @post(
        "/accounts/{account_id:str}/revoke",
        operation_id="revokeAccount",
        summary="Revoke an account and all its tokens",
        guards=[secretariat_only],
        status_code=200,
    )
    async def revoke(self, account_id: AccountId) -> AccountOut:
        return AccountOut.model_validate(await accounts.revoke_account(account_id))

    @get(
        "/accounts/{account_id:str}/tokens",
        operation_id="listTokens",
        summary="List an account's tokens (hints only)",
        guards=[secretariat_only],
    )
    async def tokens(self, account_id: AccountId) -> TokenListOut:
        return TokenListOut(
            items=[TokenOut.model_validate(t) for t in await accounts.list_tokens(account_id)]
        )

    @post(
        "/accounts/{account_id:str}/tokens",
        operation_id="createToken",
        summary="Issue a new token for an account",
        guards=[secretariat_only],
        status_code=201,
    )
    async def issue(self, account_id: AccountId, data: JSONBody[TokenCreate]) -> IssuedTokenOut:
        """The token is in the answer only this once."""
        token, details = await accounts.issue_token(
            account_id, label=data.label, ttl_days=data.ttl_days or get_settings().token_ttl_days
        )
        return IssuedTokenOut(token=token, details=TokenOut.model_validate(details))

    @post(
        "/tokens/{token_id:str}/revoke",
        operation_id="revokeToken",
        summary="Revoke one token",
        guards=[secretariat_only],
        status_code=200,
    )
    async def revoke_token(self, token_id: TokenId) -> TokenOut:
        return TokenOut.model_validate(await accounts.revoke_token(token_id))
