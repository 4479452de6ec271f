"""Piccolo app of the `registry` package: its tables and migrations."""

from __future__ import annotations

import os

from piccolo.conf.apps import AppConfig

from registry.db.tables import (
    AccountRow,
    AccreditationEventRow,
    AccreditationRow,
    ApiTokenRow,
    ApplicationEventRow,
    ApplicationRow,
    ConflictRow,
    IdentityChangeRow,
    ProviderRow,
)

APP_CONFIG = AppConfig(
    app_name="registry",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "migrations"),
    table_classes=[
        AccountRow,
        ApiTokenRow,
        ProviderRow,
        ApplicationRow,
        ApplicationEventRow,
        AccreditationRow,
        AccreditationEventRow,
        ConflictRow,
        IdentityChangeRow,
    ],
)
