"""One-click unsubscribe from e-mail alerts (RFC 8058), with no sign-in: the link's token is
the proof. A mail client POSTs `List-Unsubscribe=One-Click` to the link; a person who opens
it gets a page with one button that POSTs the same."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import PathParameter

from api.web.render.html import page
from registry.errors import NotFoundError
from registry.notifications import subscriptions

Token = Annotated[str, PathParameter(max_length=120)]


class UnsubscribePages(Controller):
    path = "/unsubscribe"

    @get("/{token:str}", name="web:unsubscribe")
    async def confirm(self, token: Token) -> Response[str]:
        """The confirm page (a GET must change nothing: link scanners open every link)."""
        try:
            row = await subscriptions.unsubscribe_target(token)
        except NotFoundError:
            return page("unsubscribe.html", status=404, state="invalid", token=token)
        state = "done" if row["ended_at"] is not None else "confirm"
        return page("unsubscribe.html", state=state, token=token, email=row["email"])

    @post("/{token:str}", name="web:unsubscribe-post", status_code=200)
    async def unsubscribe(self, token: Token) -> Response[str]:
        try:
            row = await subscriptions.unsubscribe(token)
        except NotFoundError:
            return page("unsubscribe.html", status=404, state="invalid", token=token)
        return page("unsubscribe.html", state="done", token=token, email=row["email"])
