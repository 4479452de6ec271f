"""Plain-language words for the verification engine's checks and verdicts, for people who
have never heard of a signature or a status list."""

from __future__ import annotations

from typing import Final

QUESTIONS: Final = {
    "format": "Is this a Rightsmark certificate in the expected form?",
    "issuer": "Was it issued by this registry?",
    "key": "Was it signed with a key the registry has published and still trusts?",
    "signature": "Is it exactly as the registry signed it, with nothing changed?",
    "validity": "Is today within its validity dates?",
    "revocation": "Is it free of revocation (withdrawn for good)?",
    "suspension": "Is it free of suspension (put on hold until problems are fixed)?",
    "standard": "Does the standard it names exist here, with the same content?",
    "log": "Is it recorded in the registry's public transparency log?",
}

WHY_IT_MATTERS: Final = {
    "format": "A file that is not a certificate cannot be checked at all.",
    "issuer": "Anyone can write a certificate; only the registry's count.",
    "key": "A signature only proves something if the key that made it is the registry's.",
    "signature": "Any edit, even one letter of a grade or date, breaks the signature.",
    "validity": "A certificate is only good between the dates printed on it.",
    "revocation": "The registry revokes a certificate when a provider lost it for good.",
    "suspension": "The registry suspends a certificate while serious problems are open.",
    "standard": "A grade means something only against the published rules it was given under.",
    "log": "The log is public and append-only: the registry cannot issue or rewrite in secret.",
}

RESULTS: Final = {"passed": "Yes", "failed": "No", "skipped": "Not checked"}

HEADLINES: Final = {
    "valid": "Valid certificate",
    "suspended": "Suspended certificate",
    "revoked": "Revoked certificate",
    "expired": "Expired certificate",
    "not_yet_valid": "Not valid yet",
    "invalid": "Not a valid certificate",
}

ADVICE: Final = {
    "valid": "You can rely on this certificate today.",
    "suspended": "Do not rely on it until the registry reinstates it.",
    "revoked": "Do not rely on it: the provider is no longer certified under it.",
    "expired": "Do not rely on it: ask the provider for its current certificate.",
    "not_yet_valid": "It cannot be relied on before its start date.",
    "invalid": "Do not rely on it: it is not a genuine, unchanged certificate of this registry.",
}


def question(name: str) -> str:
    return QUESTIONS.get(name, name)


def why(name: str) -> str:
    return WHY_IT_MATTERS.get(name, "")
