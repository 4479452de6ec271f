"""Sessions and CSRF for the signed-in portals.

A user signs in by pasting an API token once. The server keeps a session (Litestar's
server-side session middleware, in files under the data directory) holding only the account id,
the token id and a CSRF secret, never the token. The cookie is `HttpOnly`, `SameSite=Lax`,
scoped to `/portal`, and `Secure` when `RIGHTSMARK_PUBLIC_URL` is https.

Every portal request re-reads the token's row: a token (or account) revoked or expired
since sign-in ends the session on the next page. Every portal POST must carry the
session's CSRF token in the hidden `csrf` field.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import secrets
from pathlib import Path
from typing import Any, Final

from litestar import Litestar
from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.stores.base import Store
from litestar.stores.file import FileStore
from litestar.types import Empty, Message, ScopeSession

from registry.accounts import Actor, actor_of_token
from registry.settings import get_settings
from registry.signing.passphrase import resolve_passphrase

COOKIE: Final = "rm_portal"
SESSION_HOURS: Final = 8
_SID: Final = "portal_session_id"  # this request's session id, in the request state
_KNOWN: Final = "portal_session_known"  # set when the cookie named a stored session


class PortalSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, hardened:

    - a cookie naming no stored session is never adopted (no session fixation: an id is
      always one the server generated), and sign-in starts a new id (`rotate`);
    - a visitor with no session data gets no cookie and no stored entry.
    """

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        known = connection.state.get(_SID)
        if isinstance(known, str):
            return known
        fresh = self.generate_session_id()
        connection.state[_SID] = fresh
        return fresh

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        session_id = connection.cookies.get(self.config.key)
        if session_id and session_id != "null":
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)
            if data is not None:
                connection.state[_SID] = session_id
                connection.state[_KNOWN] = True
                return self.deserialize_data(data)
        return {}

    async def store_in_message(
        self,
        scope_session: ScopeSession,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        if not scope_session and not connection.state.get(_KNOWN):
            if connection.cookies.get(self.config.key):  # a stale cookie: drop it
                await super().store_in_message(Empty, message, connection)
            return
        await super().store_in_message(scope_session or Empty, message, connection)


class PortalSessionConfig(ServerSideSessionConfig):
    """Sessions kept as files under `<data_dir>/portal-sessions/` (one per session, removed
    at sign-out or when expired): shared by every `serve --workers` process and kept across
    restarts, with nothing to configure on the application."""

    _backend_class = PortalSessionBackend

    def get_store_from_app(self, app: Litestar) -> Store:
        return _file_store(get_settings().data_dir / "portal-sessions")


@functools.cache
def _file_store(path: Path) -> FileStore:
    return FileStore(path, create_directories=True)


SESSION: Final = PortalSessionConfig(
    key=COOKIE,
    max_age=SESSION_HOURS * 3600,
    path="/portal",
    httponly=True,
    samesite="lax",
    secure=get_settings().public_url.startswith("https://"),
)


async def rotate(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Forget the current session id (and its stored data): the answer gets a new one.
    Expired sessions of anyone are removed at the same time."""
    store = SESSION.get_store_from_app(connection.scope["app"])
    old = connection.state.get(_SID)
    if isinstance(old, str) and connection.state.get(_KNOWN):
        await store.delete(old)
    if isinstance(store, FileStore):  # sign-in is rare enough to sweep expired sessions
        with contextlib.suppress(FileNotFoundError):  # no session stored yet: no folder
            await store.delete_expired()
    connection.state[_SID] = secrets.token_hex(SESSION.session_id_bytes)


# Before sign-in nothing is stored: the sign-in form's CSRF token is a random nonce in a
# cookie of its own and, in the form, that nonce signed with a key derived from the signing
# keys' passphrase (a signed double-submit: another site can neither read the cookie nor
# sign a nonce of its own). Visits to the sign-in page leave no session file behind.
NONCE_COOKIE: Final = "rm_portal_csrf"
_NEW_NONCE: Final = "portal_csrf_nonce"  # a nonce this answer must set, in the request state


@functools.cache
def _csrf_key(passphrase: bytes) -> bytes:
    return hmac.new(passphrase, b"rightsmark/portal/sign-in-csrf/v1", hashlib.sha256).digest()


def _signed(nonce: str) -> str:
    key = _csrf_key(resolve_passphrase())
    return nonce + "." + hmac.new(key, nonce.encode(), hashlib.sha256).hexdigest()


def csrf_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The session's CSRF secret; with no session, the signed nonce of the cookie (a new
    one, for the answer to set, when the cookie has none)."""
    token = connection.session.get("csrf")
    if isinstance(token, str):
        return token
    nonce = connection.cookies.get(NONCE_COOKIE) or connection.state.get(_NEW_NONCE)
    if not isinstance(nonce, str) or not 20 <= len(nonce) <= 64 or not nonce.isalnum():
        nonce = secrets.token_hex(16)
        connection.state[_NEW_NONCE] = nonce
    return _signed(nonce)


def nonce_to_set(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The new nonce this answer must set as `NONCE_COOKIE`, if `csrf_token` made one."""
    nonce = connection.state.get(_NEW_NONCE)
    return nonce if isinstance(nonce, str) else None


def csrf_ok(connection: ASGIConnection[Any, Any, Any, Any], sent: object) -> bool:
    expected = connection.session.get("csrf")
    if not isinstance(expected, str):
        nonce = connection.cookies.get(NONCE_COOKIE)
        if not nonce or not nonce.isalnum():
            return False
        expected = _signed(nonce)
    return isinstance(sent, str) and secrets.compare_digest(expected.encode(), sent.encode())


async def actor_for(account_id: object, token_id: object) -> Actor | None:
    """The actor of a signed-in session, re-checked now: None when the token or its account
    was revoked, the token expired, or the session names something else."""
    if not isinstance(account_id, str) or not isinstance(token_id, str):
        return None
    return await actor_of_token(token_id, account_id)
