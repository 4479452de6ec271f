"""Supplier checks over the API: short lists at once, long ones by polling, limits as 4xx
problems naming the row, CSV reports that no spreadsheet runs; and an employer's upload
into a watchlist, reviewed before anything is added."""

from __future__ import annotations

import csv
import io

from tests.support.certified import Certified
from tests.support.http import assert_problem
from tests.support.providers import Headers

C = "/api/v1/supplier-checks"
CSV = {"Content-Type": "text/csv"}


def supplier_list(code: str, extra: int = 0) -> bytes:
    lines = [
        "name,country,licence_number,certificate_code",
        f"Somebody,PH,,{code}",
        "Agencia Dos,PH,,",  # by name
        "Agencia Do,PH,,",  # a typo: doubtful
        '=HYPERLINK("http://evil"),PH,,',  # not found, and a formula to defuse
    ]
    lines += [f"Unknown Supplier {i},NP,L-{i}," for i in range(extra)]
    return ("\r\n".join(lines) + "\r\n").encode()


async def test_a_short_list_is_checked_at_once(certified: Certified) -> None:
    client = certified.client
    answer = await client.post(C, content=supplier_list(certified.certificate["code"]), headers=CSV)
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert answer.headers["location"] == body["url"]
    assert body["state"] == "done"
    assert body["total"] == body["done"] == 4
    assert (body["matched"], body["doubtful"], body["not_found"]) == (2, 1, 1)
    first, second, third, fourth = body["rows"]
    assert first["provider_id"] == certified.world.provider_id
    assert first["standing"]["status"] == "valid"
    assert first["standing"]["grade"] == certified.certificate["grade"]
    assert second["provider_id"] == certified.world.other_provider_id
    assert second["standing"]["status"] == "not certified"
    assert third["outcome"] == "doubtful"
    assert fourth["outcome"] == "not_found"
    assert fourth["standing"] is None
    report = await client.get(body["report_csv"].replace("http://127.0.0.1:8000", ""))
    assert report.status_code == 200
    assert report.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[4][1] == '\'=HYPERLINK("http://evil")'
    assert rows[1][10] == "valid"


async def test_a_long_list_progresses_by_polling(certified: Certified) -> None:
    client = certified.client
    data = supplier_list(certified.certificate["code"], extra=120)
    answer = await client.post(C, files={"file": ("suppliers.csv", data, "text/csv")})
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert body["state"] == "queued"
    assert body["done"] == 0
    assert body["total"] == 124
    path = f"{C}/{body['id']}"
    seen = [0]
    while body["state"] == "queued":
        body = (await client.get(path)).json()
        seen.append(body["done"])
    assert seen == [0, 50, 100, 124]
    assert body["rows"][0]["standing"]["status"] == "valid"
    assert body["not_found"] == 121


async def test_limits_and_bad_rows_are_problems_naming_them(certified: Certified) -> None:
    client = certified.client
    bad = await client.post(C, content=b"name,country\nA,PH\n,,\n,PH\n", headers=CSV)
    assert_problem(bad, 422, "rows[2].name")
    big = b"name\n" + b"".join(b"s%d\n" % i for i in range(5001))
    assert_problem(await client.post(C, content=big, headers=CSV), 413, "file")
    assert_problem(
        await client.post(C, content=b"{}", headers={"Content-Type": "application/json"}), 415
    )
    assert_problem(await client.get(f"{C}/chk_nothing"), 404)


async def test_an_upload_into_a_watchlist_is_reviewed_first(
    certified: Certified, employer: Headers
) -> None:
    client = certified.client
    wl = (await client.post("/api/v1/watchlists", json={"name": "S"}, headers=employer)).json()[
        "id"
    ]
    up = await client.post(
        f"/api/v1/watchlists/{wl}/uploads",
        content=supplier_list(certified.certificate["code"]),
        headers={**employer, **CSV},
    )
    assert up.status_code == 202, up.text
    check = up.json()
    assert_problem(await client.get(f"{C}/{check['id']}"), 404)  # the employer's own only
    assert (await client.get(f"{C}/{check['id']}", headers=employer)).status_code == 200
    assert (await client.get(f"/api/v1/watchlists/{wl}", headers=employer)).json()["items"] == []
    doubtful = next(r for r in check["rows"] if r["outcome"] == "doubtful")
    wrong = await client.post(
        f"/api/v1/watchlists/{wl}/uploads/{check['id']}/apply",
        json={"choices": {str(doubtful["line"]): "RMP-00000000"}},
        headers=employer,
    )
    assert_problem(wrong, 422, f"rows[{doubtful['line']}]")
    applied = await client.post(
        f"/api/v1/watchlists/{wl}/uploads/{check['id']}/apply",
        json={"choices": {str(doubtful["line"]): doubtful["candidates"][0]["id"]}},
        headers=employer,
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["added"] == 2  # two matched, the doubtful one the same as one of them
    again = await client.post(
        f"/api/v1/watchlists/{wl}/uploads/{check['id']}/apply", json={}, headers=employer
    )
    assert_problem(again, 409)
