"""Issue 18's rows of the authorization matrix: webhooks, e-mail alerts and unsubscribing.

The subscription routes are for employer accounts only: every other token is a 403, no or a
dead token a 401, and the matrix's employer reaches them (an unknown subscription is a 404 to
it; that another employer's subscription is a 404 too is in
tests/integration/http/notifications). The unsubscribe page and its one-click POST need no
sign-in: the link's token is the proof, and the answer is the same for everybody."""

from __future__ import annotations

from registry import accounts
from registry.accounts import Role, authenticate
from registry.notifications import subscriptions
from registry.notifications.secrets import unsubscribe_token
from tests.integration.http.authz.expectations import (
    Req,
    Spec,
    allow,
    api,
    body,
    form,
    get,
    page,
    public,
)
from tests.integration.http.authz.world import Who, World
from tests.support.webhooks import registry_env

W = "/api/v1/webhooks"
E = "/api/v1/email-alerts"
MINE: dict[Who, int] = {Who.EMPLOYER: 200}
UNKNOWN: dict[Who, int] = {Who.EMPLOYER: 404}  # whk_x, eml_x: no such subscription


async def _email_subscription(w: World) -> None:
    _, token, _ = await accounts.create_account(
        name="Matrix buyer", role=Role.EMPLOYER, actor="test", ttl_days=1,
        email="matrix@buyer.example",
    )  # fmt: skip
    actor = await authenticate(token)
    assert actor is not None
    made = await subscriptions.create_email(actor, digest=False)
    w.made["unsubscribe"] = f"/unsubscribe/{unsubscribe_token(made.id)}"


P = "/portal/employer"
N = f"{P}/notifications"


async def _matrix_employer(w: World) -> accounts.Actor:
    actor = await authenticate(w.tokens[Who.EMPLOYER])
    assert actor is not None
    return actor


async def _portal_webhook(w: World) -> None:
    """The matrix employer's webhook, made through the use case (the page's form is refused
    in the matrix: its URL is not public, and no receiver runs)."""
    with registry_env(webhook_allow_private="true"):
        made = await subscriptions.create_webhook(
            await _matrix_employer(w), url="http://127.0.0.1:9/matrix"
        )
    w.made["pwhk"] = made.webhook.id


async def _portal_alert(w: World) -> None:
    made = await subscriptions.create_email(await _matrix_employer(w), digest=True)
    w.made["peml"] = made.id


NOTIFICATION_SPECS: list[Spec] = [
    # The employer's portal pages.
    Spec(f"GET {N}", get(N), page({Who.EMPLOYER: 200})),
    Spec(
        f"POST {P}/webhooks",
        lambda w, _: Req(f"{P}/webhooks", form={"url": "https://127.0.0.1/x"}),
        page({Who.EMPLOYER: 422}),
        variant="not a public address",
    ),
    Spec(
        f"GET {P}/webhooks/{{webhook_id:str}}",
        get(lambda w: f"{P}/webhooks/{w.made['pwhk']}"),
        page({Who.EMPLOYER: 200}),
        before=_portal_webhook,
    ),
    Spec(
        f"POST {P}/webhooks/{{webhook_id:str}}/rotate",
        form(lambda w: f"{P}/webhooks/{w.made['pwhk']}/rotate"),
        page({Who.EMPLOYER: 200}),
    ),
    Spec(
        f"POST {P}/webhooks/{{webhook_id:str}}/deliveries/{{delivery_id:str}}/redeliver",
        form(lambda w: f"{P}/webhooks/{w.made['pwhk']}/deliveries/dlv_x/redeliver"),
        page({Who.EMPLOYER: 404}),
        variant="unknown delivery",
    ),
    Spec(
        f"POST {P}/webhooks/{{webhook_id:str}}/delete",
        form(lambda w: f"{P}/webhooks/{w.made['pwhk']}/delete"),
        page({Who.EMPLOYER: allow(303, N)}),
    ),
    Spec(
        f"POST {P}/email-alerts",
        form(lambda w: f"{P}/email-alerts", digest="yes"),
        page({Who.EMPLOYER: allow(303, N)}),
    ),
    Spec(
        f"POST {P}/email-alerts/{{alert_id:str}}/delete",
        lambda w, _: Req(f"{P}/email-alerts/{w.made['peml']}/delete", form={}),
        page({Who.EMPLOYER: allow(303, N)}),
        before=_portal_alert,
    ),
    Spec(
        f"POST {W}", body(lambda w: W, {"url": "https://hooks.example/x"}), api({Who.EMPLOYER: 400})
    ),
    Spec(f"GET {W}", get(W), api(MINE)),
    Spec(f"GET {W}/{{webhook_id:str}}", get(f"{W}/whk_x"), api(UNKNOWN)),
    Spec(f"DELETE {W}/{{webhook_id:str}}", get(f"{W}/whk_x"), api(UNKNOWN)),
    Spec(f"POST {W}/{{webhook_id:str}}/rotate", body(lambda w: f"{W}/whk_x/rotate"), api(UNKNOWN)),
    Spec(f"GET {W}/{{webhook_id:str}}/deliveries", get(f"{W}/whk_x/deliveries"), api(UNKNOWN)),
    Spec(
        f"POST {W}/{{webhook_id:str}}/deliveries/{{delivery_id:str}}/retry",
        body(lambda w: f"{W}/whk_x/deliveries/dlv_x/retry"),
        api(UNKNOWN),
    ),
    Spec(f"POST {E}", body(lambda w: E, {"digest": True}), api({Who.EMPLOYER: 201})),
    Spec(f"GET {E}", get(E), api(MINE)),
    Spec(f"DELETE {E}/{{alert_id:str}}", get(f"{E}/eml_x"), api(UNKNOWN)),
    Spec(f"GET {E}/{{alert_id:str}}/deliveries", get(f"{E}/eml_x/deliveries"), api(UNKNOWN)),
    Spec(
        "GET /unsubscribe/{token:str}",
        get(lambda w: w.made["unsubscribe"]),
        public(200),
        before=_email_subscription,
    ),
    Spec("POST /unsubscribe/{token:str}", body(lambda w: w.made["unsubscribe"]), public(200)),
    Spec(
        "GET /unsubscribe/{token:str}",
        get("/unsubscribe/eml_0.forged"),
        public(404),
        variant="forged token",
    ),
]
