"""Issue 18's rows of the authorization matrix: employers. Sign-up and the supplier check
need no account (the same answer for everybody); watchlists and their pages are the
employer's alone (every other role 403, as their guard says; another employer's: 404,
tests/integration/http/employers/test_watchlists_api.py)."""

from __future__ import annotations

import httpx

from registry.watchlists.tables import WatchlistItemRow
from tests.integration.http.authz.expectations import (
    After,
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

E = Who.EMPLOYER
W = "/api/v1/watchlists"
C = "/api/v1/supplier-checks"
P = "/portal/employer"
CSV = b"name,country,licence_number,certificate_code\r\nAgencia Uno,PH,,\r\nNobody,NP,,\r\n"


def _keep(key: str, *, field: str = "id", location: bool = False) -> After:
    """Remember what the first allowed caller made (an id, or a redirect's last segment)."""

    def after(w: World, _: Who, response: httpx.Response) -> None:
        if key in w.made or response.status_code >= 400:
            return
        if location:
            w.made[key] = response.headers["location"].rstrip("/").rsplit("/", 1)[-1]
        else:
            w.made[key] = str(response.json()[field])

    return after


def _csv_post(url: str) -> Req:
    return Req(url, content=CSV, headers={"Content-Type": "text/csv"})


async def _portal_item(w: World) -> None:
    row = (
        await WatchlistItemRow.select(WatchlistItemRow.public_id)
        .where(WatchlistItemRow.watchlist_id == w.made["pwl"])
        .first()
    )
    assert row is not None
    w.made["pitem"] = row["public_id"]


_E303 = allow(303)
EMPLOYER_SPECS: list[Spec] = [
    Spec("POST /api/v1/employers/sign-up",
         body(lambda w: "/api/v1/employers/sign-up",
              {"name": "M", "organisation": "O", "email": "matrix@example.org"}),
         public(202)),
    Spec("GET /api/v1/watchlists", get(W), api({E: 200})),
    Spec("POST /api/v1/watchlists", body(lambda w: W, {"name": "matrix"}), api({E: 201}),
         after=_keep("wl")),
    Spec("GET /api/v1/watchlists/{watchlist_id:str}", get(lambda w: f"{W}/{w.made['wl']}"),
         api({E: 200})),
    Spec("POST /api/v1/watchlists/{watchlist_id:str}/items",
         body(lambda w: f"{W}/{w.made['wl']}/items", {"ref": "RMP-00000000"}), api({E: 404}),
         variant="unknown provider"),
    Spec("POST /api/v1/watchlists/{watchlist_id:str}/items",
         lambda w, _: Req(f"{W}/{w.made['wl']}/items", json={"ref": w.provider_a}),
         api({E: 201}), after=_keep("item")),
    Spec("DELETE /api/v1/watchlists/{watchlist_id:str}/items/{item_id:str}",
         lambda w, _: Req(f"{W}/{w.made['wl']}/items/{w.made['item']}"), api({E: 204})),
    Spec("POST /api/v1/watchlists/{watchlist_id:str}/uploads",
         lambda w, _: _csv_post(f"{W}/{w.made['wl']}/uploads"), api({E: 202}),
         after=_keep("upload")),
    Spec("POST /api/v1/watchlists/{watchlist_id:str}/uploads/{check_id:str}/apply",
         lambda w, _: Req(f"{W}/{w.made['wl']}/uploads/{w.made['upload']}/apply", json={}),
         api({E: 200})),
    Spec("DELETE /api/v1/watchlists/{watchlist_id:str}",
         lambda w, _: Req(f"{W}/{w.made['wl']}"), api({E: 204})),
    Spec("POST /api/v1/supplier-checks", lambda w, _: _csv_post(C), public(202),
         after=_keep("check")),
    Spec("GET /api/v1/supplier-checks/{check_id:str}", get(lambda w: f"{C}/{w.made['check']}"),
         public(200)),
    Spec("GET /api/v1/supplier-checks/{check_id:str}/report.csv",
         get(lambda w: f"{C}/{w.made['check']}/report.csv"), public(200)),
    # The pages anyone may open.
    Spec("GET /employers/sign-up", get("/employers/sign-up"), public(200)),
    Spec("POST /employers/sign-up",
         form(lambda w: "/employers/sign-up", name="M", organisation="O", email="m@example.org"),
         public(200)),
    Spec("GET /employers/confirm", get("/employers/confirm", key="not-a-key"), public(404)),
    Spec("POST /employers/confirm", form(lambda w: "/employers/confirm", key="not-a-key"),
         public(404)),
    Spec("GET /supplier-check", get("/supplier-check"), public(200)),
    Spec("GET /supplier-check/template.csv", get("/supplier-check/template.csv"), public(200)),
    Spec("POST /supplier-check",
         lambda w, _: Req("/supplier-check", form={}, files={"file": ("s.csv", CSV, "text/csv")}),
         public(303), after=_keep("page_check", location=True)),
    Spec("GET /supplier-check/{check_id:str}",
         get(lambda w: f"/supplier-check/{w.made['page_check']}"), public(200)),
    Spec("GET /supplier-check/{check_id:str}/report.csv",
         get(lambda w: f"/supplier-check/{w.made['page_check']}/report.csv"), public(200)),
    Spec("GET /supplier-check/{check_id:str}/report.pdf",
         get(lambda w: f"/supplier-check/{w.made['page_check']}/report.pdf"), public(200)),
    # The employer's portal.
    Spec(f"GET {P}", get(P), page({E: 200})),
    Spec(f"POST {P}/watchlists", form(lambda w: f"{P}/watchlists", name="portal"),
         page({E: _E303}), after=_keep("pwl", location=True)),
    Spec(f"GET {P}/watchlists/{{watchlist_id:str}}",
         get(lambda w: f"{P}/watchlists/{w.made['pwl']}"), page({E: 200})),
    Spec(f"POST {P}/watchlists/{{watchlist_id:str}}/items",
         lambda w, _: Req(f"{P}/watchlists/{w.made['pwl']}/items", form={"ref": w.provider_a}),
         page({E: _E303})),
    Spec(f"POST {P}/watchlists/{{watchlist_id:str}}/items/{{item_id:str}}/remove",
         lambda w, _: Req(f"{P}/watchlists/{w.made['pwl']}/items/{w.made['pitem']}/remove",
                          form={}),
         page({E: _E303}), before=_portal_item),
    Spec(f"POST {P}/watchlists/{{watchlist_id:str}}/uploads",
         lambda w, _: Req(f"{P}/watchlists/{w.made['pwl']}/uploads", form={},
                          files={"file": ("s.csv", CSV, "text/csv")}),
         page({E: _E303}), after=_keep("pupload", location=True)),
    Spec(f"GET {P}/uploads/{{check_id:str}}", get(lambda w: f"{P}/uploads/{w.made['pupload']}"),
         page({E: 200})),
    Spec(f"POST {P}/uploads/{{check_id:str}}/apply",
         lambda w, _: Req(f"{P}/uploads/{w.made['pupload']}/apply", form={}),
         page({E: _E303})),
    Spec(f"GET {P}/watch", get(f"{P}/watch", ref="RMP-00000000"), page({E: 200})),
    Spec(f"POST {P}/watch",
         lambda w, _: Req(f"{P}/watch", form={"ref": w.provider_b, "watchlist_id": w.made["pwl"]}),
         page({E: _E303})),
    Spec(f"POST {P}/watchlists/{{watchlist_id:str}}/delete",
         lambda w, _: Req(f"{P}/watchlists/{w.made['pwl']}/delete", form={}),
         page({E: allow(303, P)})),
]  # fmt: skip
