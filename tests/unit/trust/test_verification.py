"""The verification engine: every check, every tampering class, status, keys and hostile input."""

from __future__ import annotations

import base64
import copy
import gzip
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.trust.statuslist import MIN_BITS, StatusList
from registry.trust.verify.engine import (
    CHECK_NAMES,
    IssuerTrust,
    IssuerTrustError,
    Verdict,
    parse_datetime,
    verify_certificate,
)
from tests.support.credentials import (
    CONTEXT_URL,
    DID,
    LIST_URLS,
    NOW,
    Doc,
    World,
    iso,
    later,
    mutated,
    new_key,
)

REVOCATION_INDEX = 94_567
SUSPENSION_INDEX = 12_001


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def certificate(world: World) -> Doc:
    return world.certificate()


def results(verdict: Verdict) -> dict[str, str]:
    return {check.name: check.result for check in verdict.checks}


def assert_valid(verdict: Verdict) -> None:
    assert verdict.valid, verdict.to_dict()
    assert verdict.status == "valid"
    assert set(results(verdict).values()) == {"passed"}


# --- the happy path ---------------------------------------------------------------------------


def test_a_fresh_certificate_is_valid_with_every_check_passed(
    world: World, certificate: Doc
) -> None:
    verdict = world.verify(certificate)
    assert_valid(verdict)
    assert [check.name for check in verdict.checks] == list(CHECK_NAMES)
    assert all(check.detail for check in verdict.checks)
    assert verdict.certificate == {
        "id": certificate["id"],
        "code": "RM-7K3Q-9XPD",
        "provider": {
            "id": "prv_01HZX3",
            "legalName": "Kalayaan Manpower Services Inc.",
            "country": "PH",
        },
        "grade": "A",
        "score": 92,
        "standard": {"slug": "core-rights", "version": "1.2.0", "digest": "sha256:" + "ab" * 32},
        "validFrom": "2026-01-15T00:00:00Z",
        "validUntil": "2029-01-15T00:00:00Z",
    }
    json.dumps(verdict.to_dict())  # the API answers with it as is


def test_verification_does_not_modify_the_credential_or_lists(
    world: World, certificate: Doc
) -> None:
    before, lists_before = copy.deepcopy(certificate), copy.deepcopy(world.lists)
    world.verify(certificate)
    assert certificate == before
    assert world.lists == lists_before


def test_non_integral_scores_verify(world: World) -> None:
    assert_valid(world.verify(world.certificate(score=87.5)))


# --- tampering: every field class fails, naming the check ---------------------------------------

TAMPERING: list[tuple[str, tuple[Any, ...], Any, str]] = [
    # subject
    ("legal name", ("credentialSubject", "provider", "legalName"), "Other Ltd", "signature"),
    ("provider id", ("credentialSubject", "provider", "registryId"), "prv_X", "signature"),
    ("country", ("credentialSubject", "provider", "country"), "AE", "signature"),
    ("licence", ("credentialSubject", "provider", "licence", 0, "licenceNumber"), "X", "signature"),
    ("grade", ("credentialSubject", "grade"), "A+", "signature"),
    ("score", ("credentialSubject", "score"), 100, "signature"),
    ("code", ("credentialSubject", "certificateCode"), "RM-0000-0000", "signature"),
    ("standard version", ("credentialSubject", "standard", "version"), "1.3.0", "signature"),
    ("standard digest", ("credentialSubject", "standard", "digest"), "sha256:00", "signature"),
    ("scope", ("credentialSubject", "scope", "corridor"), ["PH-AE", "NP-QA"], "signature"),
    ("report digest", ("credentialSubject", "reportDigest"), "sha256:00", "signature"),
    ("subject removed", ("credentialSubject",), ..., "format"),
    # dates
    ("validFrom", ("validFrom",), "2025-01-15T00:00:00Z", "signature"),
    ("validUntil", ("validUntil",), "2039-01-15T00:00:00Z", "signature"),
    ("validUntil garbage", ("validUntil",), "next year", "format"),
    ("validFrom removed", ("validFrom",), ..., "format"),
    # status entries
    ("revocation index", ("credentialStatus", 0, "statusListIndex"), "5", "signature"),
    ("suspension index", ("credentialStatus", 1, "statusListIndex"), "6", "signature"),
    ("index as number", ("credentialStatus", 0, "statusListIndex"), 94_567, "format"),
    ("index negative", ("credentialStatus", 0, "statusListIndex"), "-1", "format"),
    (
        "list url",
        ("credentialStatus", 0, "statusListCredential"),
        LIST_URLS["suspension"],
        "signature",
    ),
    ("purpose swapped", ("credentialStatus", 0, "statusPurpose"), "suspension", "format"),
    ("status removed", ("credentialStatus",), ..., "format"),
    ("status entry type", ("credentialStatus", 0, "type"), "StatusList2021Entry", "format"),
    # proof
    ("proof value", ("proof", "proofValue"), "z" + "1" * 86, "signature"),
    ("proof created", ("proof", "created"), "2026-01-15T09:30:01Z", "signature"),
    ("proof created removed", ("proof", "created"), ..., "key"),
    ("proof purpose", ("proof", "proofPurpose"), "authentication", "signature"),
    ("proof cryptosuite", ("proof", "cryptosuite"), "eddsa-rdfc-2022", "signature"),
    ("proof method", ("proof", "verificationMethod"), f"{DID}#z6MkOther", "key"),
    ("proof removed", ("proof",), ..., "signature"),
    ("proof context", ("proof", "@context"), ["https://www.w3.org/ns/credentials/v2"], "signature"),
    # context, type, id, issuer
    ("context appended", ("@context",), None, "format"),
    ("context replaced", ("@context", 1), "https://evil.example/context", "format"),
    ("context v1", ("@context", 0), "https://www.w3.org/2018/credentials/v1", "format"),
    ("type", ("type",), ["VerifiableCredential"], "format"),
    ("id", ("id",), "https://registry.example/credentials/other", "signature"),
    ("issuer", ("issuer",), "did:web:evil.example", "issuer"),
]


@pytest.mark.parametrize(
    ("path", "value", "failing"),
    [pytest.param(path, value, failing, id=name) for name, path, value, failing in TAMPERING],
)
def test_tampering_fails_the_right_check(
    world: World, certificate: Doc, path: tuple[Any, ...], value: Any, failing: str
) -> None:
    if path == ("@context",):
        tampered = copy.deepcopy(certificate)
        tampered["@context"].append("https://evil.example/extra")
    else:
        tampered = mutated(certificate, path, value)
    verdict = world.verify(tampered)
    assert not verdict.valid
    assert verdict.status == "invalid"
    assert results(verdict)[failing] == "failed", verdict.to_dict()
    assert verdict.reason


def test_tampering_is_caught_by_the_signature_even_when_the_shape_is_fine(
    world: World, certificate: Doc
) -> None:
    tampered = mutated(certificate, ("credentialSubject", "grade"), "A+")
    verdict = world.verify(tampered)
    failed = [check.name for check in verdict.checks if check.result == "failed"]
    assert failed == ["signature"]
    assert "altered" in verdict.reason


# --- status: revoked, suspended, reinstated -----------------------------------------------------


def test_revoked_certificate(world: World, certificate: Doc) -> None:
    world.bits["revocation"].set(REVOCATION_INDEX)
    world.publish()
    verdict = world.verify(certificate)
    assert not verdict.valid
    assert verdict.status == "revoked"
    assert results(verdict)["revocation"] == "failed"
    assert results(verdict)["suspension"] == "passed"
    assert "revoked" in verdict.reason


def test_suspend_then_reinstate(world: World, certificate: Doc) -> None:
    trust = world.trust()
    assert_valid(world.verify(certificate, trust=trust))
    world.bits["suspension"].set(SUSPENSION_INDEX)
    world.publish()
    suspended = world.verify(certificate, trust=trust)
    assert (suspended.valid, suspended.status) == (False, "suspended")
    assert "suspended" in suspended.reason
    world.bits["suspension"].set(SUSPENSION_INDEX, False)
    world.publish()
    assert_valid(world.verify(certificate, trust=trust))


def test_revocation_wins_over_suspension_and_expiry(world: World, certificate: Doc) -> None:
    world.bits["revocation"].set(REVOCATION_INDEX)
    world.bits["suspension"].set(SUSPENSION_INDEX)
    world.publish()
    verdict = world.verify(certificate)
    assert verdict.status == "revoked"
    assert results(verdict)["suspension"] == "failed"


def test_another_certificates_bit_does_not_matter(world: World, certificate: Doc) -> None:
    world.bits["revocation"].set(REVOCATION_INDEX + 1)
    world.bits["revocation"].set(REVOCATION_INDEX - 1)
    world.publish()
    assert_valid(world.verify(certificate))


# --- the validity window -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("when", "status"),
    [
        (parse_datetime("2029-01-15T00:00:00Z"), "expired"),  # validUntil is exclusive
        (parse_datetime("2031-01-01T00:00:00Z"), "expired"),
        (parse_datetime("2026-01-14T23:59:59Z"), "not_yet_valid"),
    ],
)
def test_outside_the_validity_window(
    world: World, certificate: Doc, when: Any, status: str
) -> None:
    # Lists valid at that time, so only the certificate's window matters.
    for purpose in LIST_URLS:
        world.lists[LIST_URLS[purpose]] = world.sign(
            world.status_list(purpose, valid_from=when, valid_until=None)
        )
    verdict = world.verify(certificate, now=when)
    assert (verdict.valid, verdict.status) == (False, status)
    assert results(verdict)["validity"] == "failed"
    assert results(verdict)["revocation"] == "passed"


def test_first_instant_is_valid(world: World, certificate: Doc) -> None:
    start = parse_datetime("2026-01-15T00:00:00Z")
    assert start is not None
    for purpose in LIST_URLS:
        world.lists[LIST_URLS[purpose]] = world.sign(
            world.status_list(purpose, valid_from=start, valid_until=None)
        )
    assert_valid(world.verify(certificate, now=start))


def test_expired_and_revoked_reports_revoked(world: World, certificate: Doc) -> None:
    world.bits["revocation"].set(REVOCATION_INDEX)
    world.publish()
    when = later(10)
    expired = mutated(certificate, ("validUntil",), iso(NOW))
    resigned = world.sign({k: v for k, v in expired.items() if k != "proof"})
    verdict = world.verify(resigned, now=when)
    assert verdict.status == "revoked"


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda c: mutated(c, ("validUntil",), iso(later(400))), id="altered"),
        pytest.param(lambda c: {k: v for k, v in c.items() if k != "proof"}, id="unsigned"),
        pytest.param(lambda c: mutated(c, ("issuer",), "did:web:elsewhere.example"), id="issuer"),
    ],
)
def test_a_forgery_is_invalid_whatever_its_status_entries_say(
    world: World, certificate: Doc, forge: Any
) -> None:
    """Status entries copied from a revoked certificate into an altered one: the verdict is
    'not genuine', never 'revoked' (which would blame the provider it names), no status list
    is consulted on its word, and the provider it names is not shown."""
    world.bits["revocation"].set(REVOCATION_INDEX)
    world.publish()
    verdict = world.verify(forge(certificate), lists={})  # a fetch would fail: none is made
    assert verdict.status == "invalid"
    assert verdict.reason.startswith("Not a genuine certificate of this registry: ")
    assert results(verdict)["revocation"] == "skipped"
    assert results(verdict)["suspension"] == "skipped"
    assert verdict.certificate is None


# --- keys: rotation and compromise ------------------------------------------------------------


def test_rotation_keeps_old_certificates_valid() -> None:
    old, new = new_key(), new_key()
    world = World(keys=[old])
    by_old = world.certificate(key=old)
    world.keys.append(new)
    world.publish(key=new)
    by_new = world.certificate(key=new, code="RM-AAAA-BBBB")
    assert_valid(world.verify(by_old))
    assert_valid(world.verify(by_new))


def test_a_key_removed_from_the_did_document_is_unknown() -> None:
    old, new = new_key(), new_key()
    world = World(keys=[old])
    by_old = world.certificate(key=old)
    world.keys = [new]
    world.publish(key=new)
    verdict = world.verify(by_old)
    assert results(verdict)["key"] == "failed"
    assert results(verdict)["signature"] == "skipped"
    assert "not a registry key" in verdict.reason


@pytest.mark.parametrize(
    ("compromised_at", "valid"),
    [
        ("2026-01-15T09:29:59Z", False),  # compromised before the proof: void
        ("2026-01-15T09:30:00Z", False),  # at the very instant: void
        ("2026-01-15T09:30:01Z", True),  # afterwards: the certificate stays valid
        ("2027-01-01T00:00:00Z", True),
    ],
)
def test_key_compromise_voids_only_later_signatures(compromised_at: str, valid: bool) -> None:
    key = new_key()
    world = World(keys=[key])
    certificate = world.certificate(key=key)  # created 2026-01-15T09:30:00Z
    key.revoked = compromised_at
    replacement = new_key()
    world.keys.append(replacement)
    world.publish(key=replacement)
    verdict = world.verify(certificate)
    assert verdict.valid is valid
    if not valid:
        assert results(verdict)["key"] == "failed"
        assert "compromised since" in verdict.reason
        assert results(verdict)["signature"] == "passed"  # genuine, but the key is void


def test_status_list_signed_with_a_compromised_key_fails() -> None:
    key = new_key(revoked="2026-05-01T00:00:00Z")
    world = World(keys=[key])
    certificate = world.certificate(key=key)  # signed before the compromise
    world.publish(key=key, created="2026-05-31T00:00:00Z")  # lists signed after it
    verdict = world.verify(certificate)
    assert results(verdict)["revocation"] == "failed"
    assert "compromised" in verdict.check("revocation").detail  # type: ignore[union-attr]


# --- status lists must themselves verify ---------------------------------------------------------


def hand_encoded(size_bytes: int, set_first: bool = False) -> str:
    raw = bytearray(size_bytes)
    if set_first:
        raw[0] = 0x80
    compressed = gzip.compress(bytes(raw), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def serve(world: World, purpose: str, document: Doc) -> dict[str, Doc]:
    return {**world.lists, LIST_URLS[purpose]: document}


def test_a_status_list_shorter_than_131072_entries_fails(world: World, certificate: Doc) -> None:
    short = world.sign(world.status_list("revocation", encoded=hand_encoded(MIN_BITS // 8 - 1)))
    verdict = world.verify(certificate, lists=serve(world, "revocation", short))
    assert not verdict.valid
    assert results(verdict)["revocation"] == "failed"
    assert "at least 131072" in verdict.check("revocation").detail  # type: ignore[union-attr]


def test_a_hand_encoded_list_of_exactly_the_minimum_works(world: World, certificate: Doc) -> None:
    exact = world.sign(world.status_list("revocation", encoded=hand_encoded(MIN_BITS // 8)))
    assert_valid(world.verify(certificate, lists=serve(world, "revocation", exact)))


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda doc: doc["credentialSubject"].update(encodedList=hand_encoded(16384, True)),
            "signature",
        ),
        (lambda doc: doc["proof"].update(proofValue="z" + "2" * 86), "signature"),
        (lambda doc: doc.update(validUntil="2030-01-01T00:00:00Z"), "signature"),
        (lambda doc: doc.update(issuer="did:web:evil.example"), "not issued by this registry"),
        (lambda doc: doc.pop("proof"), "not signed"),
        (lambda doc: doc["credentialSubject"].update(encodedList="not base64"), "signature"),
        (lambda doc: doc.update(type=["VerifiableCredential"]), "BitstringStatusListCredential"),
        (lambda doc: doc.update({"@context": ["https://example.org/ctx"]}), "@context"),
    ],
    ids=[
        "encodedList",
        "proofValue",
        "validUntil",
        "issuer",
        "no proof",
        "garbage list",
        "type",
        "context",
    ],
)
def test_a_tampered_status_list_fails(
    world: World, certificate: Doc, change: Callable[[Doc], Any], expected: str
) -> None:
    trust = world.trust()
    assert_valid(world.verify(certificate, trust=trust))  # the genuine list is now memoised
    tampered = copy.deepcopy(world.lists[LIST_URLS["revocation"]])
    change(tampered)
    verdict = world.verify(certificate, trust=trust, lists=serve(world, "revocation", tampered))
    assert results(verdict)["revocation"] == "failed"
    assert expected in verdict.check("revocation").detail  # type: ignore[union-attr]
    assert not verdict.valid


def test_mutating_a_memoised_list_in_place_is_a_cache_miss(world: World, certificate: Doc) -> None:
    trust = world.trust()
    assert_valid(world.verify(certificate, trust=trust))
    served = world.lists[LIST_URLS["revocation"]]
    served["credentialSubject"]["encodedList"] = hand_encoded(16384, True)
    verdict = world.verify(certificate, trust=trust)
    assert results(verdict)["revocation"] == "failed"


def test_a_status_list_signed_by_another_issuer_key_fails(world: World, certificate: Doc) -> None:
    intruder = new_key()
    forged = world.sign(world.status_list("revocation"), key=intruder)
    verdict = world.verify(certificate, lists=serve(world, "revocation", forged))
    assert results(verdict)["revocation"] == "failed"
    assert "not a registry key" in verdict.check("revocation").detail  # type: ignore[union-attr]


def test_a_status_list_with_the_wrong_purpose_fails(world: World, certificate: Doc) -> None:
    wrong = world.sign(world.status_list("suspension", url=LIST_URLS["revocation"]))
    verdict = world.verify(certificate, lists=serve(world, "revocation", wrong))
    assert results(verdict)["revocation"] == "failed"
    assert "not revocation" in verdict.check("revocation").detail  # type: ignore[union-attr]


def test_a_different_list_served_at_the_url_fails(world: World, certificate: Doc) -> None:
    other = world.lists[LIST_URLS["suspension"]]  # genuine, but another list
    verdict = world.verify(certificate, lists=serve(world, "revocation", other))
    assert results(verdict)["revocation"] == "failed"


def test_an_expired_status_list_fails(world: World, certificate: Doc) -> None:
    stale = world.sign(world.status_list("revocation", valid_until=later(-1)))
    verdict = world.verify(certificate, lists=serve(world, "revocation", stale))
    assert results(verdict)["revocation"] == "failed"
    assert "expired" in verdict.check("revocation").detail  # type: ignore[union-attr]


def test_an_unavailable_status_list_fails(world: World, certificate: Doc) -> None:
    lists = dict(world.lists)
    del lists[LIST_URLS["suspension"]]
    verdict = world.verify(certificate, lists=lists)
    assert results(verdict)["suspension"] == "failed"
    assert "unavailable" in verdict.reason


def test_a_failing_status_source_is_unavailable_not_a_crash(world: World, certificate: Doc) -> None:
    def broken(url: str) -> Doc:
        raise OSError("network down")

    verdict = verify_certificate(
        certificate,
        trust=world.trust(),
        status_lists=broken,
        is_published=lambda slug, version: True,
        now=NOW,
        registry_context_url=CONTEXT_URL,
    )
    assert results(verdict)["revocation"] == "failed"


def test_an_index_beyond_the_list_fails(world: World) -> None:
    certificate = world.certificate(
        statuses=[
            world_entry("revocation", MIN_BITS),
            world_entry("suspension", 0),
        ]
    )
    verdict = world.verify(certificate)
    assert results(verdict)["revocation"] == "failed"
    assert "beyond" in verdict.check("revocation").detail  # type: ignore[union-attr]


def world_entry(purpose: str, index: int) -> Any:
    from registry.trust.credential import StatusEntry

    return StatusEntry(purpose, LIST_URLS[purpose], index)


# --- bit order: index 0 is the most significant bit of byte 0 -----------------------------------


@pytest.mark.parametrize(("index", "byte", "mask"), [(0, 0, 0x80), (7, 0, 0x01), (8, 1, 0x80)])
def test_bit_order_through_the_verifier(world: World, index: int, byte: int, mask: int) -> None:
    certificate = world.certificate(
        statuses=[world_entry("revocation", index), world_entry("suspension", index)]
    )
    assert_valid(world.verify(certificate))
    world.bits["revocation"].set(index)
    raw = world.bits["revocation"].to_bytes()
    assert raw[byte] == mask
    assert raw.count(0) == len(raw) - 1
    world.publish()
    assert world.verify(certificate).status == "revoked"


def test_bit_order_with_a_hand_built_list(world: World) -> None:
    # Byte 0 = 0b1000_0000: index 0 is set, index 7 is not.
    hand = world.sign(world.status_list("revocation", encoded=hand_encoded(16384, set_first=True)))
    lists = serve(world, "revocation", hand)
    first = world.certificate(statuses=[world_entry("revocation", 0), world_entry("suspension", 0)])
    seventh = world.certificate(
        statuses=[world_entry("revocation", 7), world_entry("suspension", 0)]
    )
    assert world.verify(first, lists=lists).status == "revoked"
    assert_valid(world.verify(seventh, lists=lists))
    decoded = StatusList.decode(hand["credentialSubject"]["encodedList"])
    assert decoded.get(0)
    assert not any(decoded.get(i) for i in range(1, 8))


# --- the standard check ---------------------------------------------------------------------------


def test_unpublished_standard_fails(world: World, certificate: Doc) -> None:
    world.published = False
    verdict = world.verify(certificate)
    assert (verdict.valid, verdict.status) == (False, "invalid")
    assert results(verdict)["standard"] == "failed"
    assert "not published" in verdict.reason


def test_unknown_publication_is_skipped_and_still_valid(world: World, certificate: Doc) -> None:
    world.published = None
    verdict = world.verify(certificate)
    assert verdict.valid
    assert verdict.status == "valid"
    assert results(verdict)["standard"] == "skipped"
    assert "cannot be checked here" in verdict.check("standard").detail  # type: ignore[union-attr]


# --- the trust anchor ---------------------------------------------------------------------------


def test_trust_accepts_relative_references(world: World) -> None:
    document = world.did_document()
    fragment = "#" + world.keys[0].multikey
    document["verificationMethod"][0]["id"] = fragment
    document["assertionMethod"] = [fragment]
    trust = IssuerTrust.from_did_document(document, DID)
    assert trust.methods == (world.keys[0].method,)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(id="did:web:evil.example"), "not 'did:web:registry.example'"),
        (lambda d: d.pop("assertionMethod"), "assertionMethod"),
        (lambda d: d.update(assertionMethod=[]), "no assertion keys"),
        (lambda d: d.update(assertionMethod=["did:web:registry.example#other"]), "not a verif"),
        (lambda d: d["verificationMethod"][0].update(publicKeyMultibase="zBad"), "publicKey"),
        (lambda d: d["verificationMethod"][0].update(type="JsonWebKey"), "not a Multikey"),
        (lambda d: d["verificationMethod"][0].update(controller="did:web:x"), "controlled"),
        (lambda d: d["verificationMethod"][0].update(revoked="yesterday"), "revoked"),
        (lambda d: d.update(verificationMethod="x"), "verificationMethod"),
    ],
)
def test_trust_refuses_a_bad_did_document(
    world: World, change: Callable[[Doc], Any], message: str
) -> None:
    document = world.did_document()
    change(document)
    with pytest.raises(IssuerTrustError, match=message):
        IssuerTrust.from_did_document(document, DID)


def test_trust_refuses_a_non_object() -> None:
    with pytest.raises(IssuerTrustError):
        IssuerTrust.from_did_document([], DID)  # type: ignore[arg-type]


def test_only_assertion_keys_are_trusted(world: World, certificate: Doc) -> None:
    document = world.did_document()
    extra = new_key()
    document["verificationMethod"].append(
        {
            "id": extra.method,
            "type": "Multikey",
            "controller": DID,
            "publicKeyMultibase": extra.multikey,
        }
    )
    trust = IssuerTrust.from_did_document(document, DID)
    by_extra = world.certificate(key=extra)
    verdict = world.verify(by_extra, trust=trust)
    assert results(verdict)["key"] == "failed"


# --- hostile input ------------------------------------------------------------------------------


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=json_values)
def test_arbitrary_json_never_raises(world: World, value: Any) -> None:
    verdict = world.verify(value)
    assert isinstance(verdict, Verdict)
    assert not verdict.valid
    json.dumps(verdict.to_dict())


KEYS = st.sampled_from(
    [
        "@context",
        "id",
        "type",
        "issuer",
        "validFrom",
        "validUntil",
        "credentialSubject",
        "credentialStatus",
        "proof",
        "provider",
        "standard",
        "statusListIndex",
        "statusListCredential",
        "statusPurpose",
        "proofValue",
        "verificationMethod",
        "created",
    ]
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path_choice=st.data(), value=json_values)
def test_replacing_any_field_with_arbitrary_json_never_raises_or_passes(
    world: World, certificate: Doc, path_choice: st.DataObject, value: Any
) -> None:
    tampered = copy.deepcopy(certificate)
    target: Any = tampered
    # Walk down a random existing path, then replace what is there.
    while True:
        if isinstance(target, dict) and target:
            key = path_choice.draw(st.sampled_from(sorted(target)))
        elif isinstance(target, list) and target:
            key = path_choice.draw(st.integers(0, len(target) - 1))
        else:
            break
        child = target[key]
        if not isinstance(child, dict | list) or path_choice.draw(st.booleans()):
            if child == value:
                return
            target[key] = value
            break
        target = child
    if tampered == certificate:
        return
    verdict = world.verify(tampered)
    assert isinstance(verdict, Verdict)
    assert not verdict.valid, (tampered, verdict.to_dict())


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        "RM-7K3Q-9XPD",
        10**400,
        {"@context": 10**400},
        {"credentialStatus": [{"statusListIndex": "9" * 5000}]},
        {"credentialStatus": {"statusListIndex": "123", "statusPurpose": "revocation"}},
        {"validFrom": "99999-01-01T00:00:00Z", "validUntil": "-0001-01-01T00:00:00Z"},
        {"proof": "z123"},
        {"proof": {"verificationMethod": ["x"]}},
        {"issuer": {"id": 5}},
    ],
    ids=lambda value: repr(value)[:40],
)
def test_hostile_values_are_answered(world: World, value: Any) -> None:
    verdict = world.verify(value)
    assert not verdict.valid
    assert verdict.status == "invalid"


def test_huge_numbers_and_deep_nesting_in_a_signed_shape(world: World, certificate: Doc) -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = [deep]
    for value in (10**400, -(10**30), deep, float("1e308")):
        tampered = mutated(certificate, ("credentialSubject", "score"), value)
        verdict = world.verify(tampered)
        assert not verdict.valid


def test_huge_index_is_refused_cheaply(world: World, certificate: Doc) -> None:
    tampered = mutated(certificate, ("credentialStatus", 0, "statusListIndex"), "9" * 100_000)
    verdict = world.verify(tampered)
    assert results(verdict)["format"] == "failed"
    assert results(verdict)["revocation"] == "skipped"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T09:30:00Z", "2026-01-15T09:30:00+00:00"),
        ("2026-01-15T09:30:00.123456789Z", "2026-01-15T09:30:00.123456+00:00"),
        ("2026-01-15T11:30:00+02:00", "2026-01-15T11:30:00+02:00"),
        ("2026-01-15T09:30:00", "2026-01-15T09:30:00+00:00"),
        ("2026-01-15", None),
        ("2026-01-15T24:00:00Z", None),
        ("12026-01-15T09:30:00Z", None),
        (20260115, None),
    ],
)
def test_parse_datetime(text: Any, expected: str | None) -> None:
    parsed = parse_datetime(text)
    assert (parsed.isoformat() if parsed else None) == expected
