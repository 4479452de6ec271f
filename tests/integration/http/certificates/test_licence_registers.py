"""National licence registers, end to end on the real stack (both engines): an import
checks the certified provider's licence, and what the register says reaches the
certificate, the verify API, the verify page, the certificate page, the provider's record,
its portal and the transparency log."""

from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import httpx
import pytest

from registry import identity
from registry.certificates.tables import CertificateRow
from registry.clock import utc_now
from registry.errors import InvalidRequestError
from registry.providers import Licence, ProviderInput
from registry.registers import formats, service
from registry.registers.model import file_digest
from registry.registers.tables import LicenceFindingRow, RegisterImportRow
from registry.transparency.log import current_size, read_entries
from registry.trust.statuslist import StatusList
from tests.support.certified import Certified
from tests.support.portal import page, sign_in

HEADER = "License No,Agency Name,Status,Validity\n"
NUMBER = "DMW-033-LB-050522-R"  # cancelled in the shipped sample
DAY = dt.timedelta(days=1)


async def _licence(certified: Certified, number: str = NUMBER, authority: str = "DMW") -> None:
    world = certified.world
    await identity.update(
        world.provider_id,
        ProviderInput(licences=[Licence("PH", number, authority, dt.date.today() + 400 * DAY)]),
        world.secretariat.actor,
        explanation="the licence the provider holds",
    )


def _register(status: str, number: str = NUMBER) -> bytes:
    return f"{HEADER}{number},Agencia Uno,{status},2027-01-01\nDMW-1,Other,Valid,\n".encode()


async def _entries_since(start: int) -> list[dict[str, Any]]:
    size = await current_size()
    if size <= start:
        return []
    return [json.loads(e.entry) for e in await read_entries(start, size)]


async def _provider_licence(certified: Certified) -> dict[str, Any]:
    response = await certified.client.get(f"/api/v1/providers/{certified.world.provider_id}")
    assert response.status_code == 200, response.text
    [licence] = response.json()["licences"]
    return dict(licence)


async def test_cancelled_licence_suspends_and_every_path_shows_it(certified: Certified) -> None:
    await _licence(certified)
    # Verified once before: the remembered verdict must not outlive the import.
    [before] = (await certified.verify())["certificate"]["licences"]
    assert (before["state"], before["registerStatus"]) == ("self_declared", None)
    start = await current_size()
    data = formats.sample("PH").read_bytes()
    outcome = await service.import_register("PH", data, "PH-dmw.csv", "system:cli")
    assert (outcome.entries, outcome.matched, outcome.changed) == (6, 1, 1)
    assert [(a.action, a.certificate) for a in outcome.actions] == [
        ("finding_opened", certified.world.provider_id),
        ("suspended", certified.id),
    ]
    reason = outcome.actions[1].reason
    assert NUMBER in reason
    assert "cancelled" in reason
    assert "LAW-1" in reason

    # The certificate, through the normal path: suspended with the reason, logged.
    read = await certified.read()
    assert (read["status"], read["status_reason"]) == ("suspended", reason)
    kinds = [e["type"] for e in await _entries_since(start)]
    assert kinds == [
        "provider.licence_finding",
        "certificate.suspended",
        "provider.licence_checked",
        "register.imported",
    ]
    imported = (await _entries_since(start))[-1]
    assert imported["subject"] == {
        "import": outcome.import_id,
        "country": "PH",
        "entries": "6",
        "matched": "1",
        "changed": "1",
    }
    assert imported["digests"] == {"register": file_digest(data)}

    # The provider's public record: checked against the register, with the status and date.
    check = (await _provider_licence(certified))["verification"]
    assert check["state"] == "checked_against_register"
    assert (check["register_status"], check["match"]) == ("cancelled", "number")
    assert check["checked_at"]
    assert "Department of Migrant Workers" in check["source"]
    assert check["finding"]["state"] == "open"
    assert check["finding"]["indicator"] == "LAW-1"

    # The verify API: suspended, with the reason and the licence's state and date.
    verdict = await certified.verify()
    assert (verdict["valid"], verdict["status"]) == (False, "suspended")
    assert reason in verdict["reason"]
    [shown] = verdict["certificate"]["licences"]
    assert (shown["number"], shown["registerStatus"]) == (NUMBER, "cancelled")
    assert shown["checkedAt"] == check["checked_at"]

    # The verify page and the certificate page.
    code = certified.certificate["code"]
    body = (await certified.client.get(f"/verify?code={code}")).text
    assert "The provider&#39;s licences" in body or "The provider's licences" in body
    assert NUMBER in body
    assert "Cancelled</strong> in the national register" in body
    body = (await certified.client.get(f"/certificates/{code}")).text
    assert "Cancelled</strong> in the national register" in body
    assert html.escape(reason) in body  # why it is suspended
    assert NUMBER in body
    assert "LAW-1" in body

    # The public provider page: the licence's state and date, the suspension's reason.
    body = (await certified.client.get(f"/providers/{certified.world.provider_id}")).text
    assert "Cancelled</strong> in the national register" in body
    assert check["checked_at"][:10] in body
    assert html.escape(reason) in body

    # The credential's status: the bit is set in the signed suspension list it points to.
    entry = certified.status_entry("suspension")
    listed = await certified.client.get(httpx.URL(entry["statusListCredential"]).path)
    assert listed.status_code == 200, listed.text
    bits = StatusList.decode(listed.json()["credentialSubject"]["encodedList"])
    assert bits.get(int(entry["statusListIndex"]))

    # The provider's portal says so.
    await sign_in(certified.client, _token(certified))
    portal = await page(certified.client, "/portal/provider")
    assert f"Licence {NUMBER} (PH) is cancelled" in portal

    # Applied again (lifecycle run): nothing more happens.
    assert await service.reapply() == []


def _token(certified: Certified) -> str:
    return certified.world.provider.headers["Authorization"].removeprefix("Bearer ")


async def test_valid_again_reinstates_when_the_licence_was_the_only_reason(
    certified: Certified,
) -> None:
    await _licence(certified)
    await service.import_register("PH", _register("Banned"), "ph.csv", "system:cli")
    assert (await certified.read())["status"] == "suspended"
    outcome = await service.import_register("PH", _register("Valid"), "ph2.csv", "system:cli")
    assert [a.action for a in outcome.actions] == ["finding_closed", "reinstated"]
    assert (await certified.read())["status"] == "valid"
    assert (await certified.verify())["valid"] is True
    check = (await _provider_licence(certified))["verification"]
    assert (check["register_status"], check.get("finding")) == ("valid", None)
    rows = await LicenceFindingRow.select(LicenceFindingRow.state)
    assert [r["state"] for r in rows] == ["closed"]


async def test_a_secretariat_suspension_is_not_lifted_by_the_register(
    certified: Certified,
) -> None:
    await _licence(certified)
    assert (await certified.change("suspend", "complaint under investigation")).status_code == 200
    outcome = await service.import_register("PH", _register("Suspended"), "a.csv", "system:cli")
    assert [a.action for a in outcome.actions] == ["finding_opened"]  # already suspended
    outcome = await service.import_register("PH", _register("Valid"), "b.csv", "system:cli")
    assert [a.action for a in outcome.actions] == ["finding_closed"]
    read = await certified.read()
    assert (read["status"], read["status_reason"]) == (
        "suspended",
        "complaint under investigation",
    )


async def test_expired_warns_then_suspends_after_the_grace(certified: Certified) -> None:
    await _licence(certified)
    now = utc_now()
    outcome = await service.import_register(
        "PH", _register("Expired"), "ph.csv", "system:cli", now=now
    )
    assert [a.action for a in outcome.actions] == ["finding_warning"]
    assert (await certified.read())["status"] == "valid"
    check = (await _provider_licence(certified))["verification"]
    assert check["finding"]["state"] == "warning"
    due = dt.datetime.fromisoformat(check["finding"]["due_at"].replace("Z", "+00:00"))
    assert due - now == 30 * DAY  # core-rights: close_within_days of critical
    await sign_in(certified.client, _token(certified))
    assert f"Licence {NUMBER} (PH) is expired" in await page(certified.client, "/portal/provider")

    assert await service.reapply(now + 29 * DAY) == []
    actions = await service.reapply(now + 30 * DAY)
    assert [a.action for a in actions] == ["finding_opened", "suspended"]
    assert "not renewed by" in actions[1].reason
    assert (await certified.verify())["status"] == "suspended"


async def test_a_match_by_name_only_is_recorded_but_suspends_nothing(
    certified: Certified,
) -> None:
    await _licence(certified, number="OLD-7", authority="DMW")
    data = f"{HEADER}DMW-77,Agencia Uno,Cancelled,2027-01-01\n".encode()
    outcome = await service.import_register("PH", data, "ph.csv", "system:cli")
    assert outcome.actions == []
    check = (await _provider_licence(certified))["verification"]
    assert (check["register_status"], check["match"]) == ("cancelled", "name")
    assert (await certified.read())["status"] == "valid"


async def test_a_bad_file_imports_nothing(certified: Certified) -> None:
    await _licence(certified)
    start = await current_size()
    bad = _register("Cancelled") + b"DMW-9,Third,Dormant,\n"
    with pytest.raises(InvalidRequestError, match="line 4: status 'Dormant'"):
        await service.import_register("PH", bad, "bad.csv", "system:cli")
    assert await RegisterImportRow.count() == 0
    assert await current_size() == start
    assert (await _provider_licence(certified))["verification"]["state"] == "self_declared"
    assert await CertificateRow.count().where(CertificateRow.state == "suspended") == 0
