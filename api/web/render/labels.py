"""The values the pages show as words (`|label`: `welfare_return` -> "welfare return"),
marked here for extraction so every language's catalog has them. The filter looks a value
up in the catalog at render time; one not listed here shows in English, as stored.

Certificate statuses, grades and history events are legal facts: each translation says
exactly what the English does (a suspended certificate is not "cancelled", an expired one is
not "revoked"); docs/languages.md says how they were checked.
"""

from __future__ import annotations

from typing import Final

from api.i18n import N_

LABELS: Final = (
    # certificate statuses (registry.certificates.service.STATUSES) and "never certified"
    N_("valid"),
    N_("suspended"),
    N_("revoked"),
    N_("expired"),
    N_("never"),
    # certificate history events
    N_("issued"),
    N_("reinstated"),
    # grades of the core-rights standard
    N_("gold"),
    N_("silver"),
    N_("bronze"),
    # provider types (standards.model.ProviderType)
    N_("recruiter"),
    N_("sub agent"),
    N_("visa document"),
    N_("training"),
    N_("travel"),
    N_("lender"),
    N_("welfare return"),
    # non-conformity classes
    N_("critical"),
    N_("major"),
    N_("minor"),
    # complaint states and outcomes (registry.complaints.rules)
    N_("received"),
    N_("acknowledged"),
    N_("investigating"),
    N_("closed"),
    N_("substantiated"),
    N_("partly substantiated"),
    N_("not substantiated"),
    N_("outside scope"),
    N_("withdrawn"),
    # remedies
    N_("refund"),
    N_("returned document"),
    N_("reinstated contract"),
    N_("other"),
    N_("ordered"),
    N_("confirmed"),
    # complaint categories, as the statistics page lists them
    N_("fees"),
    N_("documents"),
    N_("contract"),
    N_("consent"),
    N_("age discrimination"),
    N_("wages"),
    N_("movement"),
    N_("data"),
    N_("complaint handling"),
    N_("retaliation"),
    N_("association"),
    N_("subagents"),
    N_("licence"),
    # appeals
    N_("pending"),
    N_("upheld"),
    N_("overturned"),
)
