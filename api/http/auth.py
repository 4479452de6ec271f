"""Bearer-token authentication and role guards.

Public reads never touch the token table. Guarded routes resolve the token once, in their
guard, and leave the actor in `connection.state` for the handler's `actor` dependency.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from registry.accounts import Actor, Role, authenticate

# How guarded handlers receive the caller: `actor: ActorDep`.
ActorDep = NamedDependency[Actor]
Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]
_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="rightsmark"'}


async def current_actor(connection: ASGIConnection[Any, Any, Any, Any]) -> Actor | None:
    cached: Actor | None = connection.state.get("actor")
    if cached is not None:
        return cached
    header = connection.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthorizedException(
            "the Authorization header must be 'Bearer <token>'", headers=_CHALLENGE
        )
    actor = await authenticate(token.strip())
    if actor is None:
        raise NotAuthorizedException("the token is unknown, expired or revoked", headers=_CHALLENGE)
    connection.state["actor"] = actor
    return actor


def requires(*roles: Role) -> Guard:
    """A guard admitting any authenticated actor whose role is one of `roles`."""
    allowed = frozenset(roles)

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        actor = await current_actor(connection)
        if actor is None:
            raise NotAuthorizedException("this operation needs a bearer token", headers=_CHALLENGE)
        if allowed and actor.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise PermissionDeniedException(
                f"this operation is for the {names} role; your token belongs to the "
                f"{actor.role.value} role"
            )

    return guard


authenticated = requires()
secretariat_only = requires(Role.SECRETARIAT)


async def provide_actor(request: Request[Any, Any, Any]) -> Actor:
    """Dependency for guarded handlers: the actor their guard already resolved."""
    actor: Actor | None = request.state.get("actor")
    if actor is None:  # a handler wired without a guard is a programming error
        raise NotAuthorizedException("this operation needs a bearer token", headers=_CHALLENGE)
    return actor
