"""Request bodies of the webhook and e-mail alert routes; answers are the registry's
records (registry.notifications.records)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from registry.notifications.subscriptions import MAX_LISTED
from registry.outbox.events import KINDS

_EVENTS = "The event types wanted (none or empty: all): " + ", ".join(f"`{k}`" for k in KINDS) + "."
_SCOPE = (
    "Scope: explicit `certificates` (crt_...) and `providers` (RMP-...) lists, or a "
    "`watchlist` id (resolved when each event is fanned out); none of them: every event."
)


class _Scope(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    events: list[str] = Field(default_factory=list, max_length=len(KINDS), description=_EVENTS)
    certificates: list[str] = Field(
        default_factory=list, max_length=MAX_LISTED, description="Certificate ids (crt_...)"
    )
    providers: list[str] = Field(
        default_factory=list, max_length=MAX_LISTED, description="Provider registry ids"
    )
    watchlist: str | None = Field(
        default=None, min_length=1, max_length=40, description="One of your watchlists' ids"
    )


class WebhookIn(_Scope):
    __doc__ = "A webhook endpoint. " + _SCOPE

    url: str = Field(
        min_length=1,
        max_length=2000,
        description="Where deliveries are POSTed: https:// on a public address",
    )


class EmailAlertIn(_Scope):
    __doc__ = "E-mail alerts to the account's own address. " + _SCOPE

    digest: bool = Field(
        default=False, description="true: one message a day (midnight UTC) listing the events"
    )
