"""The typed records notifications' use cases return (what the API serialises)."""

from __future__ import annotations

from msgspec import Struct


class Subscription(Struct, frozen=True, kw_only=True):
    id: str  # whk_... | eml_...
    channel: str  # webhook | email
    url: str | None
    email: str | None
    digest: bool
    events: tuple[str, ...]
    certificates: tuple[str, ...]
    providers: tuple[str, ...]
    watchlist: str | None
    created_at: str
    active: bool
    # During a rotation's overlap, until when the previous secret still signs.
    previous_secret_until: str | None


class CreatedWebhook(Struct, frozen=True, kw_only=True):
    """A new webhook, or a rotated one: the only time its secret is shown."""

    webhook: Subscription
    secret: str


class Attempt(Struct, frozen=True, kw_only=True):
    at: str
    ok: bool
    status_code: int | None
    error: str | None
    duration_ms: int


class Delivery(Struct, frozen=True, kw_only=True):
    id: str  # dlv_...
    message_id: str  # msg_...: the webhook-id
    subscription: str
    event: str  # evt_...
    type: str
    log_index: int | None
    status: str  # pending | delivered | failed
    attempts: int
    next_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None
    history: tuple[Attempt, ...] = ()


class DeliveryPage(Struct, frozen=True, kw_only=True):
    items: tuple[Delivery, ...]
    total: int
    limit: int
    offset: int
