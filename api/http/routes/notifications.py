"""Webhooks and e-mail alerts of employer accounts, and their delivery logs
(docs/notifications.md). Another account's subscription answers 404."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, delete, get, post
from litestar.di import Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from api.http.auth import ActorDep, provide_actor, requires
from api.http.schemas.notifications import EmailAlertIn, WebhookIn
from registry.accounts import Role
from registry.notifications import deliveries, subscriptions
from registry.notifications.records import CreatedWebhook, Delivery, DeliveryPage, Subscription

WebhookId = Annotated[str, PathParameter(max_length=40, description="whk_...")]
AlertId = Annotated[str, PathParameter(max_length=40, description="eml_...")]
DeliveryId = Annotated[str, PathParameter(max_length=40, description="dlv_...")]
StatusFilter = Annotated[
    str | None,
    QueryParameter(
        query="status",
        pattern="^(pending|delivered|failed)$",
        description="pending, delivered or failed",
    ),
]
Limit = Annotated[int, QueryParameter(ge=1, le=500)]
Offset = Annotated[int, QueryParameter(ge=0)]
_employers = requires(Role.EMPLOYER)


class WebhooksController(Controller):
    path = "/api/v1/webhooks"
    tags = ["notifications"]
    dependencies = {"actor": Provide(provide_actor)}

    @post("/", operation_id="createWebhook", summary="Subscribe a webhook endpoint",
          status_code=201, guards=[_employers])  # fmt: skip
    async def create(self, data: JSONBody[WebhookIn], actor: ActorDep) -> CreatedWebhook:
        """The answer carries the endpoint's `whsec_...` signing secret, shown this once.
        Deliveries follow the Standard Webhooks specification (`webhook-id`,
        `webhook-timestamp`, `webhook-signature`). The URL must be https:// and resolve to
        public addresses only (400 naming `url` otherwise); it is checked again at every
        connection."""
        return await subscriptions.create_webhook(
            actor, url=data.url, events=data.events, certificates=data.certificates,
            providers=data.providers, watchlist=data.watchlist,
        )  # fmt: skip

    @get("/", operation_id="listWebhooks", summary="Your webhook endpoints", guards=[_employers])
    async def list_all(self, actor: ActorDep) -> list[Subscription]:
        """The live ones, oldest first; never their secrets."""
        return await subscriptions.list_subscriptions(actor, "webhook")

    @get(
        "/{webhook_id:str}",
        operation_id="getWebhook",
        summary="One webhook endpoint",
        guards=[_employers],
    )
    async def read(self, webhook_id: WebhookId, actor: ActorDep) -> Subscription:
        return await subscriptions.get_subscription(actor, webhook_id, "webhook")

    @delete(
        "/{webhook_id:str}",
        operation_id="deleteWebhook",
        summary="Delete a webhook",
        guards=[_employers],
    )
    async def remove(self, webhook_id: WebhookId, actor: ActorDep) -> None:
        """Nothing more is sent to it; its pending deliveries end as failed."""
        await subscriptions.end(actor, webhook_id, "webhook")

    @post("/{webhook_id:str}/rotate", operation_id="rotateWebhookSecret",
          summary="Rotate the signing secret", status_code=200, guards=[_employers])  # fmt: skip
    async def rotate(self, webhook_id: WebhookId, actor: ActorDep) -> CreatedWebhook:
        """A new secret, shown this once. For 24 hours deliveries carry two signatures
        (the new and the previous secret's), so the receiver can switch without a gap."""
        return await subscriptions.rotate(actor, webhook_id)

    @get("/{webhook_id:str}/deliveries", operation_id="listWebhookDeliveries",
         summary="The delivery log of a webhook", guards=[_employers])  # fmt: skip
    async def log(
        self, webhook_id: WebhookId, actor: ActorDep, status_filter: StatusFilter = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> DeliveryPage:  # fmt: skip
        """Newest first, each delivery with its attempts (time, HTTP status, error)."""
        return await deliveries.list_deliveries(
            actor, webhook_id, status=status_filter, limit=limit, offset=offset
        )

    @post("/{webhook_id:str}/deliveries/{delivery_id:str}/retry",
          operation_id="retryWebhookDelivery", summary="Deliver a message again",
          status_code=202, guards=[_employers])  # fmt: skip
    async def retry(
        self, webhook_id: WebhookId, delivery_id: DeliveryId, actor: ActorDep
    ) -> Delivery:
        """A delivered or failed message is queued again, with the same `webhook-id`
        (receivers deduplicate by it), after the endpoint's pending deliveries."""
        return await deliveries.redeliver(actor, webhook_id, delivery_id)


class EmailAlertsController(Controller):
    path = "/api/v1/email-alerts"
    tags = ["notifications"]
    dependencies = {"actor": Provide(provide_actor)}

    @post("/", operation_id="createEmailAlert", summary="Subscribe to e-mail alerts",
          status_code=201, guards=[_employers])  # fmt: skip
    async def create(self, data: JSONBody[EmailAlertIn], actor: ActorDep) -> Subscription:
        """Alerts go to the account's e-mail address, one message per event or one daily
        digest; each message has a one-click unsubscribe link (RFC 8058)."""
        return await subscriptions.create_email(
            actor, digest=data.digest, events=data.events, certificates=data.certificates,
            providers=data.providers, watchlist=data.watchlist,
        )  # fmt: skip

    @get(
        "/",
        operation_id="listEmailAlerts",
        summary="Your e-mail alert subscriptions",
        guards=[_employers],
    )
    async def list_all(self, actor: ActorDep) -> list[Subscription]:
        return await subscriptions.list_subscriptions(actor, "email")

    @delete(
        "/{alert_id:str}",
        operation_id="deleteEmailAlert",
        summary="Stop e-mail alerts",
        guards=[_employers],
    )
    async def remove(self, alert_id: AlertId, actor: ActorDep) -> None:
        await subscriptions.end(actor, alert_id, "email")

    @get("/{alert_id:str}/deliveries", operation_id="listEmailAlertDeliveries",
         summary="The delivery log of an e-mail subscription", guards=[_employers])  # fmt: skip
    async def log(
        self, alert_id: AlertId, actor: ActorDep, status_filter: StatusFilter = None,
        limit: Limit = 50, offset: Offset = 0,
    ) -> DeliveryPage:  # fmt: skip
        return await deliveries.list_deliveries(
            actor, alert_id, status=status_filter, limit=limit, offset=offset
        )
