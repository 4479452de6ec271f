"""The files of complaints and appeals: sealed before they reach the disk, downloaded as sent
by those who may see them (the complainant their own with the key, a provider its own, the
secretariat every one), and gone with an erased case."""

from __future__ import annotations

from registry.assessments import store
from registry.complaints.tables import ComplaintAttachmentRow
from tests.integration.http.complaints.test_complaint_path import call, complaint, file
from tests.support.assessments import PDF, World
from tests.support.certified import Certified

# A PDF holding the complainant's name, as a scanned contract would.
CONTRACT = PDF + b"\n% Employment contract of Maria Santos Dela Cruz\n"


async def _attach(world: World, ref: str, headers: dict[str, str], content: bytes) -> str:
    answer = await world.client.post(
        f"/api/v1/complaints/{ref}/attachments",
        params={"filename": "kontrata ng trabaho.pdf"},
        content=content,
        headers={**headers, "Content-Type": "application/pdf"},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


async def test_a_file_is_sealed_at_rest_and_opened_only_for_those_who_may(
    certified: Certified,
) -> None:
    world, client = certified.world, certified.client
    ref, key = await file(client, complaint(certified.certificate["code"]))
    mine = await _attach(world, ref, {"Complaint-Key": key}, CONTRACT)
    theirs = await _attach(world, ref, world.provider.headers, PDF + b"% register\n")

    # On disk: neither the bytes as sent nor anything readable of them.
    row = (
        await ComplaintAttachmentRow.select()
        .where(ComplaintAttachmentRow.public_id == mine)
        .first()
    )
    assert row is not None
    assert not store.blob_path(row["sha256"]).exists()
    stored = store.blob_path(row["stored_sha256"]).read_bytes()
    assert b"Dela Cruz" not in stored
    assert b"%PDF" not in stored

    url = f"/api/v1/complaints/{ref}/attachments/{mine}"
    got = await client.get(url, headers={"Complaint-Key": key})
    assert got.status_code == 200, got.text
    assert got.content == CONTRACT
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["cache-control"] == "private, no-store"
    assert got.headers["content-disposition"] == (
        'attachment; filename="kontrata ng trabaho.pdf"; '
        "filename*=UTF-8''kontrata%20ng%20trabaho.pdf"
    )
    assert (await call(client, "GET", url, world.secretariat)).content == CONTRACT

    # Nobody else learns it exists: a wrong key, the provider (no consent), another provider,
    # no credentials; and the complainant cannot open the provider's file.
    refused = [
        await client.get(url, headers={"Complaint-Key": "rmk_wrong"}),
        await call(client, "GET", url, world.provider),
        await call(client, "GET", url, world.other_provider),
        await client.get(url),
        await client.get(
            f"/api/v1/complaints/{ref}/attachments/{theirs}", headers={"Complaint-Key": key}
        ),
    ]
    assert [r.status_code for r in refused] == [404] * 5
    assert (await call(client, "GET", url, world.auditor)).status_code == 403  # not its role
    own = f"/api/v1/complaints/{ref}/attachments/{theirs}"
    assert (await call(client, "GET", own, world.provider)).status_code == 200
    assert (await call(client, "GET", own, world.other_provider)).status_code == 404

    # Erased on request: the files go with the words.
    erased = await call(client, "POST", f"/api/v1/complaints/{ref}/erase", world.secretariat)
    assert erased.status_code == 204, erased.text
    assert not store.blob_path(row["stored_sha256"]).exists()
    assert (await call(client, "GET", url, world.secretariat)).status_code == 404


async def test_an_appeals_file_is_the_appellants_and_the_secretariats(
    certified: Certified,
) -> None:
    world, client = certified.world, certified.client
    ref, _ = await file(client, complaint(certified.certificate["code"]))
    for step, body in (
        ("acknowledge", {}),
        ("close", {"outcome": "substantiated", "reasons": "x"}),
    ):
        done = await call(
            client, "POST", f"/api/v1/complaints/{ref}/{step}", world.secretariat, json=body
        )
        assert done.status_code == 200, done.text
    lodged = await call(
        client, "POST", "/api/v1/appeals", world.provider,
        json={"subject": "complaint_outcome", "target": ref, "reasons": "we disagree"},
    )  # fmt: skip
    assert lodged.status_code == 201, lodged.text
    appeal = lodged.json()["id"]
    attached = await client.post(
        f"/api/v1/appeals/{appeal}/attachments",
        params={"filename": "register.pdf"},
        content=PDF,
        headers={**world.provider.headers, "Content-Type": "application/pdf"},
    )
    assert attached.status_code == 201, attached.text
    url = f"/api/v1/appeals/{appeal}/attachments/{attached.json()['id']}"
    for who, status in (
        (world.provider, 200),
        (world.secretariat, 200),
        (world.other_provider, 404),
        (world.auditor, 403),
    ):
        got = await call(client, "GET", url, who)
        assert got.status_code == status, (who, got.text)
        if status == 200:
            assert got.content == PDF
