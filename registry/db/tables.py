"""Persistence of the registry: accounts and their API tokens, provider organisations,
applications and their events, auditor accreditations and declared conflicts of interest.

Lists (provider types, corridors, licences, ...) are stored as JSON text, with a `|a|b|`
copy where a search filters on them: one portable `LIKE` on SQLite and PostgreSQL alike.
Records of other packages are referenced by public id, not by row number.
"""

from __future__ import annotations

from piccolo.columns import Date, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class AccountRow(Table, tablename="accounts"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # acc_...; never the row number
    name = Varchar(length=200)
    email = Varchar(length=254, null=True, default=None)
    role = Varchar(length=16, index=True)  # secretariat | auditor | provider
    provider_id = Varchar(length=40, null=True, default=None)
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    revoked_at = Timestamptz(null=True, default=None)


class ApiTokenRow(Table, tablename="api_tokens"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # tok_...
    account = ForeignKey(references=AccountRow)
    token_hash = Varchar(length=64, unique=True)  # SHA-256 hex of the whole token
    hint = Varchar(length=16)  # rm_ + first characters, to recognise a token in lists
    label = Varchar(length=100)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)


class ProviderRow(Table, tablename="providers"):
    id: Serial
    public_id = Varchar(length=12, unique=True)  # RMP-XXXXXXXX, the public registry id
    legal_name = Varchar(length=300)
    trading_names = Text()  # JSON list of strings
    search_name = Text()  # normalised legal and trading names, "|"-separated
    country = Varchar(length=2, index=True)  # of registration, ISO 3166-1 alpha-2
    provider_types = Text()  # JSON list
    corridors = Text()  # JSON list of "PH-AE"
    # JSON list of {country, number, issuing_authority, expires_on, verification}; a licence
    # stored before verification states existed has none and reads as self-declared.
    licences = Text()
    registration_numbers = Text(default="[]")  # JSON list of {country, number}
    # Why the secretariat let this provider share its normalised legal name and country with
    # another one; NULL when it shares it with none (registry.identity).
    name_reason = Text(null=True, default=None)
    contact = Text()  # JSON object; never public
    search_types = Text()  # |recruiter|training|
    search_corridors = Text()  # |PH-AE|NP-QA|
    search_countries = Text()  # |PH|AE|NP|QA|: registration country and corridor ends
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    updated_at = Timestamptz()
    updated_by = Varchar(length=64)


class IdentityChangeRow(Table, tablename="identity_changes"):
    """A change of who a provider is (legal name, trading names, country, registration
    numbers, licences): requested by the provider once it applies, decided by the
    secretariat; an approved one is the provider's public name history."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # idc_...
    provider_id = Varchar(length=12, index=True)
    before = Text()  # JSON: the identity fields when requested
    after = Text()  # JSON: the identity fields asked for (all of them, changed or not)
    explanation = Text()  # the requester's: why (a merger, a new licence, a typo)
    state = Varchar(length=16, index=True)  # pending | approved | refused | withdrawn
    requested_by = Varchar(length=64)
    requested_at = Timestamptz()
    decided_by = Varchar(length=64, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    decision_reason = Text(null=True, default=None)
    name_reason = Text(null=True, default=None)  # why a shared name is allowed, if it is
    log_index = Integer(null=True, default=None)


class ApplicationRow(Table, tablename="applications"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # apl_...
    provider_id = Varchar(length=12, index=True)
    standard = Varchar(length=100)  # slug@version
    standard_slug = Varchar(length=64, index=True)
    provider_types = Text()  # JSON list: the scope
    corridors = Text()  # JSON list: the scope
    countries = Text()  # JSON list: registration country and every corridor end
    state = Varchar(length=20, index=True)
    auditor_id = Varchar(length=40, null=True, default=None, index=True)  # account public id
    audit_date = Date(null=True, default=None)
    cycle = Integer()
    # "<provider>|<slug>|<cycle>" while the application is not withdrawn, NULL once it is:
    # the database itself keeps one live application per provider, standard slug and cycle.
    # UNIQUE through the index `applications_cycle_key_unique` of migration 2026-11-30T08:10
    # (SQLite cannot add a UNIQUE column, so it is not declared here).
    cycle_key = Varchar(length=100, null=True, default=None)
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    updated_at = Timestamptz()


class ApplicationEventRow(Table, tablename="application_events"):
    id: Serial
    application = ForeignKey(references=ApplicationRow)
    from_state = Varchar(length=20, null=True, default=None)
    to_state = Varchar(length=20)
    actor = Varchar(length=64)
    reason = Text(null=True, default=None)
    at = Timestamptz()


class AccreditationRow(Table, tablename="accreditations"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # acr_...
    auditor_id = Varchar(length=40, index=True)  # account public id
    provider_types = Text()  # JSON list
    countries = Text()  # JSON list
    valid_from = Date()
    valid_until = Date()
    state = Varchar(length=16)  # active | suspended
    created_at = Timestamptz()
    created_by = Varchar(length=64)


class AccreditationEventRow(Table, tablename="accreditation_events"):
    id: Serial
    accreditation = ForeignKey(references=AccreditationRow)
    action = Varchar(length=16)  # granted | suspended | reinstated
    actor = Varchar(length=64)
    reason = Text(null=True, default=None)
    at = Timestamptz()


class ConflictRow(Table, tablename="conflicts_of_interest"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # coi_...
    auditor_id = Varchar(length=40, index=True)
    provider_id = Varchar(length=12, index=True)
    declared_by_role = Varchar(length=16)  # auditor | provider | secretariat
    declared_by = Varchar(length=64)
    reason = Text()
    created_at = Timestamptz()
    withdrawn_at = Timestamptz(null=True, default=None)  # kept in history, no longer binding
    withdrawn_by = Varchar(length=64, null=True, default=None)
    withdrawal_reason = Text(null=True, default=None)
    # The secretariat's review (migration 2026-12-03T09:00): pending | accepted | rejected.
    # Only an accepted, not withdrawn conflict bars an assignment (registry.conflicts).
    review_state = Varchar(length=16, default="pending")
    reviewed_at = Timestamptz(null=True, default=None)
    reviewed_by = Varchar(length=64, null=True, default=None)
    review_reason = Text(null=True, default=None)
