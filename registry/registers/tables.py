"""Persistence of national licence registers: each import, and the findings they open.

An import keeps the file itself (`content`), so that `rightsmark lifecycle run` can apply
the latest register of each country again to licences listed since, and so that what was
applied can always be shown and re-checked against its digest.
"""

from __future__ import annotations

from piccolo.columns import Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class RegisterImportRow(Table, tablename="register_imports"):
    id: Serial
    public_id = Varchar(length=40, unique=True)  # rim_...
    country = Varchar(length=2, index=True)
    authority = Varchar(length=200)
    file_name = Varchar(length=300)
    digest = Varchar(length=80)  # sha256:<hex> of `content`'s bytes
    content = Text()  # the file as imported (UTF-8)
    entries = Integer()
    matched = Integer()  # provider licences found in it (by number or by name)
    changed = Integer()  # provider licences whose register status changed
    imported_at = Timestamptz()
    imported_by = Varchar(length=64)
    log_index = Integer(null=True, default=None)


class LicenceFindingRow(Table, tablename="licence_findings"):
    """A provider's licence found other than valid in its national register, under the
    standard's licence indicator. `warning`: expired, the provider warned and given until
    `due_at`; `open`: a critical finding, its valid certificates suspended; `closed`: the
    register shows the licence valid again."""

    id: Serial
    public_id = Varchar(length=40, unique=True)  # lf_...
    provider_id = Varchar(length=12, index=True)
    country = Varchar(length=2)
    number = Varchar(length=200)
    indicator = Varchar(length=40)  # LAW-1
    failure_class = Varchar(length=16)  # critical
    register_status = Varchar(length=16)  # as last seen
    state = Varchar(length=16, index=True)  # warning | open | closed
    reason = Text()
    opened_at = Timestamptz()
    due_at = Timestamptz(null=True, default=None)  # a warning escalates then
    escalated_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    import_id = Varchar(length=40)  # the import that last changed it
