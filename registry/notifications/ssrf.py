"""Where a webhook may be delivered: HTTPS to public addresses only, checked twice.

A subscriber chooses the URL, so without these checks the registry could be made to send
requests into its own network (server-side request forgery). The URL is checked when the
subscription is made (a clear 400 naming `url`) and again at every connection: the name is
resolved, every address it resolves to must be public, and the connection goes to the very
address that was checked (`PinnedTransport`), with the name kept for TLS (SNI and the
certificate check) and the Host header. A name that resolves to a public address when
subscribing and to 127.0.0.1 later (DNS rebinding) is refused at connect time. Redirects are
never followed: a 3xx is a failed attempt.

`RIGHTSMARK_WEBHOOK_ALLOW_PRIVATE=true` lifts both rules (tests, intranets) and also allows
plain HTTP.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

import httpx

from registry.errors import InvalidRequestError

MAX_URL = 2000
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeAddressError(Exception):
    """A delivery's host resolves to an address the registry does not send to."""


class RefusedUrlError(InvalidRequestError):
    """A webhook URL the registry will not deliver to: a 400 naming `url`."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="url")


def is_public(address: IPAddress) -> bool:
    """Globally routable unicast: not loopback, private, link-local, shared, reserved,
    unspecified, documentation or multicast (an IPv4-mapped IPv6 address counts as its
    IPv4 address)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


async def resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeAddressError(f"{host} does not resolve") from exc
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


async def checked_address(host: str, port: int, *, allow_private: bool) -> IPAddress:
    """The address to connect to: the first the name resolves to, once every one of them
    is public (a name with one private answer among public ones is refused whole)."""
    addresses = await resolve(host, port)
    if not addresses:
        raise UnsafeAddressError(f"{host} does not resolve")
    if not allow_private:
        unsafe = [a for a in addresses if not is_public(a)]
        if unsafe:
            raise UnsafeAddressError(f"{host} resolves to {unsafe[0]}, which is not public")
    return addresses[0]


async def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, or RefusedUrlError (a 400 naming `url`)."""
    if len(url) > MAX_URL or any(c in url for c in "\x00\r\n\t "):
        raise RefusedUrlError(f"url must be at most {MAX_URL} characters, no spaces")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedUrlError(f"url is not a valid URL: {exc}") from exc
    schemes = {"https", "http"} if allow_private else {"https"}
    if parts.scheme not in schemes:
        raise RefusedUrlError("url must be an https:// URL")
    if not parts.hostname:
        raise RefusedUrlError("url must name a host")
    if parts.username is not None or parts.password is not None:
        raise RefusedUrlError("url must not carry a user name or password")
    if parts.fragment:
        raise RefusedUrlError("url must not have a #fragment")
    try:
        await checked_address(
            parts.hostname,
            port or (443 if parts.scheme == "https" else 80),
            allow_private=allow_private,
        )
    except UnsafeAddressError as exc:
        raise RefusedUrlError(f"url: {exc}; webhooks go to public addresses only") from exc
    return url


class PinnedTransport(httpx.AsyncBaseTransport):
    """Resolves the request's host, checks every address, and connects to the checked one
    with the host name kept for SNI, certificate verification and the Host header."""

    def __init__(self, *, allow_private: bool, timeout: float) -> None:
        self._allow_private = allow_private
        # No keep-alive: a pooled connection is keyed by address, and two names on one
        # address must not share a TLS session made for the other's name.
        self._inner = httpx.AsyncHTTPTransport(
            limits=httpx.Limits(max_keepalive_connections=0), retries=0
        )
        self._timeout = timeout

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        if url.scheme != "https" and not self._allow_private:
            raise UnsafeAddressError("webhooks are delivered over HTTPS only")
        host = url.host
        port = url.port or (443 if url.scheme == "https" else 80)
        address = await checked_address(host, port, allow_private=self._allow_private)
        request.url = url.copy_with(host=str(address))
        request.headers["host"] = url.netloc.decode("ascii")
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
