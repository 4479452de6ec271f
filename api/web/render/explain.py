"""Plain-language words for the verification engine's checks and verdicts, for people who
have never heard of a signature or a status list, in the reader's language.

Each text is marked for extraction (`N_`) where it is defined and translated where it is
shown. A verdict is shown by its stable code (`registry.trust.verify.results.Verdict.code`),
so its words say the same in every language; the engine's own English detail follows it.
"""

from __future__ import annotations

from typing import Final

from api.i18n import N_, gettext
from registry.trust.verify.results import Verdict

QUESTIONS: Final = {
    "format": N_("Is this a Rightsmark certificate in the expected form?"),
    "issuer": N_("Was it issued by this registry?"),
    "key": N_("Was it signed with a key the registry has published and still trusts?"),
    "signature": N_("Is it exactly as the registry signed it, with nothing changed?"),
    "validity": N_("Is today within its validity dates?"),
    "revocation": N_("Is it free of revocation (withdrawn for good)?"),
    "suspension": N_("Is it free of suspension (put on hold until problems are fixed)?"),
    "standard": N_("Does the standard it names exist here, with the same content?"),
    "log": N_("Is it recorded in the registry's public transparency log?"),
}

WHY_IT_MATTERS: Final = {
    "format": N_("A file that is not a certificate cannot be checked at all."),
    "issuer": N_("Anyone can write a certificate; only the registry's count."),
    "key": N_("A signature only proves something if the key that made it is the registry's."),
    "signature": N_("Any edit, even one letter of a grade or date, breaks the signature."),
    "validity": N_("A certificate is only good between the dates printed on it."),
    "revocation": N_("The registry revokes a certificate when a provider lost it for good."),
    "suspension": N_("The registry suspends a certificate while serious problems are open."),
    "standard": N_("A grade means something only against the published rules it was given under."),
    "log": N_("The log is public and append-only: the registry cannot issue or rewrite in secret."),
}

RESULTS: Final = {"passed": N_("Yes"), "failed": N_("No"), "skipped": N_("Not checked")}

HEADLINES: Final = {
    "valid": N_("Valid certificate"),
    "suspended": N_("Suspended certificate"),
    "revoked": N_("Revoked certificate"),
    "expired": N_("Expired certificate"),
    "not_yet_valid": N_("Not valid yet"),
    "invalid": N_("Not a valid certificate"),
}

ADVICE: Final = {
    "valid": N_("You can rely on this certificate today."),
    "suspended": N_("Do not rely on it until the registry reinstates it."),
    "revoked": N_("Do not rely on it: the provider is no longer certified under it."),
    "expired": N_("Do not rely on it: ask the provider for its current certificate."),
    "not_yet_valid": N_("It cannot be relied on before its start date."),
    "invalid": N_(
        "Do not rely on it: it is not a genuine, unchanged certificate of this registry."
    ),
}


# What each verdict code means, as the English reason says it (the engine's words for
# `valid`, `revoked` and `suspended`; the first failed check's meaning for the others).
REASONS: Final = {
    "valid": N_("The certificate is genuine, current, and neither suspended nor revoked."),
    "revoked": N_("The certificate has been revoked by the registry."),
    "suspended": N_("The certificate is suspended by the registry."),
    "expired": N_("The certificate has expired: its validity period has ended."),
    "not_yet_valid": N_("The certificate is not valid yet: its validity period has not begun."),
    "not_genuine.format": N_(
        "Not a genuine certificate of this registry: it is not a Rightsmark certificate in "
        "the expected form."
    ),
    "not_genuine.issuer": N_(
        "Not a genuine certificate of this registry: it was not issued by this registry."
    ),
    "not_genuine.key": N_(
        "Not a genuine certificate of this registry: it was not signed with a key the "
        "registry has published and still trusts."
    ),
    "not_genuine.signature": N_(
        "Not a genuine certificate of this registry: it is not exactly as the registry signed it."
    ),
    "failed.standard": N_(
        "Not a valid certificate: the standard it names does not exist here with the same content."
    ),
    "failed.log": N_(
        "Not a valid certificate: it is not recorded in the registry's public transparency log."
    ),
    "failed.revocation": N_("Not a valid certificate: its revocation status cannot be checked."),
    "failed.suspension": N_("Not a valid certificate: its suspension status cannot be checked."),
    "failed.validity": N_("Not a valid certificate: its validity dates cannot be read."),
}


def question(name: str) -> str:
    return gettext(QUESTIONS[name]) if name in QUESTIONS else name


def why(name: str) -> str:
    return gettext(WHY_IT_MATTERS[name]) if name in WHY_IT_MATTERS else ""


def headline(status: str) -> str:
    return gettext(HEADLINES[status]) if status in HEADLINES else status


def advice(status: str) -> str:
    return gettext(ADVICE[status]) if status in ADVICE else ""


def answer(result: str) -> str:
    return gettext(RESULTS[result]) if result in RESULTS else result


def reason(verdict: Verdict) -> str:
    """The verdict's reason in the reader's language, by its code; the engine's English
    words for a code with no text here."""
    code = verdict.code
    return gettext(REASONS[code]) if code in REASONS else verdict.reason
