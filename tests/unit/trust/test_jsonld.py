"""An independent JSON-LD processor (pyld) understands every term of our credentials.

Expansion drops any property or type a context does not define, so comparing the compact
document with its expansion proves that nothing is meaningful only to this codebase. The
contexts come from the shipped files through a local document loader: no network.
"""

from __future__ import annotations

from typing import Any

import pytest
from pyld import jsonld  # type: ignore[import-untyped]

from registry.trust.contexts import CREDENTIALS_V2, load_context
from tests.support.credentials import CONTEXT_URL, Doc, World

CONTEXTS = {
    CREDENTIALS_V2: load_context("credentials-v2"),
    CONTEXT_URL: load_context("rightsmark-v1"),
}
KEYWORD_ALIASES = {"id", "type"}  # credentials v2 aliases of @id and @type


def local_loader(url: str, options: Any = None) -> dict[str, Any]:
    if url not in CONTEXTS:
        raise jsonld.JsonLdError(
            f"no network: {url}", "jsonld.LoadDocumentError", code="loading document failed"
        )
    return {"contextUrl": None, "documentUrl": url, "document": CONTEXTS[url]}


def expand(document: Doc) -> list[Any]:
    expanded: list[Any] = jsonld.expand(document, {"documentLoader": local_loader})
    return expanded


def compact_terms(value: Any) -> tuple[int, int]:
    """(properties, type values) in a compact document, keywords and aliases excluded."""
    properties = types = 0
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "type":
                types += len(child) if isinstance(child, list) else 1
                continue
            if key.startswith("@") or key in KEYWORD_ALIASES:
                continue
            properties += 1
            p, t = compact_terms(child)
            properties, types = properties + p, types + t
    elif isinstance(value, list):
        for child in value:
            p, t = compact_terms(child)
            properties, types = properties + p, types + t
    return properties, types


def expanded_terms(value: Any, iris: set[str]) -> tuple[int, int]:
    """(properties, types) in an expanded document, collecting every IRI used."""
    properties = types = 0
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "@type" and "@value" not in value:
                types += len(child)
                iris.update(child)
                continue
            if key == "@type":  # a typed literal's datatype
                iris.add(child)
                continue
            if key.startswith("@"):
                if key in ("@graph", "@list", "@set"):
                    p, t = expanded_terms(child, iris)
                    properties, types = properties + p, types + t
                continue
            properties += 1
            iris.add(key)
            p, t = expanded_terms(child, iris)
            properties, types = properties + p, types + t
    elif isinstance(value, list):
        for child in value:
            p, t = expanded_terms(child, iris)
            properties, types = properties + p, types + t
    return properties, types


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def documents(world: World) -> dict[str, Doc]:
    return {
        "certificate": world.certificate(),
        "certificate with a fractional score": world.certificate(score=71.25),
        "revocation list": world.lists[next(iter(world.lists))],
    }


@pytest.mark.parametrize(
    "name", ["certificate", "certificate with a fractional score", "revocation list"]
)
def test_every_term_survives_expansion(world: World, name: str) -> None:
    document = documents(world)[name]
    expanded = expand(document)
    iris: set[str] = set()
    assert expanded_terms(expanded, iris) == compact_terms(document)
    assert all(iri.startswith(("https://", "http://")) for iri in iris), iris
    assert not [iri for iri in iris if "issuer-dependent" in iri]


def test_registry_terms_expand_to_the_rightsmark_vocabulary(world: World) -> None:
    [node] = expand(world.certificate())
    assert node["@type"] == [
        "https://www.w3.org/2018/credentials#VerifiableCredential",
        "https://w3id.org/rightsmark#RightsmarkCertificate",
    ]
    [subject] = node["https://www.w3.org/2018/credentials#credentialSubject"]
    assert subject["@type"] == ["https://w3id.org/rightsmark#CertifiedProvider"]
    [code] = subject["https://w3id.org/rightsmark#certificateCode"]
    assert code == {"@value": "RM-7K3Q-9XPD"}
    [score] = subject["https://w3id.org/rightsmark#score"]
    assert score["@type"] == "http://www.w3.org/2001/XMLSchema#decimal"
    [provider] = subject["https://w3id.org/rightsmark#provider"]
    [licence] = provider["https://w3id.org/rightsmark#licence"]
    [expires] = licence["https://w3id.org/rightsmark#expiresOn"]
    assert expires == {"@type": "http://www.w3.org/2001/XMLSchema#date", "@value": "2028-03-31"}
    [valid_until] = node["https://www.w3.org/2018/credentials#validUntil"]
    assert valid_until["@type"] == "http://www.w3.org/2001/XMLSchema#dateTime"


def test_an_undefined_term_would_be_caught(world: World) -> None:
    certificate = world.certificate()
    certificate["credentialSubject"]["favouriteColour"] = "blue"
    iris: set[str] = set()
    assert expanded_terms(expand(certificate), iris) != compact_terms(certificate)


def test_the_registry_context_is_protected_and_cannot_be_redefined(world: World) -> None:
    certificate = world.certificate()
    certificate["@context"] = [*certificate["@context"], {"grade": "https://evil.example/grade"}]
    with pytest.raises(jsonld.JsonLdError):
        expand(certificate)
