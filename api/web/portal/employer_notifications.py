"""The employer's notification pages: webhooks (made, listed, their secret rotated, deleted;
each one's delivery log with re-delivery) and e-mail alerts or the daily digest, each for a
watchlist or for every public change (docs/notifications.md). Everything goes through the
use cases of `registry.notifications`, as the API does: same rules, same errors."""

from __future__ import annotations

from typing import Annotated, Any, Final

from litestar import Response, get, post
from litestar.params import PathParameter, QueryParameter

from api.web.portal.base import Req, flash, portal_page, posted, see_other, signed_in
from registry.accounts import Actor, Role
from registry.errors import ConflictError, InvalidRequestError
from registry.notifications import deliveries, subscriptions
from registry.notifications.records import CreatedWebhook
from registry.outbox.events import KINDS
from registry.watchlists import service as watchlists

Id = Annotated[str, PathParameter(max_length=60)]
HOME: Final = "/portal/employer/notifications"
PAGE: Final = 50  # deliveries per page of the log


async def _employer(request: Req) -> Actor:
    return await signed_in(request, Role.EMPLOYER)


async def _home(request: Req, actor: Actor, *, status: int = 200, **context: Any) -> Response[str]:
    context.setdefault("errors", {})
    context.setdefault("form", {})
    lists = await watchlists.list_own(actor)
    return portal_page(
        "portal_notifications.html", request, actor, status=status,
        webhooks=await subscriptions.list_subscriptions(actor, "webhook"),
        alerts=await subscriptions.list_subscriptions(actor, "email"),
        watchlists=lists, names={w.id: w.name for w in lists}, kinds=KINDS, **context,
    )  # fmt: skip


def _refused(exc: InvalidRequestError | ConflictError, default: str) -> dict[str, str]:
    """A refused form's error, at the field the use case named."""
    field = exc.field if isinstance(exc, InvalidRequestError) and exc.field else default
    return {field: str(exc)}


@get("/employer/notifications", name="portal:employer-notifications")
async def home(request: Req) -> Response[str]:
    """Webhooks and e-mail alerts, with the forms to make them."""
    return await _home(request, await _employer(request))


async def _secret_page(
    request: Req, actor: Actor, made: CreatedWebhook, *, new: bool
) -> Response[str]:
    # Shown on this answer only, never kept in the session: it is not on any later page.
    return portal_page(
        "portal_webhook_secret.html", request, actor, status=201 if new else 200,
        webhook=made.webhook, secret=made.secret, new=new,
    )  # fmt: skip


@post("/employer/webhooks", name="portal:employer-webhook-create", status_code=201)
async def create_webhook(request: Req) -> Response[Any]:
    """A new webhook; its whsec_ secret is shown once, on the answer."""
    actor = await _employer(request)
    fields = await posted(request)
    form = await request.form()  # read once by `posted`, kept by the request
    events = [e for e in form.getall("events", []) if isinstance(e, str)]
    watchlist = fields.get("watchlist") or None
    try:
        made = await subscriptions.create_webhook(
            actor, url=fields.get("url", "").strip(), events=events, watchlist=watchlist
        )
    except (InvalidRequestError, ConflictError) as exc:
        return await _home(
            request, actor, status=422, errors=_refused(exc, "url"),
            form={"url": fields.get("url", "")[:2000], "events": events, "watchlist": watchlist},
        )  # fmt: skip
    return await _secret_page(request, actor, made, new=True)


@get("/employer/webhooks/{webhook_id:str}", name="portal:employer-webhook")
async def webhook(
    request: Req,
    webhook_id: Id,
    offset: Annotated[int, QueryParameter(ge=0, le=1_000_000)] = 0,
) -> Response[str]:
    """One webhook and its delivery log, newest first: each delivery's status, attempts
    (time, HTTP status or error) and next attempt, with re-delivery."""
    actor = await _employer(request)
    found = await subscriptions.get_subscription(actor, webhook_id, "webhook")
    log = await deliveries.list_deliveries(
        actor, webhook_id, status=None, limit=PAGE, offset=offset
    )
    lists = await watchlists.list_own(actor)
    return portal_page(
        "portal_webhook.html", request, actor, webhook=found, log=log, page=PAGE,
        names={w.id: w.name for w in lists}, errors={},
    )  # fmt: skip


@post("/employer/webhooks/{webhook_id:str}/rotate", name="portal:employer-webhook-rotate",
      status_code=200)  # fmt: skip
async def rotate(request: Req, webhook_id: Id) -> Response[Any]:
    """A new secret, shown once; the previous one keeps signing for a day beside it."""
    actor = await _employer(request)
    await posted(request)
    return await _secret_page(
        request, actor, await subscriptions.rotate(actor, webhook_id), new=False
    )


@post("/employer/webhooks/{webhook_id:str}/delete", name="portal:employer-webhook-delete",
      status_code=303)  # fmt: skip
async def delete_webhook(request: Req, webhook_id: Id) -> Response[Any]:
    actor = await _employer(request)
    await posted(request)
    await subscriptions.end(actor, webhook_id, "webhook")
    flash(request, "Webhook deleted: nothing more is sent to it.")
    return see_other(HOME)


@post("/employer/webhooks/{webhook_id:str}/deliveries/{delivery_id:str}/redeliver",
      name="portal:employer-webhook-redeliver", status_code=303)  # fmt: skip
async def redeliver(request: Req, webhook_id: Id, delivery_id: Id) -> Response[Any]:
    """Send a delivered or failed message again, with the same webhook-id."""
    actor = await _employer(request)
    await posted(request)
    try:
        await deliveries.redeliver(actor, webhook_id, delivery_id)
    except ConflictError as exc:
        flash(request, str(exc))
    else:
        flash(request, "Queued again: the worker sends it with the same webhook-id.")
    return see_other(f"/portal/employer/webhooks/{webhook_id}")


@post("/employer/email-alerts", name="portal:employer-alert-create", status_code=303)
async def create_alert(request: Req) -> Response[Any]:
    """E-mail alerts (a message per change) or the daily digest, to the account's address."""
    actor = await _employer(request)
    fields = await posted(request)
    watchlist = fields.get("watchlist") or None
    digest = fields.get("digest") == "yes"
    try:
        await subscriptions.create_email(actor, digest=digest, watchlist=watchlist)
    except (InvalidRequestError, ConflictError) as exc:
        return await _home(request, actor, status=422, errors=_refused(exc, "alert"))
    flash(request, "Subscribed: " + ("a daily digest" if digest else "an e-mail per change") + ".")
    return see_other(HOME)


@post("/employer/email-alerts/{alert_id:str}/delete", name="portal:employer-alert-delete",
      status_code=303)  # fmt: skip
async def delete_alert(request: Req, alert_id: Id) -> Response[Any]:
    actor = await _employer(request)
    await posted(request)
    await subscriptions.end(actor, alert_id, "email")
    flash(request, "E-mail alerts stopped.")
    return see_other(HOME)


HANDLERS: Final = [
    home, create_webhook, webhook, rotate, delete_webhook, redeliver, create_alert, delete_alert,
]  # fmt: skip
