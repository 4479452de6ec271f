"""Persistence of standard versions. The rule set itself is stored as its canonical JSON."""

from __future__ import annotations

from piccolo.columns import Date, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class StandardVersionRow(Table, tablename="standard_versions"):
    id: Serial
    slug_version = Varchar(length=100, unique=True)  # slug@version
    slug = Varchar(length=64, index=True)
    version = Varchar(length=32)
    major = Integer()
    minor = Integer()
    patch = Integer()
    title = Varchar(length=200)
    status = Varchar(length=16, index=True)  # draft | published | retired
    digest = Varchar(length=80)
    document = Text()  # canonical JSON of the rule set
    effective_date = Date()
    supersedes = Varchar(length=32, null=True, default=None)
    created_at = Timestamptz()
    created_by = Varchar(length=64)
    published_at = Timestamptz(null=True, default=None)
    published_by = Varchar(length=64, null=True, default=None)
    retired_at = Timestamptz(null=True, default=None)
    retired_by = Varchar(length=64, null=True, default=None)
